//===- rows.h - secret permutations of rows, for the shuffles -------------===//
//
// A shuffle turn permutes the rows (width words each) of a vector with a
// permutation that only some parties know, drawn from a PRG stream those
// parties share: every holder draws the same words at the same point.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/crypto/prg.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace smpc::hm {

/// A uniformly random permutation of `rows` rows from `prg`
/// (crypto::perm_from_words). The caller wipes it after use.
std::vector<uint32_t> drawPerm(crypto::Prg &prg, size_t rows);

/// dst row r := src row perm[r], rows of `width` words (dst != src).
void permuteRows(std::span<const uint32_t> perm, const uint64_t *src, uint64_t *dst, size_t width);

/// Wipes a permutation (which row went where is secret).
void wipePerm(std::vector<uint32_t> &perm);

} // namespace smpc::hm
