//===- local_ops.cpp - slices, stores, sums and local matrix products -----===//
#include "vm/core/local_ops.h"

#include <sodium.h>

namespace smpc::vm::detail {

namespace {

void gatherPlane(uint64_t *out, size_t outLen, const uint64_t *src, int64_t off, int64_t cols,
                 int64_t rs, int64_t cs) {
  const size_t rows = outLen / size_t(cols);
  for (size_t r = 0; r < rows; ++r) {
    const int64_t base = off + int64_t(r) * rs;
    uint64_t *o = out + r * size_t(cols);
    if (cs == 1) {
      for (int64_t c = 0; c < cols; ++c)
        o[c] = src[size_t(base + c)];
    } else {
      for (int64_t c = 0; c < cols; ++c)
        o[c] = src[size_t(base + c * cs)];
    }
  }
}

void scatterPlane(uint64_t *dst, const uint64_t *in, size_t inLen, int64_t off, int64_t cols,
                  int64_t rs, int64_t cs) {
  const size_t rows = inLen / size_t(cols);
  for (size_t r = 0; r < rows; ++r) {
    const int64_t base = off + int64_t(r) * rs;
    const uint64_t *i = in + r * size_t(cols);
    for (int64_t c = 0; c < cols; ++c)
      dst[size_t(base + c * cs)] = i[c];
  }
}

void matmulPlane(uint64_t *o, const uint64_t *a, const uint64_t *b, uint32_t d, uint32_t e,
                 uint32_t f) {
  for (uint32_t i = 0; i < d; ++i, o += f) {
    for (uint32_t k = 0; k < e; ++k) {
      const uint64_t x = a[size_t(i) * e + k];
      const uint64_t *row = b + size_t(k) * f;
      for (uint32_t j = 0; j < f; ++j)
        o[j] += x * row[j];
    }
  }
}

} // namespace

void wipe(Vec &v) {
  sodium_memzero(v.data(), v.size() * sizeof(uint64_t));
}

const Vec &broadcast(const Vec &v, size_t n, Vec &scratch) {
  if (v.size() == n) return v;
  scratch.assign(n, v[0]);
  return scratch;
}

const Vec &broadcastPlanes(const Vec &v, size_t n, uint32_t w, Vec &scratch) {
  scratch.resize(n * w);
  for (uint32_t j = 0; j < w; ++j)
    std::fill(scratch.begin() + ptrdiff_t(j * n), scratch.begin() + ptrdiff_t((j + 1) * n), v[j]);
  return scratch;
}

void gather(Vec &dst, const Vec &src, int64_t off, int64_t cols, int64_t rs, int64_t cs,
            uint32_t w) {
  Vec tmp;
  Vec &out = (&dst == &src) ? tmp : dst;
  if (&out == &tmp) tmp.resize(dst.size());
  const size_t nd = dst.size() / w, ns = src.size() / w;
  for (uint32_t j = 0; j < w; ++j)
    gatherPlane(out.data() + j * nd, nd, src.data() + j * ns, off, cols, rs, cs);
  if (&out == &tmp) {
    dst.swap(tmp);
    wipe(tmp);
  }
}

void scatter(Vec &dst, const Vec &src, int64_t off, int64_t cols, int64_t rs, int64_t cs,
             uint32_t w) {
  Vec copy;
  const Vec &in = (&dst == &src) ? (copy = src) : src;
  const size_t nd = dst.size() / w, ni = in.size() / w;
  for (uint32_t j = 0; j < w; ++j)
    scatterPlane(dst.data() + j * nd, in.data() + j * ni, ni, off, cols, rs, cs);
  wipe(copy);
}

bool patternInBounds(int64_t off, uint64_t denseLen, int64_t cols, int64_t rs, int64_t cs,
                     uint64_t len) {
  using i128 = __int128;
  const i128 rows = denseLen / uint64_t(cols);
  const i128 lo = i128(off) + (rs < 0 ? (rows - 1) * rs : 0) + (cs < 0 ? i128(cols - 1) * cs : 0);
  const i128 hi = i128(off) + (rs > 0 ? (rows - 1) * rs : 0) + (cs > 0 ? i128(cols - 1) * cs : 0);
  return lo >= 0 && hi < i128(len);
}

void prefixSums(Vec &dst, const Vec &src, uint64_t row) {
  const size_t n = src.size();
  for (size_t start = 0; start < n; start += row) {
    uint64_t acc = 0;
    for (size_t i = start; i < start + row; ++i) {
      acc += src[i];
      dst[i] = acc;
    }
  }
}

void sumGroups(Vec &dst, const Vec &src) {
  const size_t g = src.size() / dst.size();
  Vec out(dst.size());
  for (size_t k = 0; k < out.size(); ++k) {
    uint64_t acc = 0;
    const uint64_t *p = src.data() + k * g;
    for (size_t i = 0; i < g; ++i)
      acc += p[i];
    out[k] = acc;
  }
  dst.swap(out);
  wipe(out);
}

void matmul(Vec &dst, const Vec &a, const Vec &b, uint32_t d, uint32_t e, uint32_t f, uint32_t wa,
            uint32_t wb) {
  const uint32_t w = wa > wb ? wa : wb;
  const size_t od = size_t(d) * f, ad = size_t(d) * e, bd = size_t(e) * f;
  Vec out(od * w, 0);
  for (uint32_t j = 0; j < w; ++j)
    matmulPlane(out.data() + j * od, a.data() + (wa > 1 ? j * ad : 0),
                b.data() + (wb > 1 ? j * bd : 0), d, e, f);
  dst.swap(out);
  wipe(out);
}

} // namespace smpc::vm::detail
