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

void wipe(protocols::WordVector &v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size() * sizeof(uint64_t));
}

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
  template <class Alg> struct Doubles {
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
  void dealDoubles(StepGroup &g, Doubles<Alg> &out, const std::vector<uint32_t> &ds, size_t n) {
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

  template <class Alg> void doubles(size_t n, protocols::WordVector &records, uint64_t b) {
    StepGroup g;
    Doubles<Alg> dd;
    dealDoubles(g, dd, dealers(b), n);
    round(g);
    dd.sum(P_, n);
    const uint32_t d = P_.d();
    // [r]_t and the one word of [r]_2t a product needs from this party.
    const Words w = reduceWords<Alg>(c_, dd.r2t.data(), n);
    records.resize((d + 1) * n);
    for (size_t i = 0; i < n; ++i) {
      uint64_t *rec = records.data() + i * (d + 1);
      for (uint32_t p = 0; p < d; ++p)
        rec[p] = dd.rt[p * n + i];
      rec[d] = w.size() ? w[i] : 0;
    }
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
    Doubles<ArithAlg> dd;
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
      auto step = makeReduce<ArithAlg>(c_, reduceWords<ArithAlg>(c_, prod.data(), n), std::move(rt),
                                       z.span(), n);
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
  for (auto &p : pool_)
    wipe(p);
  for (auto &s : seeds_)
    sodium_memzero(s.data(), s.size());
}

size_t Material::recordWords(Kind kind) const {
  const size_t d = P_.d();
  switch (kind) {
  case Kind::ArithDouble:
  case Kind::BoolDouble:
    return d + 1;
  case Kind::RandBit:
    return d;
  case Kind::DaBit64:
    return 65 * d;
  }
  return d;
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
    const std::vector<uint8_t> m = ch_.recv(0);
    Cmd cmd;
    uint32_t count = 0;
    if (m.size() == 6) std::memcpy(&count, m.data() + 2, 4);
    if (m.size() != 6 || m[0] > 2 || m[1] >= kKinds ||
        (m[0] == 1 && (count == 0 || count > kMaxBatch)))
      throw vm::NetError("shamir: party 0 sent a malformed preprocessing command");

    cmd = Cmd{m[0], Kind(m[1]), count};
    if (cmd.op == 2) return;
    // Keep following until party 0 says stop, even while being destroyed:
    // leaving early would strand a generation party 0 has started.
    execute(cmd);
  }
}

void Material::execute(const Cmd &cmd) {
  if (cmd.op != 1) return;
  Generator *gen = gen_.get();
  protocols::WordVector rec;
  const size_t n = cmd.count, d = P_.d();
  const uint64_t b = batch_++;
  switch (cmd.kind) {
  case Kind::ArithDouble:
    gen->doubles<ArithAlg>(n, rec, b);
    break;
  case Kind::BoolDouble:
    gen->doubles<BoolAlg>(n, rec, b);
    break;
  case Kind::RandBit: {
    Words a;
    gen->randomBits(n, a, nullptr, b);
    rec.resize(d * n);
    for (size_t i = 0; i < n; ++i)
      for (size_t p = 0; p < d; ++p)
        rec[i * d + p] = a[p * n + i];
    break;
  }
  case Kind::DaBit64: {
    Words a, bits;
    gen->randomBits(64 * n, a, &bits, b);
    rec.resize(65 * d * n);
    for (size_t r = 0; r < n; ++r) {
      uint64_t *o = rec.data() + r * 65 * d;
      for (size_t p = 0; p < d; ++p) {
        std::copy(a.data() + p * 64 * n + 64 * r, a.data() + p * 64 * n + 64 * r + 64, o + p * 64);
        o[64 * d + p] = bits[p * n + r];
      }
    }
    break;
  }
  }
  push(cmd.kind, rec);
}

void Material::push(Kind kind, protocols::WordVector &records) {
  {
    std::lock_guard lk(mu_);
    auto &p = pool_[size_t(kind)];
    size_t &h = head_[size_t(kind)];
    // What the online phase took is wiped here, in this thread, rather than
    // by take() on the online path.
    if (h > wiped_[size_t(kind)])
      sodium_memzero(p.data() + wiped_[size_t(kind)],
                     (h - wiped_[size_t(kind)]) * sizeof(uint64_t));
    wiped_[size_t(kind)] = h;
    if (h > 0 && h * 2 >= p.size()) { // drop the consumed (now wiped) front
      p.erase(p.begin(), p.begin() + ptrdiff_t(h));
      h = 0;
      wiped_[size_t(kind)] = 0;
    }
    p.insert(p.end(), records.begin(), records.end());
  }
  wipe(records);
  cv_.notify_all();
}

void Material::setOnline(bool online) {
  {
    std::lock_guard lk(mu_);
    online_ = online;
  }
  if (!online) cv_.notify_all();
}

size_t Material::level(size_t k) const {
  return (pool_[k].size() - head_[k]) / recordWords(Kind(k));
}

void Material::waitForLevel(Kind kind, size_t records) {
  std::unique_lock lk(mu_);
  const size_t k = size_t(kind), want = std::min(records, cfg_.capacity[k]);
  cv_.wait(lk, [&] { return failed_ || level(k) >= want; });
  if (failed_) throw vm::ProtocolError("shamir: making preprocessing material failed: " + error_);
}

void Material::take(Kind kind, size_t n, std::span<uint64_t> a, std::span<uint64_t> b) {
  const size_t k = size_t(kind), rw = recordWords(kind), d = P_.d();
  size_t done = 0;
  while (done < n) {
    std::unique_lock lk(mu_);
    auto avail = [&] { return (pool_[k].size() - head_[k]) / rw; };
    if (avail() == 0 && !failed_) {
      waiting_[k] = true;
      cv_.notify_all();
      cv_.wait(lk, [&] { return avail() > 0 || failed_; });
      waiting_[k] = false;
    }
    if (failed_) throw vm::ProtocolError("shamir: making preprocessing material failed: " + error_);
    const size_t cnt = std::min(avail(), n - done);
    uint64_t *src = pool_[k].data() + head_[k];
    for (size_t r = 0; r < cnt; ++r) {
      const uint64_t *rec = src + r * rw;
      const size_t i = done + r;
      switch (kind) {
      case Kind::ArithDouble:
      case Kind::BoolDouble:
        for (size_t p = 0; p < d; ++p)
          a[p * n + i] = rec[p];
        if (!b.empty()) b[i] = rec[d];
        break;
      case Kind::RandBit:
        for (size_t p = 0; p < d; ++p)
          a[p * n + i] = rec[p];
        break;
      case Kind::DaBit64:
        for (size_t p = 0; p < d; ++p) {
          std::copy(rec + p * 64, rec + p * 64 + 64, a.data() + p * 64 * n + 64 * i);
          b[p * n + i] = rec[64 * d + p];
        }
        break;
      }
    }
    head_[k] += cnt * rw; // wiped by the background thread (push) or at the end
    done += cnt;
    lk.unlock();
    cv_.notify_all(); // the leader may have room to make more now
  }
}

} // namespace smpc::shamir
