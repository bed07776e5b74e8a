//===- bit_transpose.cpp - SSE2 movemask bit-matrix transpose -------------===//
#include "runtime/crypto/ot/bit_transpose.h"

#include <cstring>

#include <emmintrin.h>

namespace smpc::crypto::ot {

void bit_transpose(const uint8_t *in, uint8_t *out, std::size_t nrows, std::size_t ncols) {
  const std::size_t inStride = ncols / 8, outStride = nrows / 8;
  alignas(16) uint8_t tile[16];
  // Gather one byte from each of 16 consecutive rows; movemask then yields,
  // for one bit position, the 16 bits of those rows: a 16-bit piece of an
  // output row. Shifting left walks the 8 bit positions from high to low.
  for (std::size_t cc = 0; cc < ncols; cc += 8) {
    for (std::size_t rr = 0; rr < nrows; rr += 16) {
      for (int i = 0; i < 16; ++i) tile[i] = in[(rr + i) * inStride + cc / 8];
      __m128i v = _mm_load_si128(reinterpret_cast<const __m128i *>(tile));
      for (int i = 7; i >= 0; --i) {
        const uint16_t bits = static_cast<uint16_t>(_mm_movemask_epi8(v));
        std::memcpy(out + (cc + i) * outStride + rr / 8, &bits, 2);
        v = _mm_slli_epi64(v, 1);
      }
    }
  }
}

}  // namespace smpc::crypto::ot
