//===- cost.cpp - semi2k cost of interactive instructions ----------------===//
//
// These figures are exactly what vm/protocols/semi2k sends (payload bytes,
// 8 per ring element) and fetches; tests/semi2k checks them against the
// protocol's own counters. docs/protocols.md derives them.
//===----------------------------------------------------------------------===//
#include "vm/bytecode/cost.h"

namespace smpc::bc {

namespace {
// ltz: 63-bit comparison tree, 6 levels; 2 ANDs per combine except the last
// (its eq is never used): 62 + 61. eqz: 64-leaf AND tree, 63 ANDs.
constexpr uint64_t kLtzAnds = 123;
constexpr uint64_t kEqzAnds = 63;
constexpr uint32_t kTreeLevels = 6;
constexpr uint64_t kWord = 8;       // bytes per ring element / packed bit word
constexpr uint64_t kSeedBytes = 32; // input: one PRG seed per other party
} // namespace

uint32_t opRounds(Op op, uint32_t parties) {
  switch (op) {
  case Op::ShuffleS: // each party permutes in turn
    return parties;
  case Op::BitS:
  case Op::MulSS:
  case Op::TruncS:
  case Op::MatMulSS:
  case Op::Open:
  case Op::Input:
  case Op::OutputS:
    return 1;
  case Op::LtzS:
  case Op::EqzS:
    return 1 + kTreeLevels + 1; // open x + r, AND levels, bit to arithmetic
    // clang-format off
#include "vm/bytecode/noninteractive_cases.inc"
    // clang-format on
    return 0;
  }
  return 0;
}

OpCost opCost(Op op, const OpShape &s, uint32_t parties) {
  OpCost c;
  c.rounds = opRounds(op, parties);
  const uint64_t peers = parties > 0 ? parties - 1 : 0;
  switch (op) {
  case Op::MulSS: // open d = x - a and e = y - b
    c.triples = s.len;
    c.bytesPerParty = 2 * s.len * kWord * peers;
    break;
  case Op::TruncS: // open c = x + 2^62 + r
    c.truncPairs = s.len;
    c.bytesPerParty = s.len * kWord * peers;
    break;
  case Op::MatMulSS: // open E (m x k) and F (k x n)
    c.matTripleElems = uint64_t(s.m) * s.k + uint64_t(s.k) * s.n + uint64_t(s.m) * s.n;
    c.bytesPerParty = (uint64_t(s.m) * s.k + uint64_t(s.k) * s.n) * kWord * peers;
    break;
  case Op::Open:
    c.bytesPerParty = s.len * kWord * peers;
    break;
  case Op::BitS: // open c = x * 2^(63-i) + r, with truncation material's r and msb(r)
    c.truncPairs = s.len;
    c.bytesPerParty = s.len * kWord * peers;
    break;
  case Op::ShuffleS: // in each party's round the others send it their masked shares
    c.bytesPerParty = s.len * kWord * peers;
    break;
  case Op::Input: // the owner sends each other party a seed of its share
    c.bytesPerParty = kSeedBytes * peers;
    break;
  case Op::OutputS: {
    // A non-recipient sends its share to every recipient; a recipient to
    // the other recipients.
    uint64_t to = s.recipients ? s.recipients : parties;
    if (to > peers) to = peers;
    c.bytesPerParty = s.len * kWord * to;
    break;
  }
  case Op::LtzS:
  case Op::EqzS: {
    const uint64_t ands = op == Op::LtzS ? kLtzAnds : kEqzAnds;
    if (op == Op::LtzS)
      c.ltz = s.len;
    else
      c.eqz = s.len;
    // x + r as ring elements; each AND opens 2 bit words per 64 elements;
    // the bit-to-arithmetic step opens 1 bit word per 64 elements.
    const uint64_t words = (s.len + 63) / 64;
    c.bytesPerParty = (s.len + words * (2 * ands + 1)) * kWord * peers;
    break;
  }
  // clang-format off
#include "vm/bytecode/noninteractive_cases.inc"
  // clang-format on
  break;
  }
  return c;
}

} // namespace smpc::bc
