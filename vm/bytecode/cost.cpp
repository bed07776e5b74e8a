//===- cost.cpp - semi2k cost of interactive instructions ----------------===//
#include "vm/bytecode/cost.h"

namespace smpc::bc {

namespace {
// Boolean circuit sizes of the comparison protocols (docs/protocols.md):
// ltz: open x + r, then a 63-bit comparison tree (6 AND levels, 2 ANDs per
// node), then a bit-to-arithmetic conversion with a daBit.
constexpr uint64_t kLtzAnds = 124;
constexpr uint64_t kEqzAnds = 63;
constexpr uint32_t kTreeLevels = 6;
}  // namespace

uint32_t opRounds(Op op) {
  switch (op) {
  case Op::MulSS:
  case Op::TruncS:
  case Op::MatMulSS:
  case Op::Open:
  case Op::Input:
  case Op::OutputS:
    return 1;
  case Op::LtzS:
  case Op::EqzS:
    return 1 + kTreeLevels + 1;
  default:
    return 0;
  }
}

OpCost opCost(Op op, const OpShape &s, uint32_t parties) {
  OpCost c;
  c.rounds = opRounds(op);
  const uint64_t peers = parties > 0 ? parties - 1 : 0;
  const uint64_t w = 8;  // bytes per ring element
  switch (op) {
  case Op::MulSS:
    c.triples = s.len;
    c.bytesPerParty = 2 * s.len * w * peers;
    break;
  case Op::TruncS:
    c.truncPairs = s.len;
    c.bytesPerParty = s.len * w * peers;
    break;
  case Op::MatMulSS:
    c.matTripleElems = uint64_t(s.m) * s.k + uint64_t(s.k) * s.n + uint64_t(s.m) * s.n;
    c.bytesPerParty = (uint64_t(s.m) * s.k + uint64_t(s.k) * s.n) * w * peers;
    break;
  case Op::Open:
  case Op::Input:
    c.bytesPerParty = s.len * w * peers;
    break;
  case Op::OutputS:
    c.bytesPerParty = s.len * w * (s.recipients ? s.recipients : parties);
    break;
  case Op::LtzS:
  case Op::EqzS: {
    const uint64_t ands = op == Op::LtzS ? kLtzAnds : kEqzAnds;
    if (op == Op::LtzS) c.ltz = s.len; else c.eqz = s.len;
    // one ring element opened, 2 bits per AND, 1 bit for the conversion
    const uint64_t bits = s.len * (2 * ands + 1);
    c.bytesPerParty = (s.len * w + (bits + 7) / 8) * peers;
    break;
  }
  default:
    break;
  }
  return c;
}

}  // namespace smpc::bc
