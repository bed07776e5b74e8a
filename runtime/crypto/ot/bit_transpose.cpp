//===- bit_transpose.cpp - SSE2/AVX2 movemask bit-matrix transpose --------===//
#include "runtime/crypto/ot/bit_transpose.h"

#include <cstring>
#include <immintrin.h>

namespace smpc::crypto::ot {

namespace detail {

// Transposes the 128 x 128 block whose rows are rows[0..127] (16 bytes
// each, contiguous) into out rows of 16 bytes, also contiguous. Each group of
// 16 rows is first byte-transposed in registers: four rounds of interleaving
// register i with register i+8 rotate the (register, byte) index by one bit
// each, so afterwards register c holds byte c of the 16 rows.
void transpose128_sse2(const uint8_t *rows, uint8_t *out) {
  __m128i x[16], y[16];
  for (std::size_t rr = 0; rr < 128; rr += 16) {
    for (int i = 0; i < 16; ++i)
      x[i] = _mm_loadu_si128(reinterpret_cast<const __m128i *>(rows + (rr + i) * 16));
    for (int round = 0; round < 4; ++round) {
      for (int i = 0; i < 8; ++i) {
        y[2 * i] = _mm_unpacklo_epi8(x[i], x[i + 8]);
        y[2 * i + 1] = _mm_unpackhi_epi8(x[i], x[i + 8]);
      }
      for (int i = 0; i < 16; ++i)
        x[i] = y[i];
    }
    for (std::size_t cb = 0; cb < 16; ++cb) {
      __m128i v = x[cb];
      for (int i = 7; i >= 0; --i) {
        const uint16_t bits = static_cast<uint16_t>(_mm_movemask_epi8(v));
        std::memcpy(out + (cb * 8 + i) * 16 + rr / 8, &bits, 2);
        v = _mm_slli_epi64(v, 1);
      }
    }
  }
}

// The same with AVX2: rows r and r+16 share a register (one per 128-bit
// lane; the byte unpacks work lane by lane), so one movemask yields 32 bits.
__attribute__((target("avx2"))) void transpose128_avx2(const uint8_t *rows, uint8_t *out) {
  __m256i x[16], y[16];
  for (std::size_t rr = 0; rr < 128; rr += 32) {
    for (int i = 0; i < 16; ++i) {
      const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i *>(rows + (rr + i) * 16));
      const __m128i hi =
          _mm_loadu_si128(reinterpret_cast<const __m128i *>(rows + (rr + 16 + i) * 16));
      x[i] = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
    }
    for (int round = 0; round < 4; ++round) {
      for (int i = 0; i < 8; ++i) {
        y[2 * i] = _mm256_unpacklo_epi8(x[i], x[i + 8]);
        y[2 * i + 1] = _mm256_unpackhi_epi8(x[i], x[i + 8]);
      }
      for (int i = 0; i < 16; ++i)
        x[i] = y[i];
    }
    for (std::size_t cb = 0; cb < 16; ++cb) {
      __m256i v = x[cb];
      for (int i = 7; i >= 0; --i) {
        const uint32_t bits = static_cast<uint32_t>(_mm256_movemask_epi8(v));
        std::memcpy(out + (cb * 8 + i) * 16 + rr / 8, &bits, 4);
        v = _mm256_slli_epi64(v, 1);
      }
    }
  }
}

bool have_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}

} // namespace detail

void bit_transpose(const uint8_t *in, uint8_t *out, std::size_t nrows, std::size_t ncols) {
  const std::size_t inStride = ncols / 8, outStride = nrows / 8;
  if (nrows == 128 && ncols % 128 == 0) {
    // IKNP's shape. Rows are long and a power of two apart, so gathering
    // across them directly thrashes one cache set: copy each 128 x 128 block
    // into a contiguous buffer first.
    alignas(16) uint8_t blk[128 * 16];
    auto *block = detail::have_avx2() ? detail::transpose128_avx2 : detail::transpose128_sse2;
    for (std::size_t cb = 0; cb < ncols / 128; ++cb) {
      for (std::size_t r = 0; r < 128; ++r)
        std::memcpy(blk + 16 * r, in + r * inStride + 16 * cb, 16);
      block(blk, out + cb * 128 * 16);
    }
    return;
  }
  alignas(16) uint8_t tile[16];
  // Gather one byte from each of 16 consecutive rows; movemask then yields,
  // for one bit position, the 16 bits of those rows: a 16-bit piece of an
  // output row. Shifting left walks the 8 bit positions from high to low.
  for (std::size_t cc = 0; cc < ncols; cc += 8) {
    for (std::size_t rr = 0; rr < nrows; rr += 16) {
      for (int i = 0; i < 16; ++i)
        tile[i] = in[(rr + i) * inStride + cc / 8];
      __m128i v = _mm_load_si128(reinterpret_cast<const __m128i *>(tile));
      for (int i = 7; i >= 0; --i) {
        const uint16_t bits = static_cast<uint16_t>(_mm_movemask_epi8(v));
        std::memcpy(out + (cc + i) * outStride + rr / 8, &bits, 2);
        v = _mm_slli_epi64(v, 1);
      }
    }
  }
}

} // namespace smpc::crypto::ot
