//===- sharing.h - dealing, opening and degree reduction, for both rings --===//
//
// The same three steps serve arithmetic values (GR(2^64, d), ArithAlg) and
// bits (GF(2^d) bit-sliced, BoolAlg), online and in the background thread:
//
// * DealStep: a party shares values it knows with a degree-D polynomial.
//   The D parties after the dealer draw their shares from the stream the
//   dealer shares with each of them (no message); the others get theirs
//   from the dealer. For D = 2t = N-1 nothing is sent at all.
// * OpenStep: every secret is a constant of the ring, so it is the sum of
//   the constant coefficients of lambda_i * share_i over a reconstructing
//   set: each of those parties sends that one word (not d) to each
//   recipient.
// * ReduceStep (Damgard-Nielsen 2007): a product of two degree-t sharings
//   is a degree-2t sharing; with a double sharing (r of degree t and 2t) the
//   parties 0..2t open e = p - r and everyone keeps [r]_t + e g, g a public
//   polynomial of degree <= t with g(0) = 1. Arithmetic products open each
//   chunk of elements to N-t parties only, with g zero at the t others (so
//   they need not learn e: a third less traffic at three parties); boolean
//   ones open to all, g = 1 (bc::shamirReduceWords has the chunks).
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/crypto/prg.h"
#include "vm/protocols/common/word_cache.h"
#include "vm/protocols/hm/hm.h"
#include "vm/protocols/shamir/material.h"
#include "vm/protocols/shamir/params.h"

#include <memory>
#include <vector>

namespace smpc::shamir {

using hm::Exchange;
using hm::Step;
using hm::Words;

/// Pairwise streams of one thread: for every peer, one for the shares this
/// party deals to it and one for the shares it deals to this party, each
/// derived from the pair's seed, the direction and the thread's purpose.
class Streams {
public:
  Streams(uint32_t self, const std::vector<crypto::Seed> &pairSeeds, uint8_t purpose);
  crypto::Prg &to(uint32_t peer) { return *to_[peer]; }
  crypto::Prg &from(uint32_t peer) { return *from_[peer]; }
  crypto::Prg &own() { return own_; }

private:
  std::vector<std::unique_ptr<crypto::Prg>> to_, from_;
  crypto::Prg own_;
};

/// What the steps of one thread share.
struct Ctx {
  Ctx(const Params &params, uint32_t me, Streams &s);
  const Params &P;
  uint32_t self;
  Streams &streams;
  /// Per chunk c of a degree reduction that skips t parties: g_c(alpha_self)
  /// for the polynomial g_c = prod over the skipped j of (1 - X / alpha_j)
  /// (degree t, g_c(0) = 1, zero at the skipped parties).
  std::vector<Gr> chunkG;
  /// Where steps give back their large buffers (the online thread's; null:
  /// freed).
  protocols::WordCache *cache = nullptr;
};

/// Arithmetic: GR(2^64, d) planar vectors of n elements; opens add.
struct ArithAlg {
  static constexpr bool kBool = false;
  static void scale(const Ext &e, const Gr &c, const uint64_t *x, uint64_t *z, size_t n, bool acc) {
    grScaleVec(e, c, x, z, n, acc);
  }
  static void scaleConsts(const Ext &e, const Gr &c, const uint64_t *s, uint64_t *z, size_t n) {
    grScaleConstsVec(e, c, s, z, n);
  }
  static void coef0(const Ext &e, const Gr &c, const uint64_t *x, uint64_t *out, size_t n) {
    coef0Vec(e, coef0Row(e, c), x, out, n);
  }
  static uint64_t combine(uint64_t a, uint64_t b) { return a + b; }
  static uint64_t minus(uint64_t a, uint64_t b) { return a - b; }
  static void mul(const Ext &e, const uint64_t *x, const uint64_t *y, uint64_t *z, size_t n) {
    grMulVec(e, x, y, z, n);
  }
  /// z := r + c * e for constants e (m of them; planes of r rs apart, of z
  /// zs apart).
  static void addScaled(const Gr &c, const uint64_t *e, const uint64_t *r, size_t rs, uint64_t *z,
                        size_t zs, uint32_t d, size_t m) {
    for (uint32_t p = 0; p < d; ++p) {
      const uint64_t k = c.c[p];
      for (size_t i = 0; i < m; ++i)
        z[p * zs + i] = r[p * rs + i] + k * e[i];
    }
  }
  static constexpr bool kSkipT = true; // a reduction's chunks skip t parties
};

/// Bits: GF(2^d) bit-sliced vectors of n words; opens XOR.
struct BoolAlg {
  static constexpr bool kBool = true;
  static void scale(const Ext &e, const Gr &c, const uint64_t *x, uint64_t *z, size_t n, bool acc) {
    gfScaleVec(e, c, x, z, n, acc);
  }
  static void scaleConsts(const Ext &e, const Gr &c, const uint64_t *s, uint64_t *z, size_t n) {
    gfScaleConstsVec(e, c, s, z, n);
  }
  static void coef0(const Ext &e, const Gr &c, const uint64_t *x, uint64_t *out, size_t n) {
    gfCoef0Vec(e, c, x, out, n);
  }
  static uint64_t combine(uint64_t a, uint64_t b) { return a ^ b; }
  static uint64_t minus(uint64_t a, uint64_t b) { return a ^ b; }
  static void mul(const Ext &e, const uint64_t *x, const uint64_t *y, uint64_t *z, size_t n) {
    gfMulVec(e, x, y, z, n);
  }
  static void addScaled(const Gr &c, const uint64_t *e, const uint64_t *r, size_t rs, uint64_t *z,
                        size_t zs, uint32_t d, size_t m) {
    for (uint32_t p = 0; p < d; ++p) {
      const uint64_t k = 0 - (c.c[p] & 1);
      for (size_t i = 0; i < m; ++i)
        z[p * zs + i] = r[p * rs + i] ^ (k & e[i]);
    }
  }
  static constexpr bool kSkipT = false; // opened to every party
};

/// Party `dealer` shares `secret` (n constants, on the dealer only) with
/// degree t or 2t into out (d planes of n).
template <class Alg>
std::unique_ptr<Step> makeDeal(Ctx &c, uint32_t dealer, bool degree2t,
                               std::span<const uint64_t> secret, std::span<uint64_t> out, size_t n);

/// out := the constant x (degree t, or 2t with `degree2t`) opened to the
/// parties with to[p]; n elements (arith) or words (bool).
template <class Alg>
std::unique_ptr<Step> makeOpen(Ctx &c, bool degree2t, std::span<const uint64_t> x,
                               std::span<uint64_t> out, size_t n, const std::vector<bool> &to);

/// The word this party contributes to reducing a degree-2t sharing s (d
/// planes of n): coef0(lamO[self] * s), one per element; only parties
/// 0..2t contribute (empty on the others).
template <class Alg> Words reduceWords(const Ctx &c, const uint64_t *s, size_t n);

/// out := coef0(lamO[self] * (x * y)) - w for n elements (x, y degree-t
/// sharings, d planes `stride` apart; w the double sharing's word of this
/// party): the product and the contribution in one pass. Parties 0..2t only.
template <class Alg>
void productWords(const Ctx &c, const uint64_t *x, const uint64_t *y, size_t stride,
                  const uint64_t *w, uint64_t *out, size_t n);

/// z := degree-t sharing of the degree-2t sharing whose contributions
/// (reduceWords of p - r2t) are `mine`, with [r]_t from rt; d planes of n.
template <class Alg>
std::unique_ptr<Step> makeReduce(Ctx &c, Words mine, Doubles rt, std::span<uint64_t> z, size_t n);

/// Several steps of one round as one.
class StepGroup final : public Step {
public:
  void add(std::unique_ptr<Step> s) { steps_.push_back(std::move(s)); }
  void send(Exchange &ex) override {
    for (auto &s : steps_)
      s->send(ex);
  }
  void receive(Exchange &ex) override {
    for (auto &s : steps_)
      s->receive(ex);
  }

private:
  std::vector<std::unique_ptr<Step>> steps_;
};

/// z += x planar d*n and plane 0 of z += e (arith) / ^= e (bool).
template <class Alg> void addToPlane0(std::span<uint64_t> z, std::span<const uint64_t> e) {
  for (size_t i = 0; i < e.size(); ++i)
    z[i] = Alg::combine(z[i], e[i]);
}

/// Local product of GR matrices x (m x k) and y (k x n), planar: a degree-2t
/// sharing of the product when x and y are degree-t sharings.
void grMatMul(const Ext &e, const uint64_t *x, const uint64_t *y, uint64_t *z, uint32_t m,
              uint32_t k, uint32_t n);

} // namespace smpc::shamir
