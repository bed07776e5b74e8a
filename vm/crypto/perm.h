//===- perm.h - uniformly random permutations from PRG words --------------===//
//
// Secret shuffles need permutations that the party holding them, and a
// dealer that recomputes them from the same PRG stream, derive identically.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <span>

namespace smpc::crypto {

/// PRG words one permutation consumes per element.
inline constexpr uint64_t kPermWordsPerElem = 2;

/// perm := a uniformly random permutation of 0..n-1 (n = perm.size()), by
/// Fisher-Yates from words (kPermWordsPerElem * n of them, uniform): each
/// draw takes 128 bits, so the distance from uniform is below n^2 / 2^128.
/// Aborts (sodium_misuse) if words has the wrong size.
void perm_from_words(std::span<const uint64_t> words, std::span<uint32_t> perm);

} // namespace smpc::crypto
