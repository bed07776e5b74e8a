//===- bits.cpp - 64x64 bit-matrix transpose -------------------------------===//
#include "vm/protocols/common/bits.h"

#include <cstring>
#include <sodium.h>

namespace smpc::protocols {

// Recursive block swap (Hacker's Delight, 7-3): at step j the upper-right
// and lower-left j x j blocks of every 2j x 2j block trade places.
void transpose64(uint64_t a[64]) {
  uint64_t m = 0x00000000FFFFFFFFULL;
  for (unsigned j = 32; j != 0; j >>= 1, m ^= m << j) {
    for (unsigned k = 0; k < 64; k = ((k | j) + 1) & ~j) {
      const uint64_t t = ((a[k] >> j) ^ a[k | j]) & m;
      a[k] ^= t << j;
      a[k | j] ^= t;
    }
  }
}

void sliceBits(const uint64_t *v, size_t n, uint64_t *out) {
  const size_t W = wordsFor(n);
  uint64_t rows[64];
  for (size_t w = 0; w < W; ++w) {
    const size_t base = 64 * w, cnt = n - base < 64 ? n - base : 64;
    std::memcpy(rows, v + base, cnt * sizeof(uint64_t));
    if (cnt < 64) std::memset(rows + cnt, 0, (64 - cnt) * sizeof(uint64_t));
    transpose64(rows);
    for (unsigned b = 0; b < 64; ++b)
      out[b * W + w] = rows[b];
  }
  sodium_memzero(rows, sizeof rows); // held share bits
}

} // namespace smpc::protocols
