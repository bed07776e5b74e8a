//===- protocol.h - what the VM asks of an MPC protocol -------------------===//
//
// A protocol holds each secret ring element as `shareWidth()` words: 1 for
// additive sharing (semi2k) and the plaintext reference (clear), 2 for
// replicated sharing among three parties, d for a Shamir share in the Galois
// ring GR(2^64, d). Secret registers are planar: a register of n elements is
// w planes of n words, plane j at [j*n, (j+1)*n). Every sharing the VM meets
// is linear over Z_2^64 word by word, so the interpreter does the linear
// work itself, plane by plane (add, sub, neg, multiplication by a public
// value, sums, slices, stores, products with public matrices). What depends
// on the sharing scheme -- making a sharing of a public value, adding a
// public value -- or needs communication goes through this interface.
//
// Interactive instructions arrive in round groups (bytecode `round`): all
// operations of one group are independent, so a protocol runs them together
// and batches their messages, needing as many rounds as the slowest one.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/material.h"
#include "vm/bytecode/opcode.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smpc::vm {

using Share = uint64_t;

/// Largest share width the VM accepts (a Shamir share for up to 255 parties).
inline constexpr uint32_t kMaxShareWidth = 8;

/// One interactive operation. Spans point into VM registers; inputs of
/// length 1 have been broadcast by the VM already (all spans of an
/// elementwise op have the same element count). Spans of shares are planar:
/// w = shareWidth() planes, so x, y and out hold w words per element; the
/// plaintext of Input (x) and the opened values of Open/OutputS (out) hold one.
struct InteractiveOp {
  bc::Op op; // MulSS, TruncS, MatMulSS, LtzS, EqzS, Open, Input, OutputS, ShuffleS, BitS
  std::span<const Share>
      x; // first operand (shares); Input: owner's plaintext on the owner, empty elsewhere
  std::span<const Share> y;         // second operand (MulSS, MatMulSS)
  std::span<Share> out;             // result shares (or opened values for Open/OutputS)
  uint32_t m = 0, k = 0, n = 0;     // MatMulSS: x is m*k, y is k*n, out is m*n
  uint32_t shift = 0;               // TruncS; BitS: the bit position
  uint32_t width = 1;               // ShuffleS: elements per row (rows move as a whole)
  uint32_t owner = 0;               // Input: the providing party
  uint32_t io = 0;                  // Input/OutputS: index in the program's input/output table
  std::vector<uint32_t> recipients; // OutputS: parties that learn it (empty = all)
  bool receives = true; // OutputS: set by the protocol: false when this party is not a recipient
                        // (out untouched)
};

/// Counters a protocol keeps about one run, printed by `smpc run --stats`.
struct ProtocolStats {
  uint64_t rounds = 0;
  uint64_t bytesSent = 0;
  uint64_t bytesReceived = 0;
  bc::MaterialCounts material; // dealer or OT material drawn, per kind of material.def
};

/// "rounds 3, bytes sent 48, received 48, triples 2, matrix 0, ...": the
/// text of `--stats`, every kind of material.def included.
std::string statsText(const ProtocolStats &s);

class Protocol {
public:
  virtual ~Protocol() = default;
  virtual std::string_view name() const = 0;
  virtual uint32_t partyId() const = 0;
  virtual uint32_t numParties() const = 0;
  /// Words per secret element (see the top of this file).
  virtual uint32_t shareWidth() const { return 1; }

  /// out := sharing of the public vector p (no communication); out holds
  /// w planes of p.size() words.
  virtual void classify(std::span<const uint64_t> p, std::span<Share> out) = 0;
  /// out := s + p for a secret s and public p (same element count; s and out
  /// planar).
  virtual void addPublic(std::span<const Share> s, std::span<const uint64_t> p,
                         std::span<Share> out) = 0;

  /// Runs one round group. Throws smpc::vm::ProtocolError (errors.h) on a
  /// network or consistency failure; the message never contains a secret.
  virtual void runGroup(std::span<InteractiveOp> ops) = 0;

  /// Why `op` (prepared, before runGroup) has an operand outside the range
  /// where the secure protocols are correct (docs/protocols.md, "Where the
  /// secure protocols are exact"), or "" when it has none. Only a protocol
  /// that sees plaintext can tell: the reference protocol `clear` checks, so
  /// that it never silently disagrees with the secure ones. The message
  /// names no value.
  virtual std::string rangeProblem(const InteractiveOp &op, uint32_t fracBits) const { return {}; }

  virtual ProtocolStats stats() const = 0;
};

} // namespace smpc::vm
