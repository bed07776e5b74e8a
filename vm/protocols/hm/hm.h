//===- hm.h - what the honest-majority protocols have in common -----------===//
//
// rep3 (replicated sharing, 3 parties) and shamir (Shamir sharing over a
// Galois ring, N parties) differ in how a product is made and how a value
// enters or leaves a sharing, but run the same circuits on top of that:
// multiplication, matrix products, input, open and output are one primitive
// each, and comparisons are the same boolean circuit (bit decomposition by a
// carry-save tree and a parallel-prefix carry, docs/protocols.md). So a
// sharing scheme derives from HmProtocol and provides the primitives below;
// HmProtocol drives the round groups and runs the circuits.
//
// Arithmetic shares are planar (vm/core/protocol.h): width() words per ring
// element. Boolean shares are bit-sliced, 64 elements to a word, in
// boolWidth() planes: a boolean vector of L words is boolWidth() planes of L
// words. Every boolean sharing here is XOR-linear plane by plane.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/core/channel.h"
#include "vm/core/protocol.h"
#include "vm/protocols/common/exchange.h"
#include "vm/protocols/common/words.h"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace smpc::hm {

using protocols::Exchange;
using protocols::Words;

/// One round of a sub-protocol: send() queues this round's words, receive()
/// reads the answers and writes the result. Output spans must stay valid
/// until receive() returns; inputs are read when the step is made.
class Step {
public:
  virtual ~Step() = default;
  virtual void send(Exchange &ex) = 0;
  virtual void receive(Exchange &ex) = 0;
};

/// One interactive op of a round group as a phase machine; a group takes as
/// many rounds as its longest task.
class Task {
public:
  virtual ~Task() = default;
  virtual void send(Exchange &ex) = 0;
  virtual void receive(Exchange &ex) = 0;
  bool done() const { return done_; }

protected:
  bool done_ = false;
};

/// A task of exactly one step.
class StepTask final : public Task {
public:
  explicit StepTask(std::unique_ptr<Step> s) : step_(std::move(s)) {}
  void send(Exchange &ex) override { step_->send(ex); }
  void receive(Exchange &ex) override {
    step_->receive(ex);
    done_ = true;
  }

private:
  std::unique_ptr<Step> step_;
};

class HmProtocol : public vm::Protocol {
public:
  /// `ch` connects the computing parties; it must outlive the protocol.
  explicit HmProtocol(vm::Channel &ch);

  uint32_t partyId() const override { return ch_.self(); }
  uint32_t numParties() const override { return ch_.parties(); }
  void runGroup(std::span<vm::InteractiveOp> ops) override;
  vm::ProtocolStats stats() const override { return stats_; }

  // ---- what a sharing scheme provides -----------------------------------
  /// Planes of a boolean word.
  virtual uint32_t boolWidth() const = 0;

  /// z := x * y elementwise, n elements.
  virtual std::unique_ptr<Step> mul(std::span<const uint64_t> x, std::span<const uint64_t> y,
                                    std::span<uint64_t> z, size_t n) = 0;
  /// z := x (m x k) @ y (k x n), traffic of the m*n outputs only.
  virtual std::unique_ptr<Step> matmul(std::span<const uint64_t> x, std::span<const uint64_t> y,
                                       std::span<uint64_t> z, uint32_t m, uint32_t k,
                                       uint32_t n) = 0;
  /// c := a AND b over nw boolean words.
  virtual std::unique_ptr<Step> band(std::span<const uint64_t> a, std::span<const uint64_t> b,
                                     std::span<uint64_t> c, size_t nw) = 0;
  /// out := x opened to the parties with to[p] set (n elements); out is
  /// written only on those parties.
  virtual std::unique_ptr<Step> open(std::span<const uint64_t> x, std::span<uint64_t> out, size_t n,
                                     const std::vector<bool> &to) = 0;
  /// out := b opened to every party (nw words).
  virtual std::unique_ptr<Step> openBool(std::span<const uint64_t> b, std::span<uint64_t> out,
                                         size_t nw) = 0;
  /// out := sharing of `plain` (n elements), held by party `owner` (empty
  /// elsewhere).
  virtual std::unique_ptr<Step> input(uint32_t owner, std::span<const uint64_t> plain,
                                      std::span<uint64_t> out, size_t n) = 0;
  /// Boolean sharings of k >= 2 numbers (each 64 bit positions of
  /// ceil(n/64) words, bit b of element e at word b*W + e/64, bit e%64)
  /// whose sum is x (minus one if `minusOne`), mod 2^64.
  virtual std::unique_ptr<Step> toBoolNumbers(std::span<const uint64_t> x, size_t n, bool minusOne,
                                              std::vector<Words> &numbers) = 0;
  /// b ^= c for public words c (b planar, c.size() words per plane).
  virtual void xorPublic(std::span<uint64_t> b, std::span<const uint64_t> c) = 0;
  /// Random bits shared both ways: arith (n elements, planar) and bits
  /// (ceil(n/64) boolean words): the same bit. Ready when the task is done.
  virtual std::unique_ptr<Task> daBits(size_t n, Words &arith, Words &bits) = 0;
  /// trunc.s (op.shift, |x| < 2^62, floor or floor+1, docs/protocols.md).
  virtual std::unique_ptr<Task> trunc(vm::InteractiveOp &op) = 0;
  /// shuffle.s: op.x (rows of op.width elements, planar) into op.out in a
  /// random order no coalition of corruptible parties knows (sizes checked).
  virtual std::unique_ptr<Task> shuffle(vm::InteractiveOp &op) = 0;

  /// Counts material use in stats (for ops the scheme runs itself).
  vm::ProtocolStats &mutableStats() { return stats_; }

protected:
  vm::Channel &ch_;
  vm::ProtocolStats stats_;

private:
  std::unique_ptr<Task> makeTask(vm::InteractiveOp &op);
  Exchange ex_;
};

/// A comparison (ltz.s or eqz.s) as a boolean circuit on proto's sharing.
std::unique_ptr<Task> makeCompareTask(HmProtocol &proto, vm::InteractiveOp &op);

} // namespace smpc::hm
