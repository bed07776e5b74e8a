//===- node.cpp - start-up, the control plane between nodes, shutdown -----===//
//
// Control messages (JSON on the mesh's unsequenced channel of job
// "smpc-control"):
//   verdict {job, ok, reason, datasets}  a node -> the leader: accepted or refused
//   queued  {job}                        leader -> all: every node accepted, waiting for a slot
//   start   {job}                        leader -> all: run it now
//   abort   {job, state, reason}         any -> all: refused, failed or cancelled
//   pool_start {session, batch}          leader -> all: start a shared triple pool
//===----------------------------------------------------------------------===//
#include "runtime/net/frame.h"
#include "runtime/net/keys.h"
#include "runtime/node/node_impl.h"

#include <filesystem>
#include <fstream>
#include <httplib.h>

namespace smpc::node {

using nlohmann::json;

namespace {
constexpr const char *kControlJob = "smpc-control";
constexpr std::size_t kRememberEnded = 1024;

/// A text field of a peer's control message, fit for logs, the store and
/// clients: a peer is authenticated, not trusted, so its text gets the Bye
/// reason rule (printable ASCII, bounded). Absent or not a string: `def`.
std::string peerText(const json &m, const char *name, const std::string &def = "") {
  auto it = m.find(name);
  if (it == m.end() || !it->is_string()) return def;
  return net::byeReason(it->get_ref<const std::string &>());
}

bool peerFlag(const json &m, const char *name) {
  auto it = m.find(name);
  return it != m.end() && it->is_boolean() && it->get<bool>();
}

/// A pool session id as NodePool makes them (32 lowercase hex digits), or none.
std::string peerSession(const json &m) {
  std::string s = peerText(m, "pool");
  if (s.size() != 32) return "";
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return "";
  return s;
}
} // namespace

Node::Impl::Impl(NodeConfig c) : cfg(std::move(c)), log(cfg.party, cfg.logLevel) {}

Node::Node(NodeConfig cfg) : impl_(std::make_unique<Impl>(std::move(cfg))) {
  Impl &n = *impl_;
  n.st = std::make_unique<store::Store>(n.cfg.storePath);
  for (const auto &r : n.st->recovered())
    n.log.warn("store recovery: " + r);
  n.key = net::loadSecretKey(n.cfg.keyPath);
  if (n.key.publicKey() != n.cfg.peers.parties[n.cfg.party].publicKey)
    throw net::ConfigError(n.cfg.source + ": the key " + n.cfg.keyPath +
                           " does not match the public key the cluster pins for party " +
                           std::to_string(n.cfg.party));
  if (!n.cfg.natsUrl.empty()) {
    // Jobs run on this party's workers, which make their own preprocessing
    // and authenticate with this node's key.
    n.cfg.poolEnabled = false;
    n.cfg.clients.push_back({"worker", n.key.publicKey(), api::kWorker});
    n.nats = std::make_unique<queue::Connection>(n.cfg.natsUrl, std::chrono::seconds(10));
    n.jobQueue = std::make_unique<queue::JobQueue>(*n.nats, n.cfg.peers.jobId, n.cfg.party);
  }
  net::MeshOptions mo;
  mo.multiplex = true;
  mo.log = [&n](const std::string &s) { n.log.debug("mesh: " + s); };
  mo.onPeer = [&n](uint32_t p, bool up, const std::string &why) { n.onPeer(p, up, why); };
  n.mesh = std::make_unique<net::Mesh>(n.cfg.peers, n.cfg.party, n.key, mo);
  n.control = n.mesh->openJob(kControlJob, 0, false);
  n.pool = std::make_unique<NodePool>(*n.mesh, n.cfg, *n.st, n.log);
  n.pool->setSender([&n](uint32_t to, const json &m) { n.sendControl(to, m); });
  n.clients = std::make_unique<ClientServer>(
      n.cfg, n.key, [&n](const Caller &c, api::Message &m) { return n.handle(c, m); },
      [&n](const std::string &why) {
        {
          std::lock_guard lk(n.cmu);
          ++n.counters.refusals["handshake"];
        }
        n.log.warn(why);
      });
  n.startHttp();
  if (!n.cfg.portFile.empty()) {
    json ports = {{"client", n.clients->endpoint()}, {"http", n.httpPort}};
    std::string tmp = n.cfg.portFile + ".tmp";
    {
      std::ofstream f(tmp);
      f << ports.dump() << "\n";
    }
    std::filesystem::rename(tmp, n.cfg.portFile);
  }
  n.log.info("node started",
             {{"clients", n.clients->endpoint()},
              {"jobs_on", n.jobQueue ? "workers (" + n.jobQueue->stream() + ")" : "node"},
              {"http", n.httpPort},
              {"parties", n.parties()},
              {"store", n.cfg.storePath}});
  n.controlThread = std::thread([&n] { n.controlLoop(); });
  // Peer events that came while the node was being built were ignored:
  // replay the peers that are up now.
  std::lock_guard lk(n.peerMu);
  n.peersReady = true;
  for (const auto &p : n.mesh->peers())
    if (p.id != n.self() && p.up) n.pool->onPeer(p.id, true);
}

Node::~Node() {
  Impl &n = *impl_;
  {
    std::lock_guard lk(n.peerMu);
    n.peersReady = false; // peer events from here on are ignored
  }
  n.stopping = true;
  n.changed.notify_all(); // long polls return
  if (n.controlThread.joinable()) n.controlThread.join();
  n.stopHttp();
  n.clients.reset();
  // Running jobs fail here and at the peers (their channels see our Bye).
  std::vector<std::shared_ptr<LiveJob>> all;
  {
    std::lock_guard lk(n.mu);
    for (auto &[id, j] : n.jobs) {
      if (!store::isTerminal(j->state)) {
        j->endAs = JobState::Failed;
        j->error = "party " + std::to_string(n.cfg.party) + " shut down";
        if (j->online) j->online->abort(j->error);
        if (j->preproc) j->preproc->abort(j->error);
      }
      all.push_back(j);
    }
  }
  for (auto &j : all)
    if (j->thread.joinable()) j->thread.join();
  {
    std::lock_guard lk(n.mu);
    for (auto &[id, j] : n.jobs)
      if (!store::isTerminal(j->state)) n.setState(*j, JobState::Failed, j->error);
    n.jobs.clear();
  }
  all.clear(); // the jobs' mesh channels go before the mesh
  n.pool.reset();
  n.control.reset();
  n.mesh.reset(); // says Bye
  n.log.info("node stopped");
}

void Node::run(const std::atomic<bool> &stop) {
  while (!stop)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

// ---------------------------------------------------------------- messages

void Node::Impl::sendControl(uint32_t to, const json &m) {
  if (to == self()) return onControl(to, m);
  std::string s = m.dump();
  control->send(to, std::span(reinterpret_cast<const uint8_t *>(s.data()), s.size()));
}

void Node::Impl::broadcast(const json &m) {
  for (uint32_t p = 0; p < parties(); ++p)
    if (p != self()) sendControl(p, m);
}

void Node::Impl::controlLoop() {
  auto nextTick = Clock::now();
  while (!stopping) {
    try {
      auto got = control->recvAny(std::chrono::milliseconds(100));
      if (got) {
        auto m = json::parse(got->second.begin(), got->second.end(), nullptr, false);
        if (m.is_object() && m.contains("t") && m["t"].is_string())
          onControl(got->first, m);
        else
          log.warn("malformed control message", {{"peer", got->first}});
      }
    } catch (const std::exception &e) {
      log.error("control channel failed", {{"reason", e.what()}});
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (Clock::now() >= nextTick) {
      housekeeping();
      nextTick = Clock::now() + std::chrono::milliseconds(200);
    }
  }
}

void Node::Impl::onControl(uint32_t from, const json &m) {
  const std::string t = peerText(m, "t");
  const std::string job = peerText(m, "job");
  if (t == "pool_start") return pool->onControl(from, m);
  if (!validJobId(job)) return log.warn("control message without a valid job id", {{"peer", from}});
  if (t == "verdict") {
    if (!leader()) return;
    std::map<std::string, std::string> ds;
    if (m.contains("datasets") && m["datasets"].is_object())
      for (auto it = m["datasets"].begin(); it != m["datasets"].end(); ++it)
        if (it.value().is_string())
          ds[net::byeReason(it.key())] = net::byeReason(it.value().get_ref<const std::string &>());
    return onVerdict(from, job, peerFlag(m, "ok"), peerText(m, "reason", "(no reason given)"), ds);
  }
  if (from != 0 && (t == "start" || t == "queued")) return; // only the leader schedules
  if (t == "start") return applyStart(job, peerSession(m));
  if (t == "queued") return applyQueued(job);
  if (t == "abort") {
    const std::string s = peerText(m, "state", "failed");
    JobState as = s == "refused"     ? JobState::Refused
                  : s == "cancelled" ? JobState::Cancelled
                                     : JobState::Failed;
    return applyAbort(
        job, as, peerText(m, "reason", "the job was aborted by party " + std::to_string(from)));
  }
  log.warn("unknown control message", {{"peer", from}, {"type", t}});
}

void Node::Impl::onPeer(uint32_t peer, bool up, const std::string &why) {
  std::lock_guard plk(peerMu);
  if (!peersReady) return; // replayed at the end of the constructor
  if (up)
    log.info("peer up", {{"peer", peer}});
  else
    log.warn("peer down", {{"peer", peer}, {"reason", why}});
  if (!up) {
    // Jobs not running yet cannot start without it; running ones fail on
    // their own channels (which name the peer). The other nodes are told:
    // a peer that flaps (down and up again at once, seen by this node only,
    // e.g. after a stall) would otherwise leave them to start a job this
    // node dropped and wait for it until timeouts.recv_ms.
    std::vector<std::string> ids;
    {
      std::lock_guard lk(mu);
      for (auto &[id, j] : jobs)
        if (j->state == JobState::Proposed || j->state == JobState::Queued) ids.push_back(id);
    }
    for (auto &id : ids)
      abortEverywhere(id, JobState::Failed, why);
  }
  if (pool) pool->onPeer(peer, up);
}

void Node::Impl::housekeeping() {
  pool->tick();
  std::vector<std::string> expired, idle;
  {
    std::lock_guard lk(mu);
    auto now = Clock::now();
    for (auto &[id, a] : admissions)
      if (now > a.deadline) expired.push_back(id);
    for (auto &[id, u] : uploads)
      if (now - u.second > std::chrono::milliseconds(cfg.uploadIdleMs)) idle.push_back(id);
    for (auto &id : idle)
      uploads.erase(id);
    // Join finished job threads; forget old finished jobs (the store keeps them).
    for (auto it = jobs.begin(); it != jobs.end();) {
      auto &j = it->second;
      if (j->threadDone && j->thread.joinable()) j->thread.join();
      if (store::isTerminal(j->state) && !j->thread.joinable() &&
          now - j->created > std::chrono::minutes(10))
        it = jobs.erase(it);
      else
        ++it;
    }
  }
  for (auto &id : idle) {
    st->abortUpload(id);
    log.warn("upload abandoned: no data for too long (uploads.idle_timeout_ms)", {{"upload", id}});
  }
  for (auto &id : expired) {
    std::string missing;
    {
      std::lock_guard lk(mu);
      auto it = admissions.find(id);
      if (it == admissions.end()) continue;
      for (uint32_t p = 0; p < parties(); ++p)
        if (!it->second.verdicts[p]) missing += (missing.empty() ? "" : ", ") + std::to_string(p);
    }
    abortEverywhere(id, JobState::Failed,
                    "party " + missing + " did not receive the job within " +
                        std::to_string(cfg.acceptTimeoutMs) +
                        " ms (jobs.accept_timeout_ms); submit it to every node");
  }
}

// ------------------------------------------------------------ coordination

void Node::Impl::onVerdict(uint32_t from, const std::string &job, bool ok,
                           const std::string &reason,
                           const std::map<std::string, std::string> &datasets) {
  std::string refusal;
  bool admit = false, wait = false;
  {
    std::lock_guard lk(mu);
    if (auto e = ended.find(job); e != ended.end()) {
      // Ended before this node's verdict came: tell it again.
      json m = {{"t", "abort"},
                {"job", job},
                {"state", store::jobStateName(e->second.first)},
                {"reason", e->second.second}};
      if (from != self()) {
        std::string s = m.dump();
        control->send(from, std::span(reinterpret_cast<const uint8_t *>(s.data()), s.size()));
      }
      return;
    }
    auto [it, fresh] = admissions.try_emplace(job);
    Admission &a = it->second;
    if (fresh) {
      a.verdicts.assign(parties(), 0);
      a.datasets.resize(parties());
      a.deadline = Clock::now() + std::chrono::milliseconds(cfg.acceptTimeoutMs);
    }
    if (!ok) {
      refusal = "party " + std::to_string(from) + " refused the job: " + reason;
    } else {
      a.verdicts[from] = 1;
      a.datasets[from] = datasets;
      admit = std::all_of(a.verdicts.begin(), a.verdicts.end(), [](int v) { return v == 1; });
      if (admit) {
        // Every node must hold shares of the same upload of each dataset.
        for (uint32_t p = 1; p < parties() && refusal.empty(); ++p)
          for (const auto &[input, id] : a.datasets[0])
            if (a.datasets[p].count(input) && a.datasets[p].at(input) != id)
              refusal = "input '" + input +
                        "' is bound to different uploads on party 0 and party " +
                        std::to_string(p) +
                        " (a dataset of that name was uploaded separately); "
                        "drop it everywhere and upload it again";
      }
    }
    if (admit && refusal.empty()) {
      admissions.erase(it);
      queue.push_back(job);
      wait = running.size() >= cfg.maxConcurrent;
      if (wait) {
        json m = {{"t", "queued"}, {"job", job}};
        for (uint32_t p = 1; p < parties(); ++p) {
          std::string s = m.dump();
          control->send(p, std::span(reinterpret_cast<const uint8_t *>(s.data()), s.size()));
        }
      }
    }
  }
  if (!refusal.empty()) return abortEverywhere(job, JobState::Refused, refusal);
  if (admit) {
    if (wait) applyQueued(job);
    std::lock_guard lk(mu);
    startNext();
  }
}

void Node::Impl::startNext() {
  if (stopping) return;
  while (running.size() < cfg.maxConcurrent && !queue.empty()) {
    std::string id = queue.front();
    queue.pop_front();
    auto it = jobs.find(id);
    if (it == jobs.end() || store::isTerminal(it->second->state)) continue;
    running.insert(id);
    auto &j = it->second;
    j->poolSession = pool->session();
    json m = {{"t", "start"}, {"job", id}, {"pool", j->poolSession}};
    std::string s = m.dump();
    for (uint32_t p = 1; p < parties(); ++p)
      control->send(p, std::span(reinterpret_cast<const uint8_t *>(s.data()), s.size()));
    setState(*j, JobState::Running);
    launch(j);
  }
}

void Node::Impl::abortEverywhere(const std::string &job, JobState as, const std::string &reason) {
  broadcast({{"t", "abort"}, {"job", job}, {"state", store::jobStateName(as)}, {"reason", reason}});
  applyAbort(job, as, reason);
}

void Node::Impl::rememberEnded(const std::string &job, JobState s, const std::string &reason) {
  if (ended.emplace(job, std::make_pair(s, reason)).second) endedOrder.push_back(job);
  while (endedOrder.size() > kRememberEnded) {
    ended.erase(endedOrder.front());
    endedOrder.pop_front();
  }
}

void Node::Impl::applyAbort(const std::string &job, JobState as, const std::string &reason) {
  std::lock_guard lk(mu);
  rememberEnded(job, as, reason);
  admissions.erase(job);
  std::erase(queue, job);
  auto it = jobs.find(job);
  if (it == jobs.end()) return;
  LiveJob &j = *it->second;
  if (store::isTerminal(j.state)) return;
  if (j.state == JobState::Running) {
    if (j.finishing) return; // its outputs are being stored: too late to stop
    // The job thread records the end when the program unwinds.
    if (!j.endAs) {
      j.endAs = as;
      j.error = reason;
    }
    if (j.online) j.online->abort(reason);
    if (j.preproc) j.preproc->abort(reason);
    changed.notify_all(); // a job thread waiting for its worker (--nats) ends too
    return;
  }
  j.online.reset();
  j.preproc.reset();
  setState(j, as, reason);
}

void Node::Impl::applyQueued(const std::string &job) {
  std::lock_guard lk(mu);
  auto it = jobs.find(job);
  if (it != jobs.end() && it->second->state == JobState::Proposed)
    setState(*it->second, JobState::Queued);
}

void Node::Impl::applyStart(const std::string &job, const std::string &poolSession) {
  std::lock_guard lk(mu);
  if (stopping) return;
  auto it = jobs.find(job);
  if (it == jobs.end())
    return log.warn("the leader started a job this node does not know", {{"job", job}});
  auto &j = it->second;
  if (j->state != JobState::Proposed && j->state != JobState::Queued) return;
  j->poolSession = poolSession;
  setState(*j, JobState::Running);
  launch(j);
}

void Node::Impl::setState(LiveJob &j, JobState s, const std::string &error) {
  j.state = s;
  if (!error.empty()) j.error = error;
  try {
    st->setJobState(j.id, s, error);
  } catch (const std::exception &e) {
    log.error("cannot record a job state", {{"job", j.id}, {"reason", e.what()}});
  }
  if (store::isTerminal(s))
    log.info("job " + std::string(store::jobStateName(s)), {{"job", j.id}, {"reason", error}});
  changed.notify_all();
}

} // namespace smpc::node
