//===- material.h - kinds of dealer material and how shares are derived ---===//
//
// Seed-compressed dealing: every party i gets one seed S_i per job. Each kind
// of material (with its parameters) is a separate stream; party i's stream is
// an AES-CTR PRG keyed by BLAKE2b(key = S_i, msg = stream key). The dealer
// knows every S_i, so it can recompute every party's shares and send party 0
// only the corrections that make the shares add up. Elements of a stream are
// consumed strictly in order by every party and by the dealer.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/material.h"
#include "vm/crypto/prg.h"

#include <compare>
#include <cstdint>
#include <string>

namespace smpc::dealer {

/// One stream kind per row of vm/bytecode/material.def; the wire id is the
/// row index + 1. Parameters: MatTriple A (p1 x p2), B (p2 x p3), C, one
/// element per matrix triple; Trunc p1 = shift; Shuffle (see below).
enum class Kind : uint8_t {
#define SMPC_MATERIAL(Id, Name, Unit, Doc) Id = static_cast<uint8_t>(bc::Material::Id) + 1,
#include "vm/bytecode/material.def"
};

constexpr Kind kindOf(bc::Material m) {
  return static_cast<Kind>(static_cast<uint8_t>(m) + 1);
}

// A Shuffle element is party p1's turn of a shuffle of p2 rows of p3
// elements: the permuter's PRG gives its permutation pi (2 words per row,
// crypto::perm_from_words), every other party's PRG its mask a_k (p2 * p3
// words), and every party but 0 its share t_i of pi(sum of the masks) after
// that; party 0's share is the dealer's correction (p2 * p3 words).

struct StreamKey {
  Kind kind = Kind::Triple;
  uint32_t p1 = 0, p2 = 0, p3 = 0;
  auto operator<=>(const StreamKey &) const = default;
};

/// Largest matrix (elements) of a matrix triple and largest correction
/// payload of one batch (words, 32 MiB): bound what a request may make anyone allocate.
inline constexpr uint64_t kMaxMatrixElems = uint64_t(1) << 22;
inline constexpr uint64_t kMaxBatchWords = uint64_t(1) << 22;
/// A shuffle turn is one element, however large: its rows * width are
/// bounded by this instead (128 MiB of corrections).
inline constexpr uint64_t kMaxShuffleWords = uint64_t(1) << 24;
/// Parties a shuffle turn may name (the dealer checks the job's count).
inline constexpr uint32_t kMaxShuffleParty = 1023;

/// Empty if `key` names a valid stream, else a sentence saying why not.
std::string validateKey(const StreamKey &key);

/// Words party `party` draws from its PRG per element (party 0 draws fewer:
/// the dealer corrects its share instead).
uint64_t prgWordsPerElem(const StreamKey &key, uint32_t party);

/// Correction words the dealer sends party 0 per element.
uint64_t correctionWordsPerElem(const StreamKey &key);

/// Largest batch (correction words) for stream `key`.
uint64_t maxBatchWords(const StreamKey &key);

/// The seed of party `party`'s PRG for stream `key`, derived from its job seed.
crypto::Seed streamSeed(const crypto::Seed &jobSeed, const StreamKey &key);

} // namespace smpc::dealer
