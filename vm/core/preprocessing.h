//===- preprocessing.h - correlated randomness a protocol consumes --------===//
//
// The dealer (runtime/preproc/dealer) and the OT-based generator
// (runtime/preproc/ot) both implement this. Every call returns this party's
// shares of fresh material: the same material is never handed out twice.
// Additive sharing over Z_2^64 for arithmetic values; XOR sharing for
// boolean values, bit-sliced (bit j of word w is element 64*w + j).
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/material.h"

#include <cstdint>
#include <span>

namespace smpc::vm {

class Preprocessing {
public:
  virtual ~Preprocessing() = default;

  /// Beaver triples: c = a * b (mod 2^64), elementwise.
  virtual void triples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) = 0;

  /// Matrix triple: A (m x k), B (k x n), C = A @ B (m x n), row-major.
  virtual void matrixTriple(uint32_t m, uint32_t k, uint32_t n, std::span<uint64_t> a,
                            std::span<uint64_t> b, std::span<uint64_t> c) = 0;

  /// Boolean AND triples over packed bits: c = a & b, word by word.
  virtual void boolTriples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) = 0;

  /// Random bits shared both ways (daBits): arith[i] in {0,1} and bit i of
  /// `bits` (packed) is the same bit. bits.size() == ceil(arith.size()/64).
  virtual void daBits(std::span<uint64_t> arith, std::span<uint64_t> bits) = 0;

  /// Random ring elements r shared arithmetically, with their 64 bits shared
  /// as booleans: bits[b * words + w] bit j = bit b of r[64*w + j], where
  /// words = ceil(r.size()/64) (edaBits). bits.size() == 64 * words.
  virtual void edaBits(std::span<uint64_t> r, std::span<uint64_t> bits) = 0;

  /// Truncation material for a shift of `shift` bits: uniform r, its top bit
  /// msb = r >> 63 (arith-shared 0/1), and high = (r mod 2^63) >> shift.
  virtual void truncPairs(uint32_t shift, std::span<uint64_t> r, std::span<uint64_t> msb,
                          std::span<uint64_t> high) = 0;
  /// The shift whose truncation material bit.s draws (it uses r and msb
  /// only, so any shift would do; one fixed stream lets a dealer client
  /// prefetch it from the code).
  static constexpr uint32_t kBitShift = 1;

  /// One party's turn of a secret shuffle of `rows` rows of `width`
  /// elements (docs/protocols.md, shuffle): the party `permuter` alone knows
  /// a uniformly random permutation pi of the rows (output row r is input row
  /// perm[r]); every other party k holds a uniform mask a_k (rows * width);
  /// and all parties hold additive shares of pi(sum of the masks).
  /// On the permuter `perm` has `rows` entries and `mask` is empty; on the
  /// others `perm` is empty and `mask` has rows * width. `share` always has
  /// rows * width.
  virtual void shuffleTurn(uint32_t permuter, uint32_t rows, uint32_t width,
                           std::span<uint32_t> perm, std::span<uint64_t> mask,
                           std::span<uint64_t> share) = 0;
};

/// Passes every call on to `inner` and counts the material drawn, per kind
/// of material.def, in the units of bc::opMaterial: a protocol's statistics
/// are what it really drew.
class CountingPreprocessing final : public Preprocessing {
public:
  CountingPreprocessing(Preprocessing &inner, bc::MaterialCounts &counts)
      : inner_(inner), n_(counts) {}

  void triples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) override {
    inner_.triples(a, b, c);
    n_[bc::Material::Triple] += a.size();
  }
  void matrixTriple(uint32_t m, uint32_t k, uint32_t n, std::span<uint64_t> a,
                    std::span<uint64_t> b, std::span<uint64_t> c) override {
    inner_.matrixTriple(m, k, n, a, b, c);
    n_[bc::Material::MatTriple] += a.size() + b.size() + c.size();
  }
  void boolTriples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) override {
    inner_.boolTriples(a, b, c);
    n_[bc::Material::BoolTriple] += a.size();
  }
  void daBits(std::span<uint64_t> arith, std::span<uint64_t> bits) override {
    inner_.daBits(arith, bits);
    n_[bc::Material::DaBit] += arith.size();
  }
  void edaBits(std::span<uint64_t> r, std::span<uint64_t> bits) override {
    inner_.edaBits(r, bits);
    n_[bc::Material::EdaBit] += r.size();
  }
  void truncPairs(uint32_t shift, std::span<uint64_t> r, std::span<uint64_t> msb,
                  std::span<uint64_t> high) override {
    inner_.truncPairs(shift, r, msb, high);
    n_[bc::Material::Trunc] += r.size();
  }
  void shuffleTurn(uint32_t permuter, uint32_t rows, uint32_t width, std::span<uint32_t> perm,
                   std::span<uint64_t> mask, std::span<uint64_t> share) override {
    inner_.shuffleTurn(permuter, rows, width, perm, mask, share);
    ++n_[bc::Material::Shuffle];
  }

private:
  Preprocessing &inner_;
  bc::MaterialCounts &n_;
};

} // namespace smpc::vm
