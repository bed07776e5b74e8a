//===- local_ops.h - vector work the interpreter does without a protocol --===//
//
// Elementwise helpers broadcast a length-1 operand; the verifier guarantees
// every other length equals the destination's. Destinations may alias a
// source: elementwise loops read index i before writing it.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace smpc::vm::detail {

using Vec = std::vector<uint64_t>;

template <class F> inline void map1(Vec &dst, const Vec &a, F f) {
  const size_t n = dst.size();
  if (a.size() == 1) {
    const uint64_t x = f(a[0]);
    for (size_t i = 0; i < n; ++i)
      dst[i] = x;
    return;
  }
  const uint64_t *pa = a.data();
  uint64_t *pd = dst.data();
  for (size_t i = 0; i < n; ++i)
    pd[i] = f(pa[i]);
}

template <class F> inline void map2(Vec &dst, const Vec &a, const Vec &b, F f) {
  const size_t n = dst.size();
  uint64_t *pd = dst.data();
  const uint64_t *pa = a.data(), *pb = b.data();
  if (a.size() == n && b.size() == n) {
    for (size_t i = 0; i < n; ++i)
      pd[i] = f(pa[i], pb[i]);
  } else if (a.size() == n) {
    const uint64_t y = pb[0];
    for (size_t i = 0; i < n; ++i)
      pd[i] = f(pa[i], y);
  } else if (b.size() == n) {
    const uint64_t x = pa[0];
    for (size_t i = 0; i < n; ++i)
      pd[i] = f(x, pb[i]);
  } else {
    const uint64_t r = f(pa[0], pb[0]);
    for (size_t i = 0; i < n; ++i)
      pd[i] = r;
  }
}

/// Zeroes a buffer that held shares before it is freed.
void wipe(Vec &v);

/// `v` repeated to length n if it has length 1, else v itself.
const Vec &broadcast(const Vec &v, size_t n, Vec &scratch);

/// dst[r*cols+c] := src[off + r*rs + c*cs] (bounds already checked).
void gather(Vec &dst, const Vec &src, int64_t off, int64_t cols, int64_t rs, int64_t cs);
/// dst[off + r*rs + c*cs] := src[r*cols+c] (bounds already checked).
void scatter(Vec &dst, const Vec &src, int64_t off, int64_t cols, int64_t rs, int64_t cs);
/// True when every index of the pattern at `off` lies in [0, len).
bool patternInBounds(int64_t off, uint64_t denseLen, int64_t cols, int64_t rs, int64_t cs,
                     uint64_t len);
/// dst[g] := sum of group g of src.
void sumGroups(Vec &dst, const Vec &src);
/// dst := a (d x e) @ b (e x f), row-major, mod 2^64.
void matmul(Vec &dst, const Vec &a, const Vec &b, uint32_t d, uint32_t e, uint32_t f);

} // namespace smpc::vm::detail
