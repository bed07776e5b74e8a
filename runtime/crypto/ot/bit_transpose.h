//===- bit_transpose.h - bit-matrix transpose for OT extension ------------===//
//
// IKNP works on 128 columns of m bits and needs m rows of 128 bits; this is
// the SSE2 movemask transpose (16 rows x 8 columns per step).
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>

namespace smpc::crypto::ot {

/// `in` is an nrows x ncols bit matrix, row-major, bit c of a row at byte
/// c/8, bit c%8. Writes its ncols x nrows transpose to `out` in the same
/// layout. Requires nrows % 16 == 0 and ncols % 8 == 0.
void bit_transpose(const uint8_t *in, uint8_t *out, std::size_t nrows, std::size_t ncols);

namespace detail {
/// 128 x 128 block kernels (rows of 16 bytes, contiguous), exposed so tests
/// can check both; bit_transpose picks AVX2 when the CPU has it.
void transpose128_sse2(const uint8_t *rows, uint8_t *out);
void transpose128_avx2(const uint8_t *rows, uint8_t *out);
bool have_avx2();
} // namespace detail

} // namespace smpc::crypto::ot
