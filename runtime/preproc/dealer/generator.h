//===- generator.h - the dealer's material generator ----------------------===//
//
// Holds every party's job seed and one PRG per (party, stream), so it can
// recompute each party's pseudo-random shares and produce party 0's
// corrections. Separate from the message loop so it can be tested and
// benchmarked on its own.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/preproc/dealer/wire.h"
#include "vm/crypto/prg.h"

#include <cstdint>
#include <map>
#include <span>
#include <vector>

namespace smpc::dealer {

class Generator {
public:
  /// One seed per party; seeds come from crypto::seed_keygen().
  explicit Generator(std::vector<crypto::Seed> seeds);
  ~Generator();
  Generator(const Generator &) = delete;
  Generator &operator=(const Generator &) = delete;

  /// The next `req.count` elements of stream `req.key`: party 0's
  /// corrections, written over all of `out` (req.count *
  /// correctionWordsPerElem words; throws DealerError on another size).
  void corrections(const RequestMsg &req, std::span<uint64_t> out);

  uint64_t elementsGenerated() const { return generated_; }

private:
  /// Scratch words per chunk of a request (per party buffer).
  static constexpr uint64_t kChunkWords = uint64_t(1) << 18;
  std::vector<crypto::Prg> &prgs(const StreamKey &key);
  void correctChunk(const StreamKey &key, uint64_t count, std::span<uint64_t> out);
  /// Party 0's share of one shuffle turn (rows * width words).
  void shuffleTurn(const StreamKey &key, std::span<uint64_t> out);

  std::vector<crypto::Seed> seeds_;
  std::map<StreamKey, std::vector<crypto::Prg>> streams_;
  uint64_t generated_ = 0;
};

/// Matrix product accumulate: c += a (m x k) @ b (k x n), row-major, mod 2^64.
void matmulAdd(const uint64_t *a, const uint64_t *b, uint64_t *c, uint64_t m, uint64_t k,
               uint64_t n);

} // namespace smpc::dealer
