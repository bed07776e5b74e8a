//===- sharing.cpp - the deal, open and reduce steps ----------------------===//
#include "vm/protocols/shamir/sharing.h"

#include "vm/bytecode/protocols.h"
#include "vm/protocols/common/ring.h"

#include <algorithm>
#include <cstring>
#include <sodium.h>

namespace smpc::shamir {

namespace {

crypto::Seed derive(const crypto::Seed &pair, uint32_t from, uint32_t to, uint8_t purpose) {
  uint8_t msg[9];
  std::memcpy(msg, &from, 4);
  std::memcpy(msg + 4, &to, 4);
  msg[8] = purpose;
  crypto::Seed s;
  crypto_generichash(s.data(), s.size(), msg, sizeof msg, pair.data(), pair.size());
  return s;
}

template <class Alg> class DealStep final : public Step {
public:
  DealStep(Ctx &c, uint32_t dealer, bool degree2t, std::span<const uint64_t> secret,
           std::span<uint64_t> out, size_t n)
      : c_(c), dl_(degree2t ? c.P.deal2T[dealer] : c.P.dealT[dealer]), dealer_(dealer), out_(out),
        n_(n) {
    const Ext &e = c.P.ext;
    const size_t dn = size_t(e.d) * n;
    if (c.self != dealer) {
      if (dl_.isFree[c.self]) c.streams.from(dealer).fill(out.first(dn));
      return;
    }
    std::vector<Words> free;
    for (uint32_t f : dl_.free) {
      free.push_back(Words::uninit(dn));
      c.streams.to(f).fill(free.back().span());
    }
    sends_.resize(c.P.N);
    for (uint32_t k = 0; k < c.P.N; ++k) {
      if (dl_.isFree[k]) continue;
      Words share(dn);
      const auto &coef = dl_.coef[k];
      Alg::scaleConsts(e, coef[0], secret.data(), share.data(), n);
      for (size_t m = 0; m < free.size(); ++m)
        Alg::scale(e, coef[1 + m], free[m].data(), share.data(), n, true);
      if (k == c.self)
        std::copy(share.data(), share.data() + dn, out.begin());
      else
        sends_[k] = std::move(share);
    }
  }
  void send(Exchange &ex) override {
    if (c_.self != dealer_) return;
    for (uint32_t k = 0; k < c_.P.N; ++k)
      if (k != c_.self && !dl_.isFree[k]) ex.put(k, sends_[k].span());
  }
  void receive(Exchange &ex) override {
    if (c_.self == dealer_ || dl_.isFree[c_.self]) return;
    auto in = ex.take(dealer_, size_t(c_.P.ext.d) * n_);
    std::copy(in.begin(), in.end(), out_.begin());
  }

private:
  Ctx &c_;
  const Dealing &dl_;
  uint32_t dealer_;
  std::span<uint64_t> out_;
  size_t n_;
  std::vector<Words> sends_;
};

template <class Alg> class OpenStep final : public Step {
public:
  OpenStep(Ctx &c, bool degree2t, std::span<const uint64_t> x, std::span<uint64_t> out, size_t n,
           const std::vector<bool> &to)
      : c_(c), lam_(degree2t ? c.P.lamO : c.P.lamQ), out_(out), n_(n), to_(to) {
    if (c.self < lam_.size()) {
      mine_ = Words::uninit(n);
      Alg::coef0(c.P.ext, lam_[c.self], x.data(), mine_.data(), n);
    }
  }
  void send(Exchange &ex) override {
    if (c_.self >= lam_.size()) return;
    for (uint32_t p = 0; p < c_.P.N; ++p)
      if (p != c_.self && to_[p]) ex.put(p, mine_.span());
  }
  void receive(Exchange &ex) override {
    if (!to_[c_.self]) return;
    if (c_.self < lam_.size())
      std::copy(mine_.data(), mine_.data() + n_, out_.begin());
    else
      std::fill(out_.begin(), out_.begin() + ptrdiff_t(n_), 0);
    for (uint32_t j = 0; j < lam_.size(); ++j) {
      if (j == c_.self) continue;
      auto in = ex.take(j, n_);
      for (size_t i = 0; i < n_; ++i)
        out_[i] = Alg::combine(out_[i], in[i]);
    }
  }

private:
  Ctx &c_;
  const std::vector<Gr> &lam_;
  std::span<uint64_t> out_;
  size_t n_;
  std::vector<bool> to_;
  Words mine_;
};

template <class Alg> class ReduceStep final : public Step {
public:
  ReduceStep(Ctx &c, Words mine, Doubles rt, std::span<uint64_t> z, size_t n)
      : c_(c), mine_(std::move(mine)), rt_(std::move(rt)), z_(z), n_(n),
        skip_(Alg::kSkipT ? c.P.t : 0) {}
  ~ReduceStep() override {
    if (!c_.cache) return;
    c_.cache->put(std::move(mine_));
  }
  void send(Exchange &ex) override {
    if (mine_.size() == 0) return; // not one of the parties 0..2t
    const uint32_t N = c_.P.N;
    for (uint32_t k = 0; k < N; ++k) {
      if (k == c_.self) continue;
      // The chunks k receives, consecutive ones as one segment (ascending,
      // as k reads them).
      size_t from = 0;
      bool run = false;
      for (uint32_t ch = 0; ch <= N; ++ch) {
        const bool to = ch < N && !bc::shamirChunkSkips(N, skip_, ch, k);
        const size_t b = bc::shamirChunkBegin(n_, N, ch);
        if (to && !run) from = b, run = true;
        if (!to && run) {
          ex.put(k, mine_.span().subspan(from, b - from));
          run = false;
        }
      }
    }
  }
  void receive(Exchange &ex) override {
    const uint32_t N = c_.P.N, contributors = 2 * c_.P.t + 1, d = c_.P.d();
    if (mine_.size() == 0) { // a party past 2t: e is the sum of what it receives
      mine_ = c_.cache ? c_.cache->get(n_) : Words::uninit(n_);
      std::fill(mine_.data(), mine_.data() + n_, 0);
    }
    uint64_t *e = mine_.data(); // e = p - r, summed in place on the chunks this party gets
    for (uint32_t j = 0; j < contributors; ++j) {
      if (j == c_.self) continue;
      for (uint32_t ch = 0; ch < N; ++ch) {
        if (bc::shamirChunkSkips(N, skip_, ch, c_.self)) continue;
        const size_t b = bc::shamirChunkBegin(n_, N, ch),
                     m = bc::shamirChunkBegin(n_, N, ch + 1) - b;
        auto in = ex.take(j, m);
        for (size_t i = 0; i < m; ++i)
          e[b + i] = Alg::combine(e[b + i], in[i]);
      }
    }
    for (uint32_t ch = 0; ch < N; ++ch) {
      const size_t b = bc::shamirChunkBegin(n_, N, ch), m = bc::shamirChunkBegin(n_, N, ch + 1) - b;
      if (bc::shamirChunkSkips(N, skip_, ch, c_.self)) { // [r]_t + e g_c with g_c(alpha_self) = 0
        rt_.forRange(b, b + m, [&](const Doubles::Piece &pc, size_t lo, size_t hi) {
          for (uint32_t p = 0; p < d; ++p)
            std::copy(pc.plane(p, lo), pc.plane(p, lo) + (hi - lo), z_.data() + p * n_ + lo);
        });
        continue;
      }
      static const Gr kOne = grPoint(1);
      const Gr &g = skip_ ? c_.chunkG[ch] : kOne;
      rt_.forRange(b, b + m, [&](const Doubles::Piece &pc, size_t lo, size_t hi) {
        Alg::addScaled(g, e + lo, pc.plane(0, lo), pc.stride, z_.data() + lo, n_, d, hi - lo);
      });
    }
  }

private:
  Ctx &c_;
  Words mine_;
  Doubles rt_;
  std::span<uint64_t> z_;
  size_t n_;
  uint32_t skip_;
};

// coef0(lam X^k) for k < 2d-1: the contribution of each coefficient of an
// unreduced product (mod 2 for bits).
std::array<uint64_t, 2 * kMaxDegree - 1> productRow(const Ext &e, const Gr &lam) {
  std::array<uint64_t, 2 * kMaxDegree - 1> row{};
  Gr v = lam;
  const Gr x = grPoint(2);
  for (uint32_t k = 0; k + 1 < 2 * e.d; ++k) {
    row[k] = v.c[0];
    v = grMul(e, v, x);
  }
  return row;
}

} // namespace

Ctx::Ctx(const Params &params, uint32_t me, Streams &s) : P(params), self(me), streams(s) {
  const Ext &e = P.ext;
  std::vector<Gr> factor(P.N); // 1 - alpha_self / alpha_j
  for (uint32_t j = 0; j < P.N; ++j)
    factor[j] = grSub(grPoint(1), grMul(e, P.alpha[self], grInv(e, P.alpha[j])));
  chunkG.resize(P.N);
  for (uint32_t ch = 0; ch < P.N; ++ch) {
    Gr g = grPoint(1);
    for (uint32_t j = 0; j < P.t; ++j)
      g = grMul(e, g, factor[(ch + j) % P.N]);
    chunkG[ch] = g;
  }
}

Streams::Streams(uint32_t self, const std::vector<crypto::Seed> &pairSeeds, uint8_t purpose)
    : own_(crypto::seed_keygen()) {
  const uint32_t n = uint32_t(pairSeeds.size());
  to_.resize(n), from_.resize(n);
  for (uint32_t p = 0; p < n; ++p) {
    if (p == self) continue;
    crypto::Seed a = derive(pairSeeds[p], self, p, purpose),
                 b = derive(pairSeeds[p], p, self, purpose);
    to_[p] = std::make_unique<crypto::Prg>(a);
    from_[p] = std::make_unique<crypto::Prg>(b);
    sodium_memzero(a.data(), a.size());
    sodium_memzero(b.data(), b.size());
  }
}

template <class Alg>
std::unique_ptr<Step> makeDeal(Ctx &c, uint32_t dealer, bool degree2t,
                               std::span<const uint64_t> secret, std::span<uint64_t> out,
                               size_t n) {
  return std::make_unique<DealStep<Alg>>(c, dealer, degree2t, secret, out, n);
}

template <class Alg>
std::unique_ptr<Step> makeOpen(Ctx &c, bool degree2t, std::span<const uint64_t> x,
                               std::span<uint64_t> out, size_t n, const std::vector<bool> &to) {
  return std::make_unique<OpenStep<Alg>>(c, degree2t, x, out, n, to);
}

template <class Alg>
std::unique_ptr<Step> makeReduce(Ctx &c, Words mine, Doubles rt, std::span<uint64_t> z, size_t n) {
  return std::make_unique<ReduceStep<Alg>>(c, std::move(mine), std::move(rt), z, n);
}

template <class Alg> Words reduceWords(const Ctx &c, const uint64_t *s, size_t n) {
  if (c.self > 2 * c.P.t) return Words();
  Words w = Words::uninit(n);
  Alg::coef0(c.P.ext, c.P.lamO[c.self], s, w.data(), n);
  return w;
}

template <class Alg>
void productWords(const Ctx &c, const uint64_t *x, const uint64_t *y, size_t stride,
                  const uint64_t *w, uint64_t *out, size_t n) {
  // coef0(lam x y) = sum over a, b of row[a+b] x_a y_b: the product is never
  // reduced mod F nor stored (cache-sized blocks of its coefficients).
  constexpr size_t kBlock = 256;
  const uint32_t d = c.P.d();
  const auto row = productRow(c.P.ext, c.P.lamO[c.self]);
  uint64_t t[2 * kMaxDegree - 1][kBlock];
  for (size_t off = 0; off < n; off += kBlock) {
    const size_t m = std::min(kBlock, n - off);
    for (uint32_t k = 0; k + 1 < 2 * d; ++k)
      std::fill(t[k], t[k] + m, 0);
    for (uint32_t a = 0; a < d; ++a)
      for (uint32_t b = 0; b < d; ++b) {
        const uint64_t *xa = x + a * stride + off, *yb = y + b * stride + off;
        uint64_t *tk = t[a + b];
        if constexpr (Alg::kBool)
          for (size_t i = 0; i < m; ++i)
            tk[i] ^= xa[i] & yb[i];
        else
          for (size_t i = 0; i < m; ++i)
            tk[i] += xa[i] * yb[i];
      }
    uint64_t *o = out + off;
    if constexpr (Alg::kBool) std::copy(w + off, w + off + m, o);
    for (uint32_t k = 0; k + 1 < 2 * d; ++k) {
      const uint64_t r = row[k];
      if constexpr (Alg::kBool) {
        if (r & 1)
          for (size_t i = 0; i < m; ++i)
            o[i] ^= t[k][i];
      } else {
        if (k == 0)
          for (size_t i = 0; i < m; ++i)
            o[i] = r * t[0][i] - w[off + i];
        else
          for (size_t i = 0; i < m; ++i)
            o[i] += r * t[k][i];
      }
    }
  }
  sodium_memzero(t, sizeof t);
}

template std::unique_ptr<Step> makeDeal<ArithAlg>(Ctx &, uint32_t, bool, std::span<const uint64_t>,
                                                  std::span<uint64_t>, size_t);
template std::unique_ptr<Step> makeDeal<BoolAlg>(Ctx &, uint32_t, bool, std::span<const uint64_t>,
                                                 std::span<uint64_t>, size_t);
template std::unique_ptr<Step> makeOpen<ArithAlg>(Ctx &, bool, std::span<const uint64_t>,
                                                  std::span<uint64_t>, size_t,
                                                  const std::vector<bool> &);
template std::unique_ptr<Step> makeOpen<BoolAlg>(Ctx &, bool, std::span<const uint64_t>,
                                                 std::span<uint64_t>, size_t,
                                                 const std::vector<bool> &);
template std::unique_ptr<Step> makeReduce<ArithAlg>(Ctx &, Words, Doubles, std::span<uint64_t>,
                                                    size_t);
template std::unique_ptr<Step> makeReduce<BoolAlg>(Ctx &, Words, Doubles, std::span<uint64_t>,
                                                   size_t);
template Words reduceWords<ArithAlg>(const Ctx &, const uint64_t *, size_t);
template Words reduceWords<BoolAlg>(const Ctx &, const uint64_t *, size_t);
template void productWords<ArithAlg>(const Ctx &, const uint64_t *, const uint64_t *, size_t,
                                     const uint64_t *, uint64_t *, size_t);
template void productWords<BoolAlg>(const Ctx &, const uint64_t *, const uint64_t *, size_t,
                                    const uint64_t *, uint64_t *, size_t);

void grMatMul(const Ext &e, const uint64_t *x, const uint64_t *y, uint64_t *z, uint32_t m,
              uint32_t k, uint32_t n) {
  const uint32_t d = e.d;
  const size_t mk = size_t(m) * k, kn = size_t(k) * n, mn = size_t(m) * n;
  Words t((2 * d - 1) * mn);
  for (uint32_t a = 0; a < d; ++a)
    for (uint32_t b = 0; b < d; ++b)
      protocols::matmulAdd(x + a * mk, y + b * kn, t.data() + (a + b) * mn, m, k, n);
  for (uint32_t p = 2 * d - 2; p >= d; --p)
    for (uint32_t j = 0; j < d; ++j)
      if ((e.low >> j) & 1) {
        uint64_t *lo = t.data() + (p - d + j) * mn;
        const uint64_t *hi = t.data() + p * mn;
        for (size_t i = 0; i < mn; ++i)
          lo[i] -= hi[i];
      }
  std::copy(t.data(), t.data() + d * mn, z);
}

} // namespace smpc::shamir
