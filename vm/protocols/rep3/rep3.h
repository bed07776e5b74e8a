//===- rep3.h - replicated secret sharing among three parties -------------===//
//
// Araki, Furukawa, Lindell, Nof, Ohara (CCS 2016) over Z_2^64, semi-honest,
// honest majority (one corrupt party). x = x_0 + x_1 + x_2; party i holds
// (x_i, x_{i+1}) (indices mod 3) as the two planes of its share, so every
// slot x_k is held by parties k and k-1. Products need one word from each
// party to the previous one and no preprocessing: the zero sharings and
// random values come from two AES-CTR streams per party, one per slot it
// holds, keyed by seeds drawn from libsodium and exchanged at start (one per
// pair of neighbours, fresh for every job); the secret shuffle permutes with
// streams derived from the same seeds. Boolean values use the same
// layout with XOR. docs/protocols.md has the protocols and their costs.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/crypto/prg.h"
#include "vm/protocols/hm/hm.h"

#include <array>

namespace smpc::rep3 {

using hm::Exchange;
using hm::Step;
using hm::Task;
using hm::Words;

class Rep3 final : public hm::HmProtocol {
public:
  /// Agrees on the pairwise seeds with the other two parties over `ch`
  /// (which must connect exactly 3 parties and outlive the protocol).
  explicit Rep3(vm::Channel &ch);

  std::string_view name() const override { return "rep3"; }
  uint32_t shareWidth() const override { return 2; }
  uint32_t boolWidth() const override { return 2; }

  void classify(std::span<const uint64_t> p, std::span<vm::Share> out) override;
  void addPublic(std::span<const vm::Share> s, std::span<const uint64_t> p,
                 std::span<vm::Share> out) override;

  std::unique_ptr<Step> mul(std::span<const uint64_t> x, std::span<const uint64_t> y,
                            std::span<uint64_t> z, size_t n) override;
  std::unique_ptr<Step> matmul(std::span<const uint64_t> x, std::span<const uint64_t> y,
                               std::span<uint64_t> z, uint32_t m, uint32_t k, uint32_t n) override;
  std::unique_ptr<Step> band(std::span<const uint64_t> a, std::span<const uint64_t> b,
                             std::span<uint64_t> c, size_t nw) override;
  std::unique_ptr<Step> open(std::span<const uint64_t> x, std::span<uint64_t> out, size_t n,
                             const std::vector<bool> &to) override;
  std::unique_ptr<Step> openBool(std::span<const uint64_t> b, std::span<uint64_t> out,
                                 size_t nw) override;
  std::unique_ptr<Step> input(uint32_t owner, std::span<const uint64_t> plain,
                              std::span<uint64_t> out, size_t n) override;
  std::unique_ptr<Step> toBoolNumbers(std::span<const uint64_t> x, size_t n, bool minusOne,
                                      std::vector<Words> &numbers) override;
  void xorPublic(std::span<uint64_t> b, std::span<const uint64_t> c) override;
  std::unique_ptr<Task> daBits(size_t n, Words &arith, Words &bits) override;
  std::unique_ptr<Task> trunc(vm::InteractiveOp &op) override;
  std::unique_ptr<Task> shuffle(vm::InteractiveOp &op) override;

  // ---- for the steps ----------------------------------------------------
  uint32_t self() const { return ch_.self(); }
  uint32_t next() const { return (ch_.self() + 1) % 3; }
  uint32_t prev() const { return (ch_.self() + 2) % 3; }
  /// n words of the stream of slot `self` into a and of slot `self+1` into
  /// b. Every party calls draw() at the same points, so the two holders of
  /// a slot read the same words. Either pointer may be null (skipped words
  /// are still drawn).
  void draw(size_t n, uint64_t *a, uint64_t *b);
  /// z := this party's part of a zero sharing, slot self's words minus (XOR
  /// for booleans) slot self+1's: the streams advance exactly as draw(n).
  void drawZero(size_t n, uint64_t *z, bool boolean);
  /// n words known to this party alone.
  void drawPrivate(size_t n, uint64_t *out) { own_.fill(std::span<uint64_t>(out, n)); }
  /// A permutation of `rows` from the shuffle stream of slot self + which
  /// (which = 0 or 1), known to this party and the other holder of that
  /// slot only: the two draw it at the same point of the same shuffle.
  std::vector<uint32_t> drawShufflePerm(uint32_t which, size_t rows);

private:
  /// The seeds of slots self and self+1, agreed with the neighbours.
  static std::array<crypto::Seed, 2> agreeSeeds(vm::Channel &ch);
  Rep3(vm::Channel &ch, std::array<crypto::Seed, 2> seeds);

  crypto::Prg slotA_, slotB_, own_;
  // Separate streams of the same pair seeds for the shuffle permutations, so
  // that drawing a permutation never shifts the slot streams.
  crypto::Prg shufA_, shufB_;
};

} // namespace smpc::rep3
