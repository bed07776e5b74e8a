//===- ring.h - local linear algebra over Z_2^64 --------------------------===//
#pragma once

#include <cstdint>

namespace smpc::protocols {

/// c += a (m x k) @ b (k x n), row-major, mod 2^64 (i-k-j order streams rows).
inline void matmulAdd(const uint64_t *a, const uint64_t *b, uint64_t *c, uint64_t m, uint64_t k,
                      uint64_t n) {
  for (uint64_t i = 0; i < m; ++i) {
    uint64_t *crow = c + i * n;
    for (uint64_t t = 0; t < k; ++t) {
      const uint64_t av = a[i * k + t];
      const uint64_t *brow = b + t * n;
      for (uint64_t j = 0; j < n; ++j)
        crow[j] += av * brow[j];
    }
  }
}

} // namespace smpc::protocols
