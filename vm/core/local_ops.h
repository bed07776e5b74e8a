//===- local_ops.h - vector work the interpreter does without a protocol --===//
//
// Elementwise helpers broadcast a length-1 operand; the verifier guarantees
// every other length equals the destination's. Destinations may alias a
// source: elementwise loops read index i before writing it.
//
// Secret registers are planar (protocol.h): w planes of the register's
// length, plane j at [j*len, (j+1)*len). Every linear operation applies
// plane by plane, so the *W helpers take the share width w; with w = 1 they
// are the plain helpers (public registers always have w = 1).
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

/// dst[i] := f(a[i], b[i]) for n elements of one plane; a side that is not
/// full is broadcast.
template <class F>
inline void map2Raw(uint64_t *pd, size_t n, const uint64_t *pa, bool aFull, const uint64_t *pb,
                    bool bFull, F f) {
  if (aFull && bFull) {
    for (size_t i = 0; i < n; ++i)
      pd[i] = f(pa[i], pb[i]);
  } else if (aFull) {
    const uint64_t y = pb[0];
    for (size_t i = 0; i < n; ++i)
      pd[i] = f(pa[i], y);
  } else if (bFull) {
    const uint64_t x = pa[0];
    for (size_t i = 0; i < n; ++i)
      pd[i] = f(x, pb[i]);
  } else {
    const uint64_t r = f(pa[0], pb[0]);
    for (size_t i = 0; i < n; ++i)
      pd[i] = r;
  }
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

// The planar cases (w > 1 with a broadcast operand, or a public operand
// applied to every plane) are out of line: the w = 1 wrappers below must
// inline to exactly the plain helpers in the dispatch loop.
template <class F> [[gnu::noinline]] void map1Planes(Vec &dst, const Vec &a, uint32_t w, F f) {
  const size_t n = dst.size() / w;
  for (uint32_t j = 0; j < w; ++j) {
    const uint64_t x = f(a[j]);
    uint64_t *pd = dst.data() + j * n;
    for (size_t i = 0; i < n; ++i)
      pd[i] = x;
  }
}
template <class F>
[[gnu::noinline]] void map2Planes(Vec &dst, const Vec &a, const Vec &b, uint32_t w, bool bPublic,
                                  F f) {
  const size_t n = dst.size() / w, na = a.size() / w, nb = bPublic ? b.size() : b.size() / w;
  for (uint32_t j = 0; j < w; ++j)
    map2Raw(dst.data() + j * n, n, a.data() + j * na, na == n, b.data() + (bPublic ? 0 : j * nb),
            nb == n, f);
}

/// map1 on a secret register of w planes (a length-1 source is broadcast
/// within each plane).
template <class F>
[[gnu::always_inline]] inline void map1W(Vec &dst, const Vec &a, uint32_t w, F f) {
  if (w == 1 || a.size() == dst.size()) return map1(dst, a, f);
  map1Planes(dst, a, w, f);
}

/// map2 on two secret registers of w planes each.
template <class F>
[[gnu::always_inline]] inline void map2W(Vec &dst, const Vec &a, const Vec &b, uint32_t w, F f) {
  if (w == 1 || (a.size() == dst.size() && b.size() == dst.size())) return map2(dst, a, b, f);
  map2Planes(dst, a, b, w, false, f);
}

/// map2 of a secret register `a` (w planes) with a public register `p`,
/// applied to every plane with the same public operand.
template <class F>
[[gnu::always_inline]] inline void map2SP(Vec &dst, const Vec &a, const Vec &p, uint32_t w, F f) {
  if (w == 1) return map2(dst, a, p, f);
  map2Planes(dst, a, p, w, true, f);
}

/// Zeroes a buffer that held shares before it is freed.
void wipe(Vec &v);

/// `v` repeated to length n if it has length 1, else v itself.
const Vec &broadcast(const Vec &v, size_t n, Vec &scratch);
/// The same for a secret register of w planes: each plane broadcast to n.
const Vec &broadcastPlanes(const Vec &v, size_t n, uint32_t w, Vec &scratch);
inline const Vec &broadcastW(const Vec &v, size_t n, uint32_t w, Vec &scratch) {
  return v.size() == n * w ? v : broadcastPlanes(v, n, w, scratch);
}

/// dst[r*cols+c] := src[off + r*rs + c*cs] (bounds already checked), in
/// each of the w planes.
void gather(Vec &dst, const Vec &src, int64_t off, int64_t cols, int64_t rs, int64_t cs,
            uint32_t w = 1);
/// dst[off + r*rs + c*cs] := src[r*cols+c] (bounds already checked), in
/// each of the w planes.
void scatter(Vec &dst, const Vec &src, int64_t off, int64_t cols, int64_t rs, int64_t cs,
             uint32_t w = 1);
/// True when every index of the pattern at `off` lies in [0, len).
bool patternInBounds(int64_t off, uint64_t denseLen, int64_t cols, int64_t rs, int64_t cs,
                     uint64_t len);
/// dst := prefix sums of src along rows of `row` elements (inclusive). A
/// row never straddles two planes (row divides the register's length).
void prefixSums(Vec &dst, const Vec &src, uint64_t row);
/// dst[g] := sum of group g of src. Planar registers need nothing more:
/// every plane has the same group size, so no group straddles two planes.
void sumGroups(Vec &dst, const Vec &src);
/// dst := a (d x e) @ b (e x f), row-major, mod 2^64. At most one of a, b is
/// secret: its planes (w of them; wa/wb say which operand has them) give
/// the planes of dst.
void matmul(Vec &dst, const Vec &a, const Vec &b, uint32_t d, uint32_t e, uint32_t f,
            uint32_t wa = 1, uint32_t wb = 1);

} // namespace smpc::vm::detail
