//===- triple_pool.cpp - background generation, draws, status -------------===//
#include "runtime/preproc/pool/triple_pool.h"

#include "runtime/preproc/pool/pool_estimate.h"

#include <algorithm>
#include <cstdio>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <iostream>
#include <sodium.h>
#include <sstream>
#include <stdexcept>

namespace smpc::preproc {

namespace {

using Clock = std::chrono::steady_clock;

// Words per record (pool_estimate.h): triples a,b,c; bool words a,b,c;
// daBit arith,bit; edaBit r,bits-of-r; truncation r,msb,high.
std::size_t arity(std::size_t k) {
  return poolRecordWords(static_cast<PoolKind>(k));
}
constexpr std::size_t kDrawChunk = 4096;

std::size_t idx(PoolKind k) {
  return static_cast<std::size_t>(k);
}

void wipe(std::vector<uint64_t> &v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size() * sizeof(uint64_t));
}

bool sameRequest(const PoolCommand &x, const PoolCommand &y) {
  return x.op == y.op && x.count == y.count && x.m == y.m && x.k == y.k && x.n == y.n &&
         x.shift == y.shift;
}

} // namespace

ShapedItem &ShapedItem::operator=(ShapedItem &&o) noexcept {
  if (this != &o) {
    wipe(a), wipe(b), wipe(c);
    cmd = o.cmd, a = std::move(o.a), b = std::move(o.b), c = std::move(o.c);
  }
  return *this;
}

ShapedItem::~ShapedItem() {
  wipe(a), wipe(b), wipe(c);
}

TriplePool::TriplePool(vm::Channel &background, std::unique_ptr<vm::Preprocessing> generator,
                       PoolConfig cfg)
    : ch_(background), gen_(std::move(generator)), cfg_(std::move(cfg)),
      leader_(background.self() == 0) {
  if (cfg_.truncShift > 63) throw std::invalid_argument("pool: truncShift must be at most 63");
  for (auto c : cfg_.capacity)
    if (c == 0) throw std::invalid_argument("pool: every capacity must be at least 1");
  if (!cfg_.log) cfg_.log = [](const std::string &line) { std::cerr << line << '\n'; };
  for (std::size_t k = 0; k < kPoolKinds; ++k)
    rings_.push_back(std::make_unique<PoolRing>(arity(k), cfg_.capacity[k]));
  thread_ = std::thread([this] { run(); });
}

TriplePool::~TriplePool() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

// ---------------------------------------------------------- background side

void TriplePool::run() {
  try {
    if (leader_)
      leaderLoop();
    else
      followerLoop();
  } catch (const std::exception &e) {
    std::lock_guard lk(mu_);
    failed_ = true;
    error_ = e.what();
  }
  cv_.notify_all();
}

void TriplePool::leaderLoop() {
  for (;;) {
    PoolCommand cmd;
    {
      std::unique_lock lk(mu_);
      // Next job: stop, an on-demand request, or the emptiest pool that has
      // room for a batch (a quarter of its capacity).
      auto pick = [&](PoolCommand &out) {
        if (stop_) {
          out.op = PoolOp::Stop;
          return true;
        }
        if (!requests_.empty()) {
          out = requests_.front();
          requests_.pop_front();
          return true;
        }
        // A kind the online phase is blocked on goes first, while its ring
        // is empty: the flag stays set until the online thread wakes, and
        // without the check every pass made one more batch meanwhile (past
        // the capacity, or past the budget). Within the budget a batch never
        // passes it; past the budget only a waiting draw gets one.
        auto batchOf = [&](std::size_t k) {
          // One stage at most, so the leader picks again soon: a waiting
          // draw or a stock target does not wait behind a long refill.
          const std::size_t batch =
              std::max<std::size_t>(1, std::min(cfg_.capacity[k] / 4, cfg_.stageRecords));
          const uint64_t left = generated_[k] < cfg_.budget[k] ? cfg_.budget[k] - generated_[k] : 0;
          return left > 0 ? std::size_t(std::min<uint64_t>(batch, left)) : batch;
        };
        for (std::size_t k = 0; k < kPoolKinds; ++k) {
          const std::size_t batch = batchOf(k);
          if (waiting_[k] && rings_[k]->size() == 0) {
            out = PoolCommand{PoolOp::Generate, static_cast<PoolKind>(k), batch};
            return true;
          }
        }
        // Stock below its target next: jobs of approved programs take it
        // instead of making it on demand.
        for (const auto &[shape, want] : stockTargets_) {
          auto it = stock_.find(shape);
          if ((it == stock_.end() ? 0 : it->second.size()) >= want) continue;
          const PoolOp op = shape.op == PoolOp::Matrix      ? PoolOp::StockMatrix
                            : shape.op == PoolOp::TruncOnce ? PoolOp::StockTrunc
                                                            : PoolOp::StockShuffle;
          out = PoolCommand{op,      PoolKind::Triple, shape.count, shape.m,
                            shape.k, shape.n,          shape.shift};
          return true;
        }
        // The last batch of a fill is what still fits, so a full pool holds
        // exactly its capacity.
        double best = 2;
        for (std::size_t k = 0; k < kPoolKinds; ++k) {
          const std::size_t cap = cfg_.capacity[k], level = rings_[k]->size();
          if (level >= cap || generated_[k] >= cfg_.budget[k]) continue;
          const std::size_t batch = std::min(batchOf(k), cap - level);
          const double fill = double(level) / double(cap);
          if (fill < best) {
            best = fill;
            out = PoolCommand{PoolOp::Generate, static_cast<PoolKind>(k), batch};
          }
        }
        return best < 2;
      };
      if (!cv_.wait_for(lk, cfg_.heartbeat, [&] { return pick(cmd); })) cmd = PoolCommand{};
    }
    const auto msg = pool_command_encode(cmd);
    const uint32_t n = cfg_.parties ? cfg_.parties : ch_.parties();
    for (uint32_t j = 1; j < n; ++j)
      ch_.send(j, msg);
    if (cmd.op == PoolOp::Stop) return;
    execute(cmd);
  }
}

void TriplePool::followerLoop() {
  for (;;) {
    const auto msg = ch_.recv(0);
    PoolCommand cmd;
    try {
      cmd = pool_command_decode(msg);
    } catch (const std::runtime_error &) {
      throw vm::NetError("preprocessing pool: party 0 sent a malformed pool command");
    }
    if (cmd.op == PoolOp::Stop) return;
    // Even when this pool is being destroyed, keep following until the
    // leader's Stop: leaving earlier would strand a generation the leader
    // starts next, and the leader would wait for this party until its
    // receive timeout.
    execute(cmd);
  }
}

void TriplePool::execute(const PoolCommand &cmd) {
  auto t0 = Clock::now();
  switch (cmd.op) {
  case PoolOp::Idle:
    // The first heartbeat after a fill: hand the fill's freed buffers (OT
    // batches, staging) back to the system, glibc keeps them otherwise.
    if (madeSinceIdle_) {
      madeSinceIdle_ = false;
#ifdef __GLIBC__
      malloc_trim(0);
#endif
    }
    return;
  case PoolOp::Stop:
    return;
  case PoolOp::StockMatrix:
  case PoolOp::StockTrunc:
  case PoolOp::StockShuffle:
    madeSinceIdle_ = true;
    [[fallthrough]];
  case PoolOp::Matrix:
  case PoolOp::TruncOnce:
  case PoolOp::Shuffle: {
    OnDemand r;
    r.cmd = cmd;
    r.cmd.op = madeOp(cmd.op);
    if (r.cmd.op == PoolOp::Shuffle) {
      // a: the permutation (permuter only), b: the mask (others), c: the share.
      const bool mine = cmd.shift == ch_.self();
      const std::size_t words = std::size_t(cmd.m) * cmd.n;
      std::vector<uint32_t> perm(mine ? cmd.m : 0);
      r.b.resize(mine ? 0 : words), r.c.resize(words);
      gen_->shuffleTurn(cmd.shift, cmd.m, cmd.n, perm, r.b, r.c);
      r.a.assign(perm.begin(), perm.end());
      sodium_memzero(perm.data(), perm.size() * sizeof(uint32_t));
    } else if (r.cmd.op == PoolOp::Matrix) {
      r.a.resize(std::size_t(cmd.m) * cmd.k), r.b.resize(std::size_t(cmd.k) * cmd.n),
          r.c.resize(std::size_t(cmd.m) * cmd.n);
      gen_->matrixTriple(cmd.m, cmd.k, cmd.n, r.a, r.b, r.c);
    } else {
      r.a.resize(cmd.count), r.b.resize(cmd.count), r.c.resize(cmd.count);
      gen_->truncPairs(cmd.shift, r.a, r.b, r.c);
    }
    {
      std::lock_guard lk(mu_);
      if (cmd.op != r.cmd.op)
        stock_[shapeOf(cmd)].push_back(std::move(r));
      else
        results_.push_back(std::move(r));
    }
    cv_.notify_all();
    return;
  }
  case PoolOp::Generate:
    break;
  }
  madeSinceIdle_ = true;
  const std::size_t stage = std::max<std::size_t>(1, cfg_.stageRecords);
  for (std::size_t done = 0; done < cmd.count; done += stage)
    generate(cmd.kind, std::min<std::size_t>(stage, cmd.count - done), t0);
}

void TriplePool::generate(PoolKind kind, std::size_t n, Clock::time_point &t0) {
  const std::size_t k = idx(kind), ar = arity(k);
  std::vector<uint64_t> rec(n * ar), x, y, z;
  switch (kind) {
  case PoolKind::Triple:
  case PoolKind::BoolTriple:
  case PoolKind::Trunc:
    x.resize(n), y.resize(n), z.resize(n);
    if (kind == PoolKind::Triple)
      gen_->triples(x, y, z);
    else if (kind == PoolKind::BoolTriple)
      gen_->boolTriples(x, y, z);
    else
      gen_->truncPairs(cfg_.truncShift, x, y, z);
    for (std::size_t i = 0; i < n; ++i)
      rec[3 * i] = x[i], rec[3 * i + 1] = y[i], rec[3 * i + 2] = z[i];
    break;
  case PoolKind::DaBit:
    x.resize(n), y.resize((n + 63) / 64);
    gen_->daBits(x, y);
    for (std::size_t i = 0; i < n; ++i)
      rec[2 * i] = x[i], rec[2 * i + 1] = (y[i / 64] >> (i % 64)) & 1;
    break;
  case PoolKind::EdaBit: {
    const std::size_t words = (n + 63) / 64;
    x.resize(n), y.resize(64 * words);
    gen_->edaBits(x, y);
    for (std::size_t i = 0; i < n; ++i) {
      uint64_t bits = 0;
      for (std::size_t b = 0; b < 64; ++b)
        bits |= ((y[b * words + i / 64] >> (i % 64)) & 1) << b;
      rec[2 * i] = x[i], rec[2 * i + 1] = bits;
    }
    break;
  }
  }
  {
    std::lock_guard lk(mu_);
    rings_[k]->push(rec);
    generated_[k] += n;
    const auto now = Clock::now();
    genSeconds_[k] += std::chrono::duration<double>(now - t0).count();
    t0 = now;
  }
  cv_.notify_all();
  wipe(rec), wipe(x), wipe(y), wipe(z);
}

// -------------------------------------------------------------- online side

void TriplePool::throwFailed() const {
  throw vm::NetError("preprocessing pool: background generation failed: " + error_);
}

void TriplePool::draw(PoolKind kind, std::size_t n,
                      const std::function<void(std::span<const uint64_t>, std::size_t)> &take) {
  const std::size_t k = idx(kind), ar = arity(k);
  std::vector<uint64_t> chunk(std::min(n, kDrawChunk) * ar);
  std::size_t done = 0;
  while (done < n) {
    std::size_t got = 0;
    {
      std::unique_lock lk(mu_);
      if (rings_[k]->size() == 0 && !failed_) {
        const auto t0 = Clock::now();
        waiting_[k] = true;
        cv_.notify_all(); // the leader may be waiting for a reason to generate
        cv_.wait(lk, [&] { return rings_[k]->size() > 0 || failed_; });
        waiting_[k] = false;
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        ++waits_;
        waitedSeconds_ += s;
        char line[128];
        std::snprintf(line, sizeof line, "pool: online phase waited %.1f ms for %s (pool empty)",
                      1e3 * s, poolKindName(static_cast<PoolKind>(k)));
        lk.unlock();
        cfg_.log(line);
        continue;
      }
      if (rings_[k]->size() == 0) throwFailed();
      got = rings_[k]->pop(std::min(n - done, kDrawChunk), chunk);
      drawn_[k] += got;
    }
    cv_.notify_all(); // room for the leader to refill
    take(std::span<const uint64_t>(chunk).first(got * ar), done);
    done += got;
  }
  wipe(chunk);
}

TriplePool::OnDemand TriplePool::onDemand(const PoolCommand &cmd) {
  std::unique_lock lk(mu_);
  if (leader_) requests_.push_back(cmd);
  cv_.notify_all();
  cv_.wait(lk, [&] { return !results_.empty() || failed_; });
  if (results_.empty()) throwFailed();
  OnDemand r = std::move(results_.front());
  results_.pop_front();
  if (!sameRequest(r.cmd, cmd))
    throw std::runtime_error("preprocessing pool: parties requested different on-demand material");
  return r;
}

void TriplePool::triples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) {
  if (a.size() != b.size() || a.size() != c.size())
    throw std::invalid_argument("triples: a, b and c must have the same length");
  draw(PoolKind::Triple, a.size(), [&](std::span<const uint64_t> rec, std::size_t at) {
    for (std::size_t i = 0; i < rec.size() / 3; ++i)
      a[at + i] = rec[3 * i], b[at + i] = rec[3 * i + 1], c[at + i] = rec[3 * i + 2];
  });
}

void TriplePool::boolTriples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) {
  if (a.size() != b.size() || a.size() != c.size())
    throw std::invalid_argument("boolTriples: a, b and c must have the same length");
  draw(PoolKind::BoolTriple, a.size(), [&](std::span<const uint64_t> rec, std::size_t at) {
    for (std::size_t i = 0; i < rec.size() / 3; ++i)
      a[at + i] = rec[3 * i], b[at + i] = rec[3 * i + 1], c[at + i] = rec[3 * i + 2];
  });
}

void TriplePool::daBits(std::span<uint64_t> arith, std::span<uint64_t> bits) {
  if (bits.size() != (arith.size() + 63) / 64)
    throw std::invalid_argument("daBits: bits must hold ceil(arith.size() / 64) words");
  std::fill(bits.begin(), bits.end(), 0);
  draw(PoolKind::DaBit, arith.size(), [&](std::span<const uint64_t> rec, std::size_t at) {
    for (std::size_t i = 0; i < rec.size() / 2; ++i) {
      arith[at + i] = rec[2 * i];
      bits[(at + i) / 64] |= (rec[2 * i + 1] & 1) << ((at + i) % 64);
    }
  });
}

void TriplePool::edaBits(std::span<uint64_t> r, std::span<uint64_t> bits) {
  const std::size_t words = (r.size() + 63) / 64;
  if (bits.size() != 64 * words)
    throw std::invalid_argument("edaBits: bits must hold 64 * ceil(r.size() / 64) words");
  std::fill(bits.begin(), bits.end(), 0);
  draw(PoolKind::EdaBit, r.size(), [&](std::span<const uint64_t> rec, std::size_t at) {
    for (std::size_t i = 0; i < rec.size() / 2; ++i) {
      const std::size_t e = at + i;
      r[e] = rec[2 * i];
      for (std::size_t b = 0; b < 64; ++b)
        bits[b * words + e / 64] |= ((rec[2 * i + 1] >> b) & 1) << (e % 64);
    }
  });
}

void TriplePool::truncPairs(uint32_t shift, std::span<uint64_t> r, std::span<uint64_t> msb,
                            std::span<uint64_t> high) {
  if (shift > 63) throw std::invalid_argument("truncPairs: shift must be at most 63 bits");
  if (msb.size() != r.size() || high.size() != r.size())
    throw std::invalid_argument("truncPairs: r, msb and high must have the same length");
  if (r.empty()) return;
  if (shift != cfg_.truncShift) {
    auto res = onDemand(PoolCommand{PoolOp::TruncOnce, PoolKind::Trunc, r.size(), 0, 0, 0, shift});
    std::copy(res.a.begin(), res.a.end(), r.begin());
    std::copy(res.b.begin(), res.b.end(), msb.begin());
    std::copy(res.c.begin(), res.c.end(), high.begin());
    wipe(res.a), wipe(res.b), wipe(res.c);
    return;
  }
  draw(PoolKind::Trunc, r.size(), [&](std::span<const uint64_t> rec, std::size_t at) {
    for (std::size_t i = 0; i < rec.size() / 3; ++i)
      r[at + i] = rec[3 * i], msb[at + i] = rec[3 * i + 1], high[at + i] = rec[3 * i + 2];
  });
}

void TriplePool::matrixTriple(uint32_t m, uint32_t k, uint32_t n, std::span<uint64_t> a,
                              std::span<uint64_t> b, std::span<uint64_t> c) {
  if (a.size() != std::size_t(m) * k || b.size() != std::size_t(k) * n ||
      c.size() != std::size_t(m) * n)
    throw std::invalid_argument("matrixTriple: span sizes do not match m x k and k x n");
  if (a.size() > kMaxCommandElems || b.size() > kMaxCommandElems || c.size() > kMaxCommandElems)
    throw std::invalid_argument("matrixTriple: matrix too large for the pool");
  auto res = onDemand(PoolCommand{PoolOp::Matrix, PoolKind::Triple, 0, m, k, n, 0});
  std::copy(res.a.begin(), res.a.end(), a.begin());
  std::copy(res.b.begin(), res.b.end(), b.begin());
  std::copy(res.c.begin(), res.c.end(), c.begin());
  wipe(res.a), wipe(res.b), wipe(res.c);
}

// ------------------------------------------------------------------- stock

void TriplePool::setStock(std::map<ShapeKey, std::size_t> targets) {
  {
    std::lock_guard lk(mu_);
    stockTargets_ = std::move(targets);
  }
  cv_.notify_all();
}

std::size_t TriplePool::stockLevel(const ShapeKey &shape) const {
  std::lock_guard lk(mu_);
  auto it = stock_.find(shape);
  return it == stock_.end() ? 0 : it->second.size();
}

std::vector<ShapedItem> TriplePool::takeStock(const ShapeKey &shape, std::size_t n) {
  std::unique_lock lk(mu_);
  auto &q = stock_[shape];
  cv_.wait(lk, [&] { return q.size() >= n || failed_; });
  if (q.size() < n) throwFailed();
  std::vector<ShapedItem> out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(std::move(q.front()));
    q.pop_front();
  }
  lk.unlock();
  cv_.notify_all(); // room for the leader to restock
  return out;
}

// ------------------------------------------------------------------ status

PoolStatus TriplePool::status() const {
  std::lock_guard lk(mu_);
  PoolStatus s;
  for (std::size_t k = 0; k < kPoolKinds; ++k) {
    auto &o = s.kinds[k];
    o.name = poolKindName(static_cast<PoolKind>(k));
    o.level = rings_[k]->size();
    o.capacity = cfg_.capacity[k];
    o.generated = generated_[k];
    o.drawn = drawn_[k];
    o.ratePerSecond = genSeconds_[k] > 0 ? double(generated_[k]) / genSeconds_[k] : 0;
  }
  for (const auto &[shape, q] : stock_)
    s.stockItems += q.size();
  for (const auto &[shape, want] : stockTargets_)
    s.stockWanted += want;
  s.waits = waits_;
  s.waitedSeconds = waitedSeconds_;
  for (std::size_t k = 0; k < kPoolKinds; ++k)
    if (waiting_[k]) s.waitingFor = poolKindName(static_cast<PoolKind>(k));
  s.failed = failed_;
  s.error = error_;
  return s;
}

std::string TriplePool::statusLine() const {
  const auto s = status();
  std::ostringstream o;
  o << "pool";
  for (const auto &k : s.kinds)
    o << ' ' << k.name << '=' << k.level << '/' << k.capacity << " ("
      << static_cast<uint64_t>(k.ratePerSecond) << "/s)";
  char w[64];
  o << " waiting=" << (s.waitingFor ? s.waitingFor : "no");
  std::snprintf(w, sizeof w, " waits=%llu waited=%.3fs", static_cast<unsigned long long>(s.waits),
                s.waitedSeconds);
  o << w;
  if (s.failed) o << " FAILED: " << s.error;
  return o.str();
}

std::unique_ptr<TriplePool> makePooledPreprocessing(vm::Channel &background,
                                                    std::unique_ptr<vm::Preprocessing> generator,
                                                    PoolConfig cfg) {
  return std::make_unique<TriplePool>(background, std::move(generator), std::move(cfg));
}

void TriplePool::shuffleTurn(uint32_t permuter, uint32_t rows, uint32_t width,
                             std::span<uint32_t> perm, std::span<uint64_t> mask,
                             std::span<uint64_t> share) {
  const std::size_t words = std::size_t(rows) * width;
  const bool mine = permuter == ch_.self();
  if (share.size() != words || perm.size() != (mine ? rows : 0) ||
      mask.size() != (mine ? 0 : words))
    throw std::invalid_argument("shuffleTurn: sizes do not match rows x width");
  if (words == 0) return;
  PoolCommand cmd{PoolOp::Shuffle, PoolKind::Triple, 0, rows, 0, width, permuter};
  auto res = onDemand(cmd);
  std::copy(res.a.begin(), res.a.end(), perm.begin());
  std::copy(res.b.begin(), res.b.end(), mask.begin());
  std::copy(res.c.begin(), res.c.end(), share.begin());
  wipe(res.a), wipe(res.b), wipe(res.c);
}

} // namespace smpc::preproc
