//===- galois.cpp - ring and field arithmetic, scalar and vectorised ------===//
#include "vm/protocols/shamir/galois.h"

#include "vm/bytecode/protocols.h"

#include <algorithm>
#include <cstring>
#include <sodium.h>

namespace smpc::shamir {

namespace {

// F = X^d + (low), irreducible over GF(2): X^2+X+1, X^3+X+1, X^4+X+1,
// X^5+X^2+1, X^6+X+1, X^7+X+1, X^8+X^4+X^3+X+1.
constexpr uint32_t kLow[kMaxDegree + 1] = {0, 0, 0x3, 0x3, 0x3, 0x5, 0x3, 0x3, 0x1B};

constexpr size_t kBlock = 256; // elements per block of the vector loops

// Reduces a product polynomial t[0..2d-2] mod F (over Z_2^64: X^d = -low).
template <class T> void reduce(const Ext &e, T *t, size_t m, size_t stride) {
  for (uint32_t k = 2 * e.d - 2; k >= e.d; --k) {
    const T *hi = t + k * stride;
    for (uint32_t j = 0; j < e.d; ++j)
      if ((e.low >> j) & 1) {
        T *lo = t + (k - e.d + j) * stride;
        for (size_t i = 0; i < m; ++i)
          lo[i] -= hi[i];
      }
  }
}

// c * X^b mod F over GF(2), as a d-bit pattern.
uint32_t gfTimesXPow(const Ext &e, uint32_t c, uint32_t b) {
  for (uint32_t i = 0; i < b; ++i) {
    c <<= 1;
    if ((c >> e.d) & 1) c ^= (1u << e.d) | e.low;
  }
  return c;
}

uint32_t gfMulScalar(const Ext &e, uint32_t a, uint32_t b) {
  uint32_t r = 0;
  for (uint32_t i = 0; i < e.d; ++i)
    if ((b >> i) & 1) r ^= gfTimesXPow(e, a, i);
  return r;
}

uint32_t pattern(const Ext &e, const Gr &c) {
  uint32_t p = 0;
  for (uint32_t j = 0; j < e.d; ++j)
    p |= uint32_t(c.c[j] & 1) << j;
  return p;
}

} // namespace

uint32_t degreeFor(uint32_t parties) {
  const uint32_t d = bc::shamirDegree(parties);
  return d > kMaxDegree ? 0 : d;
}

Ext makeExt(uint32_t d) {
  return Ext{d, kLow[d]};
}

Gr grPoint(uint32_t p) {
  Gr g;
  for (uint32_t j = 0; j < kMaxDegree; ++j)
    g.c[j] = (p >> j) & 1;
  return g;
}

Gr grAdd(const Gr &a, const Gr &b) {
  Gr r;
  for (uint32_t j = 0; j < kMaxDegree; ++j)
    r.c[j] = a.c[j] + b.c[j];
  return r;
}

Gr grSub(const Gr &a, const Gr &b) {
  Gr r;
  for (uint32_t j = 0; j < kMaxDegree; ++j)
    r.c[j] = a.c[j] - b.c[j];
  return r;
}

Gr grMul(const Ext &e, const Gr &a, const Gr &b) {
  uint64_t t[2 * kMaxDegree - 1] = {};
  for (uint32_t i = 0; i < e.d; ++i)
    for (uint32_t j = 0; j < e.d; ++j)
      t[i + j] += a.c[i] * b.c[j];
  reduce(e, t, 1, 1);
  Gr r;
  std::copy(t, t + e.d, r.c.begin());
  return r;
}

Gr grInv(const Ext &e, const Gr &a) {
  // Inverse mod 2 by search (2^d <= 256 candidates), then Newton:
  // y <- y (2 - a y) doubles the number of correct low bits.
  const uint32_t pa = pattern(e, a);
  uint32_t inv = 0;
  for (uint32_t c = 1; c < (1u << e.d); ++c)
    if (gfMulScalar(e, pa, c) == 1) inv = c;
  Gr y = grPoint(inv), two;
  two.c[0] = 2;
  for (int i = 0; i < 6; ++i)
    y = grMul(e, y, grSub(two, grMul(e, a, y)));
  return y;
}

std::array<uint64_t, kMaxDegree> coef0Row(const Ext &e, const Gr &c) {
  std::array<uint64_t, kMaxDegree> row{};
  for (uint32_t b = 0; b < e.d; ++b) {
    Gr xb;
    xb.c[b] = 1;
    row[b] = grMul(e, c, xb).c[0];
  }
  return row;
}

void grMulVec(const Ext &e, const uint64_t *x, const uint64_t *y, uint64_t *z, size_t n) {
  const uint32_t d = e.d;
  uint64_t t[2 * kMaxDegree - 1][kBlock];
  for (size_t off = 0; off < n; off += kBlock) {
    const size_t m = std::min(kBlock, n - off);
    for (uint32_t k = 0; k < 2 * d - 1; ++k)
      std::fill(t[k], t[k] + m, 0);
    for (uint32_t a = 0; a < d; ++a) {
      const uint64_t *xa = x + a * n + off;
      for (uint32_t b = 0; b < d; ++b) {
        const uint64_t *yb = y + b * n + off;
        uint64_t *tk = t[a + b];
        for (size_t i = 0; i < m; ++i)
          tk[i] += xa[i] * yb[i];
      }
    }
    reduce(e, &t[0][0], m, kBlock);
    for (uint32_t k = 0; k < d; ++k)
      std::copy(t[k], t[k] + m, z + k * n + off);
  }
  sodium_memzero(t, sizeof t);
}

void grScaleVec(const Ext &e, const Gr &c, const uint64_t *x, uint64_t *z, size_t n,
                bool accumulate) {
  // c * x = sum_b x_b (c X^b): precompute the columns c X^b.
  const uint32_t d = e.d;
  Gr col[kMaxDegree];
  for (uint32_t b = 0; b < d; ++b) {
    Gr xb;
    xb.c[b] = 1;
    col[b] = grMul(e, c, xb);
  }
  uint64_t t[kMaxDegree][kBlock];
  for (size_t off = 0; off < n; off += kBlock) {
    const size_t m = std::min(kBlock, n - off);
    for (uint32_t p = 0; p < d; ++p) {
      uint64_t *tp = t[p];
      std::fill(tp, tp + m, 0);
      for (uint32_t b = 0; b < d; ++b) {
        const uint64_t k = col[b].c[p];
        if (!k) continue;
        const uint64_t *xb = x + b * n + off;
        for (size_t i = 0; i < m; ++i)
          tp[i] += k * xb[i];
      }
    }
    for (uint32_t p = 0; p < d; ++p) {
      uint64_t *zp = z + p * n + off;
      if (accumulate)
        for (size_t i = 0; i < m; ++i)
          zp[i] += t[p][i];
      else
        std::copy(t[p], t[p] + m, zp);
    }
  }
  sodium_memzero(t, sizeof t);
}

void grScaleConstsVec(const Ext &e, const Gr &c, const uint64_t *s, uint64_t *z, size_t n) {
  for (uint32_t p = 0; p < e.d; ++p) {
    const uint64_t k = c.c[p];
    if (!k) continue;
    uint64_t *zp = z + p * n;
    for (size_t i = 0; i < n; ++i)
      zp[i] += k * s[i];
  }
}

void coef0Vec(const Ext &e, const std::array<uint64_t, kMaxDegree> &row, const uint64_t *x,
              uint64_t *out, size_t n) {
  const uint64_t r0 = row[0];
  for (size_t i = 0; i < n; ++i)
    out[i] = r0 * x[i];
  for (uint32_t b = 1; b < e.d; ++b) {
    const uint64_t k = row[b];
    if (!k) continue;
    const uint64_t *xb = x + b * n;
    for (size_t i = 0; i < n; ++i)
      out[i] += k * xb[i];
  }
}

void gfMulVec(const Ext &e, const uint64_t *x, const uint64_t *y, uint64_t *z, size_t nw) {
  const uint32_t d = e.d;
  uint64_t t[2 * kMaxDegree - 1][kBlock];
  for (size_t off = 0; off < nw; off += kBlock) {
    const size_t m = std::min(kBlock, nw - off);
    for (uint32_t k = 0; k < 2 * d - 1; ++k)
      std::fill(t[k], t[k] + m, 0);
    for (uint32_t a = 0; a < d; ++a) {
      const uint64_t *xa = x + a * nw + off;
      for (uint32_t b = 0; b < d; ++b) {
        const uint64_t *yb = y + b * nw + off;
        uint64_t *tk = t[a + b];
        for (size_t i = 0; i < m; ++i)
          tk[i] ^= xa[i] & yb[i];
      }
    }
    for (uint32_t k = 2 * d - 2; k >= d; --k)
      for (uint32_t j = 0; j < d; ++j)
        if ((e.low >> j) & 1)
          for (size_t i = 0; i < m; ++i)
            t[k - d + j][i] ^= t[k][i];
    for (uint32_t k = 0; k < d; ++k)
      std::copy(t[k], t[k] + m, z + k * nw + off);
  }
  sodium_memzero(t, sizeof t);
}

void gfScaleVec(const Ext &e, const Gr &c, const uint64_t *x, uint64_t *z, size_t nw,
                bool accumulate) {
  const uint32_t d = e.d, pc = pattern(e, c);
  uint32_t col[kMaxDegree];
  for (uint32_t b = 0; b < d; ++b)
    col[b] = gfTimesXPow(e, pc, b);
  uint64_t t[kMaxDegree][kBlock];
  for (size_t off = 0; off < nw; off += kBlock) {
    const size_t m = std::min(kBlock, nw - off);
    for (uint32_t p = 0; p < d; ++p) {
      uint64_t *tp = t[p];
      std::fill(tp, tp + m, 0);
      for (uint32_t b = 0; b < d; ++b)
        if ((col[b] >> p) & 1) {
          const uint64_t *xb = x + b * nw + off;
          for (size_t i = 0; i < m; ++i)
            tp[i] ^= xb[i];
        }
    }
    for (uint32_t p = 0; p < d; ++p) {
      uint64_t *zp = z + p * nw + off;
      if (accumulate)
        for (size_t i = 0; i < m; ++i)
          zp[i] ^= t[p][i];
      else
        std::copy(t[p], t[p] + m, zp);
    }
  }
  sodium_memzero(t, sizeof t);
}

void gfScaleConstsVec(const Ext &e, const Gr &c, const uint64_t *s, uint64_t *z, size_t nw) {
  for (uint32_t p = 0; p < e.d; ++p)
    if (c.c[p] & 1) {
      uint64_t *zp = z + p * nw;
      for (size_t i = 0; i < nw; ++i)
        zp[i] ^= s[i];
    }
}

void gfCoef0Vec(const Ext &e, const Gr &c, const uint64_t *x, uint64_t *out, size_t nw) {
  const uint32_t pc = pattern(e, c);
  std::fill(out, out + nw, 0);
  for (uint32_t b = 0; b < e.d; ++b)
    if (gfTimesXPow(e, pc, b) & 1) {
      const uint64_t *xb = x + b * nw;
      for (size_t i = 0; i < nw; ++i)
        out[i] ^= xb[i];
    }
}

} // namespace smpc::shamir
