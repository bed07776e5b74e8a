//===- node_pool.cpp - the shared pool session and per-job reservations ---===//
//
// Session: when every peer is up, the leader picks a random session id and
// tells the followers; each node then runs a TriplePool (OT generator) on
// channel kPreprocChannel of job "pool-<session>", and the followers read
// reservation tickets on channel kTicketChannel of it. Any peer going down
// ends the session everywhere (its material is wiped); a new one starts when
// all are up again.
//
// Reservations: the leader, at a job's start, decides how many records of
// each kind the job takes (what the program used last time, else the
// header's estimate, capped by what the pool holds now), sends that ticket
// to the followers and draws. Followers draw tickets strictly in ticket
// order, whether or not their copy of the job still wants them, so every
// node's pool hands out the same records to the same job.
//===----------------------------------------------------------------------===//
#include "runtime/node/node_pool.h"

#include "runtime/node/job_material.h"
#include "runtime/preproc/ot/ot_preprocessing.h"
#include "runtime/preproc/pool/pool_estimate.h"
#include "vm/core/errors.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <sodium.h>
#include <thread>

namespace smpc::node {

namespace {

using preproc::kPoolKinds;
using preproc::PoolKind;
using Clock = std::chrono::steady_clock;
constexpr uint16_t kTicketChannel = 2;

/// Items of one shape a ticket takes from the stock, at most.
constexpr uint64_t kMaxTicketItems = 4096;
/// Programs whose shaped needs the leader remembers (oldest forgotten first).
constexpr std::size_t kLearnedPrograms = 64;

std::vector<uint8_t>
encodeTicket(const std::string &job, const std::array<uint64_t, kPoolKinds> &counts,
             const std::vector<std::pair<preproc::ShapeKey, uint64_t>> &stock) {
  nlohmann::json st = nlohmann::json::array();
  for (const auto &[k, n] : stock)
    st.push_back({uint64_t(k.op), k.count, k.m, k.k, k.n, k.shift, n});
  nlohmann::json j = {{"job", job}, {"counts", counts}, {"stock", st}};
  std::string s = j.dump();
  return {s.begin(), s.end()};
}

/// The ticket's stock entries (shape, items); throws vm::NetError on
/// anything malformed (the decoder of pool commands checks the shapes).
std::vector<std::pair<preproc::ShapeKey, uint64_t>> decodeStock(const nlohmann::json &j) {
  const vm::NetError bad("party 0 sent a malformed pool ticket");
  std::vector<std::pair<preproc::ShapeKey, uint64_t>> out;
  if (!j.contains("stock")) return out;
  if (!j["stock"].is_array() || j["stock"].size() > 1024) throw bad;
  for (const auto &e : j["stock"]) {
    if (!e.is_array() || e.size() != 7) throw bad;
    std::array<uint64_t, 7> v{};
    for (std::size_t i = 0; i < 7; ++i) {
      if (!e[i].is_number_unsigned()) throw bad;
      v[i] = e[i].get<uint64_t>();
    }
    const auto op = preproc::PoolOp(v[0]);
    if ((op != preproc::PoolOp::Matrix && op != preproc::PoolOp::TruncOnce &&
         op != preproc::PoolOp::Shuffle) ||
        v[2] > UINT32_MAX || v[3] > UINT32_MAX || v[4] > UINT32_MAX || v[5] > UINT32_MAX ||
        v[6] == 0 || v[6] > kMaxTicketItems)
      throw bad;
    preproc::PoolCommand c{op,
                           preproc::PoolKind::Triple,
                           v[1],
                           uint32_t(v[2]),
                           uint32_t(v[3]),
                           uint32_t(v[4]),
                           uint32_t(v[5])};
    try {
      c = preproc::pool_command_decode(preproc::pool_command_encode(c));
    } catch (const std::runtime_error &) {
      throw bad;
    }
    out.emplace_back(preproc::shapeOf(c), v[6]);
  }
  return out;
}

/// Takes a ticket's stock entries out of `pool`, in ticket order.
Stocked takeStocked(preproc::TriplePool &pool,
                    const std::vector<std::pair<preproc::ShapeKey, uint64_t>> &stock) {
  Stocked out;
  for (const auto &[shape, n] : stock)
    for (auto &item : pool.takeStock(shape, n))
      out[shape].push_back(std::move(item));
  return out;
}

/// What a follower drew for a job that has not claimed it yet.
struct Parked {
  Lots lots;
  Stocked stocked;
};

/// One shared pool: its channels live as long as its generator thread, and
/// a job that is drawing keeps the whole session alive.
struct Session {
  std::string id;
  std::unique_ptr<net::JobChannel> gen, tickets; // declared first: destroyed last
  std::unique_ptr<preproc::TriplePool> pool;
  std::string ticketsFailed;   // followers, under NodePool::Impl::mu: why tickets stopped
  ~Session() { pool.reset(); } // joins the generator thread before the channels go
};

/// Session ids a node remembers having run: a pool_start for one of them
/// is stale (it came after that session already ended here).
constexpr std::size_t kRememberSessions = 64;

} // namespace

struct NodePool::Impl {
  net::Mesh &mesh;
  const NodeConfig &cfg;
  store::Store &st;
  Logger &log;
  std::function<void(uint32_t, const nlohmann::json &)> send; // set by the node
  preproc::PoolConfig pc;
  std::size_t batch = 0; // OT batch products this node's cap allows

  mutable std::mutex mu;
  std::condition_variable cv;
  std::vector<bool> up;
  std::shared_ptr<Session> cur;         // the running session, or null
  std::mutex lifeMu;                    // serialises start() and stop() (control and I/O threads)
  std::thread follower;                 // followers: draws tickets in order; under lifeMu
  std::mutex drawMu;                    // leader: one ticket at a time, in order
  std::map<std::string, Parked> parked; // followers: drawn, not yet claimed
  // Leader: the shaped requests each program made in its last run (in
  // memory: a restarted leader learns them again), newest last, and the
  // stock that keeps one run of each within the stock budget.
  std::deque<std::pair<std::string, std::map<preproc::ShapeKey, uint64_t>>> learned;
  std::map<preproc::ShapeKey, std::size_t> stockTargets;
  uint64_t stockBudget = 0; // bytes of the cap's record share the rings leave
  std::map<std::string, Clock::time_point> claimed; // jobs that no longer want theirs
  std::deque<std::string> pastSessions;             // under lifeMu: started here, newest last

  Impl(net::Mesh &m, const NodeConfig &c, store::Store &s, Logger &l)
      : mesh(m), cfg(c), st(s), log(l), up(c.peers.numParties(), false) {
    up[cfg.party] = true;
    // Memory (docs/node.md, "Memory"): the OT batches get the cap's working
    // share, the rest holds records: rings, then stock. Capacities: as
    // configured, the other kinds share three quarters of the record share
    // in the default proportions; the stock gets what the rings leave.
    const uint32_t parties = cfg.peers.numParties();
    batch = preproc::otBatchForBytes(cfg.poolWorkBytes(), parties);
    const std::size_t recordBytes = cfg.poolRecordBytes() / 4 * 3;
    std::size_t fixed = 0, rest = 0;
    for (std::size_t k = 0; k < kPoolKinds; ++k) {
      const std::size_t w = preproc::poolRecordWords(PoolKind(k)) * 8;
      (cfg.poolRecords[k] ? fixed : rest) +=
          (cfg.poolRecords[k] ? cfg.poolRecords[k] : pc.capacity[k]) * w;
    }
    const double scale =
        rest ? double(recordBytes > fixed ? recordBytes - fixed : 0) / double(rest) : 0;
    for (std::size_t k = 0; k < kPoolKinds; ++k)
      pc.capacity[k] = cfg.poolRecords[k]
                           ? std::size_t(cfg.poolRecords[k])
                           : std::max<std::size_t>(64, std::size_t(double(pc.capacity[k]) * scale));
    uint64_t ringBytes = 0;
    for (std::size_t k = 0; k < kPoolKinds; ++k)
      ringBytes += pc.capacity[k] * preproc::poolRecordWords(PoolKind(k)) * 8;
    stockBudget = cfg.poolRecordBytes() > ringBytes ? cfg.poolRecordBytes() - ringBytes : 0;
    pc.parties = cfg.peers.numParties();
    pc.truncShift = 16;
    pc.log = [this](const std::string &line) { log.debug(line); };
  }

  bool allUp() const {
    return std::all_of(up.begin(), up.end(), [](bool b) { return b; });
  }

  /// `batchProducts`: the OT batch size, the leader's (every party must use
  /// the same).
  void start(const std::string &id, std::size_t batchProducts) {
    std::lock_guard life(lifeMu);
    if (std::find(pastSessions.begin(), pastSessions.end(), id) != pastSessions.end()) {
      // Rejoining a session that ended here would pair this node's fresh
      // generator with the peers' running one, out of step: wait for the
      // leader's next session instead (it starts one when a peer comes back).
      log.warn("stale triple pool session ignored", {{"session", id}});
      return;
    }
    pastSessions.push_back(id);
    if (pastSessions.size() > kRememberSessions) pastSessions.pop_front();
    stopLocked();
    auto ss = std::make_shared<Session>();
    ss->id = id;
    ss->gen = mesh.openJob("pool-" + id, net::kPreprocChannel);
    ss->tickets = mesh.openJob("pool-" + id, kTicketChannel);
    preproc::OtOptions o;
    o.parties = cfg.peers.numParties();
    o.batchProducts = batchProducts;
    if (batchProducts > batch)
      log.warn("the leader's triple pool batches are larger than this node's pool.memory_mb "
               "allows; give every node the same pool.memory_mb",
               {{"batch", batchProducts}, {"own_batch", batch}});
    preproc::PoolConfig sc = pc;
    // Staging of one generator call: as many records as a few OT batches.
    sc.stageRecords = 64 * batchProducts;
    ss->pool =
        preproc::makePooledPreprocessing(*ss->gen, preproc::makeOtPreprocessing(*ss->gen, o), sc);
    {
      std::lock_guard lk(mu);
      cur = ss;
      if (cfg.party == 0) ss->pool->setStock(stockTargets);
    }
    if (cfg.party != 0) follower = std::thread([this, ss] { followTickets(ss); });
    log.info("triple pool started", {{"session", id}, {"batch", batchProducts}});
  }

  void stop() {
    std::lock_guard life(lifeMu);
    stopLocked();
  }

  /// Leader: a new session with a fresh random id, at every node.
  void startNew() {
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, b, sizeof b);
    for (uint32_t q = 1; q < cfg.peers.numParties(); ++q)
      if (send) send(q, {{"t", "pool_start"}, {"session", hex}, {"batch", batch}});
    start(hex, batch);
  }

  void stopLocked() {
    std::shared_ptr<Session> old;
    {
      std::lock_guard lk(mu);
      if (!cur) return;
      old = std::move(cur);
      const std::string why = "the triple pool stopped (a peer went down or the node stops)";
      old->gen->abort(why);
      old->tickets->abort(why);
      parked.clear(); // lots and items wipe themselves
    }
    cv.notify_all();
    if (follower.joinable()) follower.join();
    old.reset(); // the last holder (maybe a drawing job) joins the generator thread
    log.info("triple pool stopped");
  }

  /// Leader: remembers what a program's run made by shape and stocks one
  /// run of every remembered program (newest first, while the budget lasts).
  void learnShapes(const std::string &hash, const std::map<preproc::ShapeKey, uint64_t> &shapes) {
    std::lock_guard lk(mu);
    std::erase_if(learned, [&](const auto &e) { return e.first == hash; });
    if (!shapes.empty()) learned.emplace_back(hash, shapes);
    if (learned.size() > kLearnedPrograms) learned.pop_front();
    std::map<preproc::ShapeKey, std::size_t> targets;
    uint64_t bytes = 0;
    for (auto it = learned.rbegin(); it != learned.rend(); ++it)
      for (const auto &[shape, n] : it->second) {
        const uint64_t itemBytes = 8 * std::max<uint64_t>(1, preproc::shapeWords(shape));
        const uint64_t add = std::min({n, kMaxTicketItems, (stockBudget - bytes) / itemBytes});
        targets[shape] += add;
        bytes += add * itemBytes;
      }
    std::erase_if(targets, [](const auto &t) { return t.second == 0; });
    stockTargets = std::move(targets);
    if (cur) cur->pool->setStock(stockTargets);
  }

  void followTickets(std::shared_ptr<Session> ss) {
    try {
      for (;;) {
        // Tickets come only when jobs start: an idle node waits as long as
        // it takes (recv() would give up after timeouts.recv_ms, and every
        // later job of the session would then wait for a lost ticket).
        // Only an aborted or failed channel ends the loop.
        auto got = ss->tickets->recvAny(std::chrono::seconds(1));
        if (!got) continue;
        if (got->first != 0) throw vm::NetError("a ticket came from a party other than the leader");
        auto &msg = got->second;
        auto j = nlohmann::json::parse(msg.begin(), msg.end(), nullptr, false);
        if (j.is_discarded() || !j.contains("job") || !j["job"].is_string() ||
            !j.contains("counts") || !j["counts"].is_array() || j["counts"].size() != kPoolKinds)
          throw vm::NetError("party 0 sent a malformed pool ticket");
        std::array<uint64_t, kPoolKinds> counts{};
        for (std::size_t k = 0; k < kPoolKinds; ++k) {
          if (!j["counts"][k].is_number_unsigned() ||
              j["counts"][k].get<uint64_t>() > preproc::kMaxCommandElems)
            throw vm::NetError("party 0 sent a malformed pool ticket");
          counts[k] = j["counts"][k].get<uint64_t>();
        }
        // Always, so the pools stay in step.
        const auto stock = decodeStock(j);
        Parked drawn{drawLots(*ss->pool, counts, pc.truncShift), takeStocked(*ss->pool, stock)};
        const std::string job = j["job"].get<std::string>();
        std::lock_guard lk(mu);
        if (claimed.erase(job)) continue; // the job ended before its ticket came: wiped
        parked[job] = std::move(drawn);
        cv.notify_all();
      }
    } catch (const std::exception &e) {
      std::lock_guard lk(mu);
      // Jobs waiting for a ticket of this session give up at once instead
      // of waiting for their peers' timeout.
      ss->ticketsFailed = e.what();
      cv.notify_all();
      if (cur == ss) log.warn("triple pool tickets stopped", {{"reason", e.what()}});
    }
  }
};

NodePool::NodePool(net::Mesh &mesh, const NodeConfig &cfg, store::Store &st, Logger &log)
    : impl_(std::make_unique<Impl>(mesh, cfg, st, log)) {}

NodePool::~NodePool() {
  impl_->stop();
}

void NodePool::setSender(std::function<void(uint32_t, const nlohmann::json &)> send) {
  impl_->send = std::move(send);
}

void NodePool::onControl(uint32_t from, const nlohmann::json &m) {
  Impl &p = *impl_;
  if (!p.cfg.poolEnabled || from != 0 || p.cfg.party == 0) return;
  if (m.value("t", "") == "pool_start" && m.contains("session") && m["session"].is_string()) {
    const std::string id = m["session"].get<std::string>();
    // The leader makes 32 hex digits; the id names mesh channels and logs.
    if (id.size() != 32 || id.find_first_not_of("0123456789abcdef") != std::string::npos) return;
    // The OT batch size: the leader's, within the bounds it can take.
    const auto &b = m.contains("batch") ? m["batch"] : nlohmann::json();
    if (!b.is_number_unsigned() || b.get<uint64_t>() < preproc::kMinBatchProducts ||
        b.get<uint64_t>() > preproc::kMaxBatchProducts) {
      p.log.warn("pool_start without a valid batch size ignored", {{"session", id}});
      return;
    }
    p.start(id, b.get<std::size_t>());
  }
}

void NodePool::onPeer(uint32_t peer, bool isUp) {
  Impl &p = *impl_;
  if (!p.cfg.poolEnabled) return;
  bool startNew = false;
  {
    std::lock_guard lk(p.mu);
    if (peer >= p.up.size() || p.up[peer] == isUp) return;
    p.up[peer] = isUp;
    startNew = isUp && p.allUp() && p.cfg.party == 0;
  }
  if (!isUp) return p.stop();
  if (startNew) p.startNew();
}

void NodePool::tick() {
  Impl &p = *impl_;
  if (!p.cfg.poolEnabled || p.cfg.party != 0) return;
  std::string why;
  {
    std::lock_guard lk(p.mu);
    if (!p.cur || !p.allUp()) return;
    auto st = p.cur->pool->status();
    if (!st.failed) return;
    why = st.error;
  }
  // A failed session serves nothing (session() is ""): replace it, or the
  // node would run every later job on demand only.
  p.log.warn("triple pool failed; starting a new session", {{"reason", why}});
  p.startNew();
}

std::string NodePool::session() const {
  std::lock_guard lk(impl_->mu);
  // A pool whose generation failed serves nothing more: jobs make all of
  // their material on demand rather than wait on it.
  if (!impl_->cur || impl_->cur->pool->status().failed) return std::string();
  return impl_->cur->id;
}

std::unique_ptr<JobMaterial> NodePool::forJob(const std::string &jobId, const std::string &session,
                                              const std::string &programHash,
                                              const bc::Program &prog, net::JobChannel &preproc) {
  Impl &p = *impl_;
  const uint32_t parties = p.cfg.peers.numParties();
  const std::string me = "party " + std::to_string(p.cfg.party);
  Lots lots;
  Stocked stocked;
  const auto t0 = Clock::now();
  std::unique_lock lk(p.mu);
  if (!session.empty()) {
    auto stopped = [&] {
      return vm::NetError("the triple pool of " + me +
                          " stopped before the job's material was set aside (a peer went down); "
                          "submit the job again");
    };
    if (!p.cur || p.cur->id != session) throw stopped();
    std::shared_ptr<Session> ss = p.cur;
    if (p.cfg.party == 0) {
      std::array<uint64_t, kPoolKinds> want = preproc::estimateMaterial(prog.needs);
      if (auto learned = p.st.materialUse(programHash); learned && learned->size() == kPoolKinds)
        std::copy(learned->begin(), learned->end(), want.begin());
      if (prog.fracBits != p.pc.truncShift) want[std::size_t(PoolKind::Trunc)] = 0;
      std::map<preproc::ShapeKey, uint64_t> shapes;
      for (const auto &[hash, s] : p.learned)
        if (hash == programHash) shapes = s;
      lk.unlock();
      // One ticket at a time: tickets leave in the order the leader draws.
      std::lock_guard dl(p.drawMu);
      const auto status = ss->pool->status();
      std::array<uint64_t, kPoolKinds> counts{};
      for (std::size_t k = 0; k < kPoolKinds; ++k)
        counts[k] = std::min<uint64_t>(want[k], status.kinds[k].level);
      std::vector<std::pair<preproc::ShapeKey, uint64_t>> stock;
      for (const auto &[shape, n] : shapes)
        if (auto have = std::min<uint64_t>({n, ss->pool->stockLevel(shape), kMaxTicketItems}))
          stock.emplace_back(shape, have);
      const auto ticket = encodeTicket(jobId, counts, stock);
      for (uint32_t q = 1; q < parties; ++q)
        ss->tickets->send(q, ticket);
      lots = drawLots(*ss->pool, counts, p.pc.truncShift);
      stocked = takeStocked(*ss->pool, stock);
    } else {
      // Wait for the leader's ticket for this job (drawn in ticket order).
      for (;;) {
        if (auto it = p.parked.find(jobId); it != p.parked.end()) {
          lots = std::move(it->second.lots);
          stocked = std::move(it->second.stocked);
          p.parked.erase(it);
          break;
        }
        if (p.cur != ss || !ss->tickets->failure().empty()) throw stopped();
        if (!ss->ticketsFailed.empty())
          throw vm::NetError("the triple pool of " + me +
                             " could not set the job's material aside: " + ss->ticketsFailed +
                             "; submit the job again");
        // A job whose channel failed gives up; its ticket is drawn and wiped later.
        if (std::string why = preproc.failure(); !why.empty()) throw vm::NetError(why);
        p.cv.wait_for(lk, std::chrono::milliseconds(50));
      }
    }
  }
  const double waited = std::chrono::duration<double>(Clock::now() - t0).count();
  return makeJobMaterial(std::move(lots), preproc, parties, p.pc.truncShift, waited,
                         std::move(stocked));
}

void NodePool::jobDone(const std::string &jobId, const std::string &programHash,
                       const MaterialStats &s, bool ok) {
  Impl &p = *impl_;
  {
    std::lock_guard lk(p.mu);
    // A follower whose job ended before its ticket came: drop it on arrival.
    if (p.cfg.party != 0 && p.cur) {
      if (auto it = p.parked.find(jobId); it != p.parked.end()) {
        p.parked.erase(it); // wiped
      } else if (!ok) {
        p.claimed[jobId] = Clock::now();
      }
      // Tickets that never come (the leader never reserved): forget them.
      std::erase_if(p.claimed,
                    [](auto &c) { return Clock::now() - c.second > std::chrono::minutes(10); });
    }
  }
  if (ok && p.cfg.party == 0) {
    std::vector<uint64_t> used(s.used.begin(), s.used.end());
    p.st.putMaterialUse(programHash, used);
    p.learnShapes(programHash, s.shaped);
  }
}

std::optional<preproc::PoolStatus> NodePool::status() const {
  std::lock_guard lk(impl_->mu);
  if (!impl_->cur) return std::nullopt;
  return impl_->cur->pool->status();
}

std::string NodePool::state() const {
  std::lock_guard lk(impl_->mu);
  if (!impl_->cfg.poolEnabled) return "disabled";
  return impl_->cur ? "running" : "waiting for peers";
}

} // namespace smpc::node
