//===- perm.cpp - uniformly random permutations from PRG words ------------===//
#include "vm/crypto/perm.h"

#include <sodium.h>
#include <utility>

namespace smpc::crypto {

void perm_from_words(std::span<const uint64_t> words, std::span<uint32_t> perm) {
  const uint64_t n = perm.size();
  if (words.size() != kPermWordsPerElem * n) sodium_misuse();
  for (uint64_t i = 0; i < n; ++i)
    perm[i] = static_cast<uint32_t>(i);
  // Step i picks j uniform in [0, i] as floor(u * (i + 1) / 2^128) for a
  // 128-bit u = hi 2^64 + lo (Lemire's multiply-high, without rejection).
  for (uint64_t i = n; i > 1; --i) {
    const uint64_t hi = words[2 * (i - 1)], lo = words[2 * (i - 1) + 1];
    const unsigned __int128 mlo = static_cast<unsigned __int128>(lo) * i;
    const unsigned __int128 mhi = static_cast<unsigned __int128>(hi) * i + (mlo >> 64);
    const uint64_t j = static_cast<uint64_t>(mhi >> 64);
    std::swap(perm[i - 1], perm[j]);
  }
}

} // namespace smpc::crypto
