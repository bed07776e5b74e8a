//===- material.cpp - the background thread and its generators ------------===//
#include "vm/protocols/shamir/material.h"

#include "vm/core/errors.h"
#include "vm/protocols/shamir/sharing.h"

#include <algorithm>
#include <cstring>
#include <sodium.h>

namespace smpc::shamir {

namespace {

constexpr size_t kMaxBatch = size_t(1) << 15; // records per generation step

} // namespace

/// The generators: every party runs the same calls in the same order.
class Generator {
public:
  Generator(vm::Channel &ch, const Params &P, const std::vector<crypto::Seed> &seeds)
      : ch_(ch), P_(P), streams_(ch.self(), seeds, 1), c_{P, ch.self(), streams_},
        ex_(ch.self(), P.N) {}

  /// The t+1 dealers of batch `b`.
  std::vector<uint32_t> dealers(uint64_t b) const {
    std::vector<uint32_t> v;
    for (uint32_t j = 0; j <= P_.t; ++j)
      v.push_back(uint32_t((b + j) % P_.N));
    return v;
  }

  void round(hm::Step &s) {
    ex_.reset();
    s.send(ex_);
    uint64_t received = 0;
    ex_.transfer(ch_, received);
    s.receive(ex_);
    ex_.checkConsumed();
  }

  /// Adds to `g` the dealing of fresh double sharings of n random values
  /// (words: n ring constants, or n words of 64 bits); rt and r2t receive
  /// the sums over the dealers once the round has run.
  template <class Alg> struct Dealt {
    std::vector<Words> t, t2, secret;
    Words rt, r2t;
    void sum(const Params &P, size_t n) {
      const size_t dn = size_t(P.d()) * n;
      rt = Words(dn), r2t = Words(dn);
      for (size_t j = 0; j < t.size(); ++j)
        for (size_t i = 0; i < dn; ++i) {
          rt[i] = Alg::combine(rt[i], t[j][i]);
          r2t[i] = Alg::combine(r2t[i], t2[j][i]);
        }
    }
  };
  template <class Alg>
  void dealDoubles(StepGroup &g, Dealt<Alg> &out, const std::vector<uint32_t> &ds, size_t n) {
    const size_t dn = size_t(P_.d()) * n;
    for (uint32_t j : ds) {
      Words secret(n);
      if (j == c_.self) streams_.own().fill(secret.span());
      out.t.emplace_back(dn);
      out.t2.emplace_back(dn);
      g.add(makeDeal<Alg>(c_, j, false, secret.span(), out.t.back().span(), n));
      g.add(makeDeal<Alg>(c_, j, true, secret.span(), out.t2.back().span(), n));
      out.secret.push_back(std::move(secret));
    }
  }

  /// n double sharings as a batch: [r]_t (d planes of n), then the one word
  /// of [r]_2t a product needs from this party (zero past 2t).
  template <class Alg> protocols::Words doubles(size_t n, uint64_t b) {
    StepGroup g;
    Dealt<Alg> dd;
    dealDoubles(g, dd, dealers(b), n);
    round(g);
    dd.sum(P_, n);
    const size_t dn = size_t(P_.d()) * n;
    const Words w = reduceWords<Alg>(c_, dd.r2t.data(), n);
    protocols::Words out(dn + n);
    std::copy(dd.rt.data(), dd.rt.data() + dn, out.data());
    if (w.size()) std::copy(w.data(), w.data() + n, out.data() + dn);
    return out;
  }

  /// n random bits (ring constants 0/1, degree t) as d planes; with `bits`
  /// (n a multiple of 64) also the same bits in GF(2^d), d planes of n/64.
  void randomBits(size_t n, Words &arith, Words *bits, uint64_t b) {
    const std::vector<uint32_t> ds = dealers(b);
    const uint32_t d = P_.d();
    const size_t dn = size_t(d) * n, nw = n / 64;
    StepGroup g;
    std::vector<Words> secrets, sliced, shares, bshares;
    for (uint32_t j : ds) {
      Words s(n), sb(bits ? nw : 0);
      if (j == c_.self) {
        streams_.own().fill(s.span());
        for (size_t i = 0; i < n; ++i)
          s[i] &= 1;
        for (size_t i = 0; bits && i < n; ++i)
          sb[i / 64] |= s[i] << (i % 64);
      }
      shares.emplace_back(dn);
      g.add(makeDeal<ArithAlg>(c_, j, false, s.span(), shares.back().span(), n));
      if (bits) {
        bshares.emplace_back(size_t(d) * nw);
        g.add(makeDeal<BoolAlg>(c_, j, false, sb.span(), bshares.back().span(), nw));
      }
      secrets.push_back(std::move(s));
      sliced.push_back(std::move(sb));
    }
    // Double sharings for the t products of the XOR chain, in the same round.
    Dealt<ArithAlg> dd;
    dealDoubles(g, dd, ds, n * P_.t);
    round(g);
    dd.sum(P_, n * P_.t);
    // b := b + c - 2bc for each further dealt bit, one round each.
    Words acc = std::move(shares[0]);
    for (size_t j = 1; j < shares.size(); ++j) {
      Words prod = Words::uninit(dn), rt = Words::uninit(dn), z(dn);
      ArithAlg::mul(P_.ext, acc.data(), shares[j].data(), prod.data(), n);
      for (uint32_t p = 0; p < d; ++p) { // the (j-1)-th slice of the doubles, plane by plane
        const size_t src = p * n * P_.t + (j - 1) * n;
        std::copy(dd.rt.data() + src, dd.rt.data() + src + n, rt.data() + p * n);
        for (size_t i = 0; i < n; ++i)
          prod[p * n + i] -= dd.r2t[src + i];
      }
      auto step = makeReduce<ArithAlg>(c_, reduceWords<ArithAlg>(c_, prod.data(), n),
                                       Doubles::owned(std::move(rt), n), z.span(), n);
      round(*step);
      for (size_t i = 0; i < dn; ++i)
        acc[i] = acc[i] + shares[j][i] - 2 * z[i];
    }
    arith = std::move(acc);
    if (bits) {
      *bits = Words(size_t(d) * nw);
      for (auto &s : bshares)
        for (size_t i = 0; i < s.size(); ++i)
          (*bits)[i] ^= s[i];
    }
  }

private:
  vm::Channel &ch_;
  const Params &P_;
  Streams streams_;
  Ctx c_;
  Exchange ex_;
};

namespace {

std::vector<uint8_t> encode(uint8_t op, Kind kind, uint32_t count) {
  std::vector<uint8_t> m(6);
  m[0] = op;
  m[1] = uint8_t(kind);
  std::memcpy(m.data() + 2, &count, 4);
  return m;
}

} // namespace

Material::Material(vm::Channel &bg, const Params &P, const std::vector<crypto::Seed> &pairSeeds,
                   MaterialConfig cfg)
    : ch_(bg), P_(P), seeds_(pairSeeds), cfg_(cfg) {
  for (size_t &c : cfg_.capacity)
    c = std::max<size_t>(c, 1);
  thread_ = std::thread([this] { run(); });
}

Material::~Material() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  // (Every Doubles taken is gone: they live within a round group.)
  for (auto &p : pool_)
    p.clear();
  retired_.clear();
  for (auto &s : seeds_)
    sodium_memzero(s.data(), s.size());
}

Material::Layout Material::layout(Kind kind) const {
  const uint32_t d = P_.d();
  switch (kind) {
  case Kind::ArithDouble:
  case Kind::BoolDouble:
    return {d, 1, 1, 1};
  case Kind::RandBit:
    return {d, 1, 0, 0};
  case Kind::DaBit64:
    return {d, 64, d, 1};
  }
  return {d, 1, 0, 0};
}

size_t Material::recordWords(Kind kind) const {
  const Layout l = layout(kind);
  return size_t(l.aPlanes) * l.aWidth + size_t(l.bPlanes) * l.bWidth;
}

void Material::run() {
  try {
    gen_ = std::make_unique<Generator>(ch_, P_, seeds_);
    if (ch_.self() == 0)
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

void Material::leaderLoop() {
  for (;;) {
    tidy();
    Cmd cmd;
    {
      std::unique_lock lk(mu_);
      auto batchOf = [&](size_t k) {
        return std::clamp<size_t>(cfg_.capacity[k] / 4, 1, kMaxBatch);
      };
      auto pick = [&]() {
        if (stop_) {
          cmd.op = 2;
          return true;
        }
        for (size_t k = 0; k < kKinds; ++k) // the online phase waits for this
          if (waiting_[k]) {
            cmd = Cmd{1, Kind(k), uint32_t(batchOf(k))};
            return true;
          }
        double best = 2;
        if (online_) return false;
        if (!retired_.empty()) { // given back: freed first (tidy; idle for the others)
          cmd = Cmd{};
          return true;
        }
        for (size_t k = 0; k < kKinds; ++k) {
          if (level(k) >= cfg_.capacity[k]) continue;
          const double fill = double(level(k)) / double(cfg_.capacity[k]);
          if (fill < best) {
            best = fill;
            cmd = Cmd{1, Kind(k), uint32_t(std::min(batchOf(k), cfg_.capacity[k] - level(k)))};
          }
        }
        return best < 2;
      };
      if (!cv_.wait_for(lk, cfg_.heartbeat, pick)) cmd = Cmd{};
    }
    const auto msg = encode(cmd.op, cmd.kind, cmd.count);
    for (uint32_t j = 1; j < P_.N; ++j)
      ch_.send(j, msg);
    if (cmd.op == 2) return;
    execute(cmd);
  }
}

void Material::followerLoop() {
  for (;;) {
    tidy();
    const std::vector<uint8_t> m = ch_.recv(0);
    Cmd cmd;
    uint32_t count = 0;
    if (m.size() == 6) std::memcpy(&count, m.data() + 2, 4);
    if (m.size() != 6 || m[0] > 2 || m[1] >= kKinds ||
        (m[0] == 1 && (count == 0 || count > kMaxBatch)))
      throw vm::NetError("shamir: party 0 sent a malformed preprocessing command");

    cmd = Cmd{m[0], Kind(m[1]), count};
    if (cmd.op == 2) return;
    if (cmd.op == 1) {
      // Party 0 may have left its round group while this party's still
      // runs: join the generation when that group ends (even if the next
      // has begun by the time this thread runs) or when the online phase
      // waits for material, not in the middle of it.
      std::unique_lock lk(mu_);
      const uint64_t group = groupsEnded_;
      cv_.wait(lk, [&] {
        return !online_ || groupsEnded_ != group ||
               std::any_of(waiting_.begin(), waiting_.end(), [](bool w) { return w; });
      });
    }
    // Keep following until party 0 says stop, even while being destroyed:
    // leaving early would strand a generation party 0 has started.
    execute(cmd);
  }
}

void Material::execute(const Cmd &cmd) {
  if (cmd.op != 1) return;
  Generator *gen = gen_.get();
  auto batch = std::make_shared<Batch>();
  const size_t n = cmd.count, d = P_.d();
  const uint64_t b = batch_++;
  batch->records = n;
  switch (cmd.kind) {
  case Kind::ArithDouble:
    batch->words = gen->doubles<ArithAlg>(n, b);
    break;
  case Kind::BoolDouble:
    batch->words = gen->doubles<BoolAlg>(n, b);
    break;
  case Kind::RandBit: {
    Words a;
    gen->randomBits(n, a, nullptr, b);
    batch->words = std::move(a);
    break;
  }
  case Kind::DaBit64: {
    Words a, bits;
    gen->randomBits(64 * n, a, &bits, b);
    batch->words = protocols::Words::uninit(65 * d * n);
    std::copy(a.data(), a.data() + 64 * d * n, batch->words.data());
    std::copy(bits.data(), bits.data() + d * n, batch->words.data() + 64 * d * n);
    break;
  }
  }
  push(cmd.kind, std::move(batch));
}

void Material::push(Kind kind, std::shared_ptr<Batch> batch) {
  {
    std::lock_guard lk(mu_);
    level_[size_t(kind)] += batch->records;
    pool_[size_t(kind)].push_back(std::move(batch));
  }
  cv_.notify_all();
}

void Material::tidy() {
  std::vector<std::shared_ptr<Batch>> drop;
  {
    std::lock_guard lk(mu_);
    drop.swap(retired_);
  }
  drop.clear(); // the last holder frees a batch: Words wipes it
  std::lock_guard lk(mu_);
  for (size_t k = 0; k < kKinds; ++k) {
    if (pool_[k].empty()) continue;
    Batch &f = *pool_[k].front();
    // Taken records of a batch nobody else reads now: wiped here, rather
    // than by take() on the online path. (Holders are made and given back
    // under mu_, so the count is exact.)
    if (f.used == f.wiped || pool_[k].front().use_count() != 1) continue;
    const Layout l = layout(Kind(k));
    uint64_t *w = f.words.data();
    for (uint32_t p = 0; p < l.aPlanes + l.bPlanes; ++p) {
      const size_t width = p < l.aPlanes ? l.aWidth : l.bWidth;
      sodium_memzero(w + width * f.wiped, width * (f.used - f.wiped) * sizeof(uint64_t));
      w += width * f.records;
    }
    f.wiped = f.used;
  }
}

void Material::setOnline(bool online) {
  {
    std::lock_guard lk(mu_);
    online_ = online;
    if (!online) ++groupsEnded_;
  }
  if (!online) cv_.notify_all();
}

void Material::waitForLevel(Kind kind, size_t records) {
  std::unique_lock lk(mu_);
  const size_t k = size_t(kind), want = std::min(records, cfg_.capacity[k]);
  cv_.wait(lk, [&] { return failed_ || level(k) >= want; });
  if (failed_) throw vm::ProtocolError("shamir: making preprocessing material failed: " + error_);
}

void Material::awaitRecords(std::unique_lock<std::mutex> &lk, size_t k) {
  if (level(k) == 0 && !failed_) {
    waiting_[k] = true;
    cv_.notify_all();
    cv_.wait(lk, [&] { return level(k) > 0 || failed_; });
    waiting_[k] = false;
  }
  if (failed_) throw vm::ProtocolError("shamir: making preprocessing material failed: " + error_);
}

void Material::dropUsedFront(size_t k) {
  if (pool_[k].front()->used < pool_[k].front()->records) return;
  retired_.push_back(std::move(pool_[k].front())); // freed by this object's thread
  pool_[k].pop_front();
}

void Material::take(Kind kind, size_t n, std::span<uint64_t> a, std::span<uint64_t> b) {
  const size_t k = size_t(kind);
  const Layout l = layout(kind);
  size_t done = 0;
  while (done < n) {
    std::unique_lock lk(mu_);
    awaitRecords(lk, k);
    while (done < n && !pool_[k].empty()) {
      Batch &f = *pool_[k].front();
      const size_t cnt = std::min(f.records - f.used, n - done), m = f.records;
      const uint64_t *src = f.words.data();
      for (uint32_t p = 0; p < l.aPlanes; ++p, src += size_t(l.aWidth) * m)
        std::copy(src + l.aWidth * f.used, src + l.aWidth * (f.used + cnt),
                  a.data() + l.aWidth * (p * n + done));
      for (uint32_t p = 0; p < l.bPlanes && !b.empty(); ++p, src += size_t(l.bWidth) * m)
        std::copy(src + l.bWidth * f.used, src + l.bWidth * (f.used + cnt),
                  b.data() + l.bWidth * (p * n + done));
      f.used += cnt; // wiped by the background thread (tidy) or at the end
      level_[k] -= cnt;
      done += cnt;
      dropUsedFront(k);
    }
    lk.unlock();
    cv_.notify_all(); // the leader may have room to make more now
  }
}

Doubles Material::takeDoubles(Kind kind, size_t n) {
  const size_t k = size_t(kind);
  Doubles out;
  out.home_ = this;
  out.n_ = n;
  size_t done = 0;
  while (done < n) {
    std::unique_lock lk(mu_);
    awaitRecords(lk, k);
    while (done < n && !pool_[k].empty()) {
      std::shared_ptr<Batch> &f = pool_[k].front();
      const size_t cnt = std::min(f->records - f->used, n - done);
      out.pieces_.push_back({f->words.data() + f->used, f->records, done, cnt});
      out.held_.push_back(f);
      f->used += cnt;
      level_[k] -= cnt;
      done += cnt;
      dropUsedFront(k);
    }
    lk.unlock();
    cv_.notify_all();
  }
  return out;
}

void Material::giveBack(std::vector<std::shared_ptr<Batch>> &batches) {
  {
    std::lock_guard lk(mu_);
    for (auto &b : batches)
      retired_.push_back(std::move(b));
  }
  batches.clear();
  cv_.notify_all();
}

Doubles Doubles::owned(protocols::Words planes, size_t n) {
  Doubles d;
  d.n_ = n;
  d.owned_ = std::move(planes);
  d.pieces_.push_back({d.owned_.data(), n, 0, n});
  return d;
}

void Doubles::release() {
  if (home_ && !held_.empty()) home_->giveBack(held_);
  held_.clear();
  pieces_.clear();
  home_ = nullptr;
  n_ = 0;
}

Doubles::~Doubles() {
  release();
}

Doubles::Doubles(Doubles &&o) noexcept
    : pieces_(std::move(o.pieces_)), n_(o.n_), owned_(std::move(o.owned_)), home_(o.home_),
      held_(std::move(o.held_)) {
  o.pieces_.clear();
  o.held_.clear();
  o.home_ = nullptr;
  o.n_ = 0;
}

Doubles &Doubles::operator=(Doubles &&o) noexcept {
  if (this != &o) {
    release();
    pieces_ = std::move(o.pieces_);
    n_ = o.n_;
    owned_ = std::move(o.owned_);
    home_ = o.home_;
    held_ = std::move(o.held_);
    o.pieces_.clear();
    o.held_.clear();
    o.home_ = nullptr;
    o.n_ = 0;
  }
  return *this;
}

} // namespace smpc::shamir
