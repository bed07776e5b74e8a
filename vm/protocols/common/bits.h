//===- bits.h - bit slicing for the boolean circuits ----------------------===//
//
// A vector of n 64-bit numbers becomes 64 bit positions of W = ceil(n/64)
// words: bit b of element e is bit e%64 of word b*W + e/64. Lanes past n in
// the last word are zero. Every protocol's comparison circuit and the
// dealer's edaBits use this layout.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>

namespace smpc::protocols {

inline size_t wordsFor(size_t n) {
  return (n + 63) / 64;
}

/// In place: afterwards bit j of a[i] is what bit i of a[j] was.
void transpose64(uint64_t a[64]);

/// out[b*W + e/64] bit e%64 := bit b of v[e], for e < n; out has 64*W words.
void sliceBits(const uint64_t *v, size_t n, uint64_t *out);

/// Mask of the lanes of word w that hold one of n elements.
inline uint64_t laneMask(size_t n, size_t w) {
  const size_t full = n / 64;
  if (w < full) return ~uint64_t(0);
  return w == full && n % 64 ? (uint64_t(1) << (n % 64)) - 1 : 0;
}

} // namespace smpc::protocols
