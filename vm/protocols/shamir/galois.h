//===- galois.h - GR(2^64, d) and GF(2^d) arithmetic for Shamir sharing ----===//
//
// Z_2^64 has no set of more than two points whose differences are all
// units, so Shamir sharing needs an extension: the Galois ring
// GR(2^64, d) = Z_2^64[X]/(F) with F monic of degree d and irreducible mod 2
// (Abspoel, Cramer, Damgard, Escudero, Yuan, TCC 2019). Its elements with
// 0/1 coefficients form an exceptional set of 2^d points (their differences
// are units, since they are nonzero mod 2), which holds 0 and the parties'
// evaluation points when 2^d >= N + 1. Z_2^64 is the constants of the ring,
// so a secret is a constant and every ring operation of the VM keeps its
// Z_2^64 meaning. Reducing mod 2 gives the field GF(2^d) with the same F,
// in which boolean values are shared.
//
// Vectors are planar: coefficient c of element i at [c*n + i]. GF(2^d)
// vectors are bit-sliced: coefficient plane c of word i holds that
// coefficient of 64 elements.
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace smpc::shamir {

inline constexpr uint32_t kMaxDegree = 8;

/// The extension of degree d: F = X^d + sum_j f_j X^j, f_j = bit j of low.
struct Ext {
  uint32_t d = 2;
  uint32_t low = 3;
};

/// Smallest d >= 2 with 2^d >= parties + 1; 0 if parties needs d > kMaxDegree.
uint32_t degreeFor(uint32_t parties);
Ext makeExt(uint32_t d);

/// One element of GR(2^64, d) (coefficients past d are zero).
struct Gr {
  std::array<uint64_t, kMaxDegree> c{};
  bool operator==(const Gr &o) const { return c == o.c; }
};

/// The element whose coefficient j is bit j of `pattern` (exceptional set).
Gr grPoint(uint32_t pattern);
Gr grAdd(const Gr &a, const Gr &b);
Gr grSub(const Gr &a, const Gr &b);
Gr grMul(const Ext &e, const Gr &a, const Gr &b);
/// Inverse of a unit (nonzero mod 2): inverse in GF(2^d), lifted by Newton.
Gr grInv(const Ext &e, const Gr &a);

/// coef0(c * x) = sum_b row[b] x_b: the Z_2^64-linear map "constant
/// coefficient of c times x", as a row.
std::array<uint64_t, kMaxDegree> coef0Row(const Ext &e, const Gr &c);

// ---- GR(2^64, d) vectors (planar, n elements) ----------------------------
/// z := x * y (z may not alias x or y).
void grMulVec(const Ext &e, const uint64_t *x, const uint64_t *y, uint64_t *z, size_t n);
/// z := c * x, or z += c * x with accumulate.
void grScaleVec(const Ext &e, const Gr &c, const uint64_t *x, uint64_t *z, size_t n,
                bool accumulate);
/// z += c * s for a vector s of constants (one plane).
void grScaleConstsVec(const Ext &e, const Gr &c, const uint64_t *s, uint64_t *z, size_t n);
/// out[i] := sum_b row[b] x_b[i].
void coef0Vec(const Ext &e, const std::array<uint64_t, kMaxDegree> &row, const uint64_t *x,
              uint64_t *out, size_t n);

// ---- GF(2^d) bit-sliced vectors (planar, nw words of 64 lanes) -----------
void gfMulVec(const Ext &e, const uint64_t *x, const uint64_t *y, uint64_t *z, size_t nw);
/// z := c * x or z ^= c * x, c taken mod 2.
void gfScaleVec(const Ext &e, const Gr &c, const uint64_t *x, uint64_t *z, size_t nw,
                bool accumulate);
/// z ^= c * s for bits s (one plane, GF(2) constants).
void gfScaleConstsVec(const Ext &e, const Gr &c, const uint64_t *s, uint64_t *z, size_t nw);
/// out := plane 0 of c * x.
void gfCoef0Vec(const Ext &e, const Gr &c, const uint64_t *x, uint64_t *out, size_t nw);

} // namespace smpc::shamir
