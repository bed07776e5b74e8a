//===- cost.cpp - cost of interactive instructions under each protocol ----===//
//
// These figures are exactly what vm/protocols/semi2k, rep3 and shamir send
// (payload bytes, 8 per ring element or bit word, of the busiest party) and
// fetch; tests/semi2k and tests/hm check them against the protocols' own
// counters. docs/protocols.md derives them.
//===----------------------------------------------------------------------===//
#include "vm/bytecode/cost.h"

namespace smpc::bc {

namespace {
constexpr uint64_t kLtzAnds = kLtzAndsPerWord;
constexpr uint64_t kEqzAnds = kEqzAndsPerWord;
constexpr uint32_t kTreeLevels = kCompareTreeLevels;
constexpr uint64_t kWord = 8;       // bytes per ring element / packed bit word
constexpr uint64_t kSeedBytes = 32; // input: one PRG seed per other party

// rep3 and shamir comparisons (vm/protocols/hm/compare.cpp): bit
// decomposition (1 round), carry-save levels, ltz's leaves (1 round, 63
// ANDs per 64 elements), the 6-level tree (123 ANDs ltz, 63 eqz), the daBit
// opening (1 round, 1 word).
constexpr uint64_t kLeafAnds = 63;
constexpr uint64_t kCsaAnds = 63; // one carry-save adder: 63 ANDs per 64 elements

// Carry-save levels and adders that bring k numbers down to two (three
// become two per adder, all adders of a level in one round).
struct CsaTree {
  uint32_t levels = 0, adders = 0;
};
CsaTree csaTree(uint32_t k) {
  CsaTree c;
  while (k > 2) {
    c.adders += k / 3;
    k = 2 * (k / 3) + k % 3;
    ++c.levels;
  }
  return c;
}

uint32_t hmCompareRounds(Op op, uint32_t numbers) {
  const uint32_t csa = csaTree(numbers).levels;
  return op == Op::EqzS ? 1 + csa + kTreeLevels + 1 : 1 + csa + 1 + kTreeLevels + 1;
}

uint32_t semi2kRounds(Op op, uint32_t parties) {
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

OpCost semi2kCost(Op op, const OpShape &s, uint32_t parties) {
  OpCost c;
  c.rounds = semi2kRounds(op, parties);
  c.material = opMaterial(op, s, parties);
  const uint64_t peers = parties > 0 ? parties - 1 : 0;
  switch (op) {
  case Op::MulSS: // open d = x - a and e = y - b
    c.bytesPerParty = 2 * s.len * kWord * peers;
    break;
  case Op::TruncS: // open c = x + 2^62 + r
    c.truncations = s.len;
    c.bytesPerParty = s.len * kWord * peers;
    break;
  case Op::MatMulSS: // open E (m x k) and F (k x n)
    c.bytesPerParty = (uint64_t(s.m) * s.k + uint64_t(s.k) * s.n) * kWord * peers;
    break;
  case Op::Open:
  case Op::BitS:     // open c = x * 2^(63-i) + r, with truncation material's r and msb(r)
  case Op::ShuffleS: // in each party's round the others send it their masked shares
    c.bytesPerParty = s.len * kWord * peers;
    break;
  case Op::Input: // the owner sends each other party a seed of its share
    c.bytesPerParty = kSeedBytes * peers;
    break;
  case Op::OutputS: {
    // A non-recipient sends its share to every recipient; a recipient to
    // the other recipients.
    uint64_t to = !s.recipients.empty() ? s.recipients.size() : parties;
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

// Under rep3 and shamir bit.s is a comparison (x * 2^(63-i) < 0). shuffle.s
// takes one turn per set that permutes (rep3: the 3 pairs; shamir: the
// C(N, t+1) sets of t+1 parties); shamir refuses it beyond
// kMaxShamirShuffleSets sets, priced at 0 and reported by OpCost::unsupported.
bool isCompare(Op op) {
  return op == Op::LtzS || op == Op::EqzS || op == Op::BitS;
}

uint32_t rep3Rounds(Op op) {
  if (isCompare(op)) return hmCompareRounds(op, 2);
  if (op == Op::ShuffleS) return 3;
  return semi2kRounds(op, 3) ? 1 : 0;
}

// shamir splits x into t+1 numbers, one per party of a reconstructing set.
uint32_t shamirRounds(Op op, uint32_t parties) {
  if (isCompare(op)) return hmCompareRounds(op, shamirThreshold(parties) + 1);
  if (op == Op::ShuffleS) {
    const uint64_t sets = shamirShuffleSets(parties);
    return sets <= kMaxShamirShuffleSets ? uint32_t(sets) : 0;
  }
  return semi2kRounds(op, parties) ? 1 : 0;
}

void countCompare(Op op, uint64_t len, OpCost &c) {
  if (op == Op::EqzS)
    c.eqz = len;
  else
    c.ltz = len;
}

// rep3: party i passes one word per product element to party i-1; the
// busiest party of a comparison is party 1, which inputs its number's bits
// (64 W) and runs the two daBit products (2 n) besides the ANDs and the
// opening every party runs.
OpCost rep3Cost(Op op, const OpShape &s) {
  OpCost c;
  c.rounds = rep3Rounds(op);
  const uint64_t n = s.len, W = (n + 63) / 64;
  switch (op) {
  case Op::MulSS:
  case Op::Open:
  case Op::OutputS:
  case Op::Input:
    c.bytesPerParty = n * kWord;
    break;
  case Op::MatMulSS:
    c.bytesPerParty = uint64_t(s.m) * s.n * kWord;
    break;
  case Op::TruncS: // party 0: two OT messages to each of parties 1 and 2, one share
    c.truncations = n;
    c.bytesPerParty = 5 * n * kWord;
    break;
  case Op::LtzS:
  case Op::EqzS:
  case Op::BitS: {
    countCompare(op, n, c);
    const uint64_t ands = op == Op::EqzS ? kEqzAnds : kLeafAnds + kLtzAnds;
    c.bytesPerParty = (W * (64 + ands + 1) + 2 * n) * kWord;
    break;
  }
  case Op::ShuffleS: // in each of its 2 turns a party sends its permuted half
    c.bytesPerParty = 2 * n * kWord;
    break;
    // clang-format off
#include "vm/bytecode/noninteractive_cases.inc"
    // clang-format on
    break;
  }
  return c;
}

// shamir with N parties, threshold t, GR(2^64, d): party 0 is the busiest
// but in products (it deals and it is in every reconstructing set). A
// product opens p - r from 2t+1 parties to N-t parties in N chunks
// (bc::shamirReduceWords; the busiest is party t-1, which the t largest
// chunks skip: it sends to all N-t recipients there, to N-t-1 elsewhere),
// an AND opens it to all (one word to each of N-1 peers); an opening sends
// one word per element from each of parties 0..t to each recipient; a
// dealing sends d words per element to the N-1-t parties whose shares are
// not drawn from a shared stream. Comparisons: parties 0..t deal the bits of
// their numbers, then the AND levels; daBits, double sharings and random
// bits come from the background and are not counted.
OpCost shamirCost(Op op, const OpShape &s, uint32_t parties) {
  OpCost c;
  c.rounds = shamirRounds(op, parties);
  const uint64_t N = parties, t = shamirThreshold(parties), d = shamirDegree(parties);
  const uint64_t peers = N - 1, dealt = N - 1 - t;
  const uint64_t n = s.len, W = (n + 63) / 64;
  switch (op) {
  case Op::MulSS:
    c.bytesPerParty = shamirReduceWordsMax(n, parties, uint32_t(t)) * kWord;
    break;
  case Op::Open:
    c.bytesPerParty = n * kWord * peers;
    break;
  case Op::TruncS:
    c.truncations = n;
    c.bytesPerParty = n * kWord * peers;
    break;
  case Op::MatMulSS:
    c.bytesPerParty = shamirReduceWordsMax(uint64_t(s.m) * s.n, parties, uint32_t(t)) * kWord;
    break;
  case Op::OutputS: {
    uint64_t to = !s.recipients.empty() ? s.recipients.size() : N;
    if (to > peers) to = peers;
    c.bytesPerParty = n * kWord * to;
    break;
  }
  case Op::Input:
    c.bytesPerParty = d * n * kWord * dealt;
    break;
  case Op::ShuffleS: {
    // A party is in C(N-1, t) of the sets; in each turn it deals its
    // permuted part (d words per element to the N-1-t parties that do not
    // draw their share from a stream).
    if (c.rounds == 0) {
      c.unsupported = true;
      break;
    }
    uint64_t turns = 1; // C(N-1, t)
    for (uint64_t i = 1; i <= t; ++i)
      turns = turns * (N - 1 - t + i) / i;
    c.bytesPerParty = turns * d * n * kWord * dealt;
    break;
  }
  case Op::LtzS:
  case Op::EqzS:
  case Op::BitS: {
    countCompare(op, n, c);
    const uint64_t csaAnds = kCsaAnds * csaTree(uint32_t(t + 1)).adders;
    const uint64_t ands = op == Op::EqzS ? kEqzAnds : kLeafAnds + kLtzAnds;
    c.bytesPerParty = W * (64 * d * dealt + peers * (csaAnds + ands + 1)) * kWord;
    break;
  }
  // clang-format off
#include "vm/bytecode/noninteractive_cases.inc"
  // clang-format on
  break;
  }
  return c;
}

} // namespace

uint64_t opBytesSent(Op op, const OpShape &s, uint32_t parties, uint32_t party,
                     ProtocolId protocol) {
  if (op == Op::Input) return party == s.owner ? opCost(op, s, parties, protocol).bytesPerParty : 0;
  const bool semi2kPriced = protocol == ProtocolId::Semi2k || protocol == ProtocolId::Clear;
  if (op == Op::OutputS && semi2kPriced) { // its share to every recipient but itself
    uint64_t to = 0;
    if (s.recipients.empty())
      to = parties > 0 ? parties - 1 : 0;
    else
      for (uint32_t r : s.recipients)
        to += r != party && r < parties;
    return s.len * kWord * to;
  }
  return opCost(op, s, parties, protocol).bytesPerParty;
}

MaterialCounts opMaterial(Op op, const OpShape &s, uint32_t parties) {
  MaterialCounts m;
  const uint64_t words = (s.len + 63) / 64;
  switch (op) {
  case Op::MulSS:
    m[Material::Triple] = s.len;
    break;
  case Op::MatMulSS:
    m[Material::MatTriple] = uint64_t(s.m) * s.k + uint64_t(s.k) * s.n + uint64_t(s.m) * s.n;
    break;
  case Op::TruncS:
  case Op::BitS: // r and msb(r) of truncation material (for a shift of 1)
    m[Material::Trunc] = s.len;
    break;
  case Op::LtzS:
  case Op::EqzS: // mask r with its bits, the AND tree, one daBit per result
    m[Material::EdaBit] = s.len;
    m[Material::DaBit] = s.len;
    m[Material::BoolTriple] = words * (op == Op::LtzS ? kLtzAnds : kEqzAnds);
    break;
  case Op::ShuffleS: // one turn per party
    m[Material::Shuffle] = parties;
    break;
  case Op::Open: // no material
  case Op::Input:
  case Op::OutputS:
    // clang-format off
#include "vm/bytecode/noninteractive_cases.inc"
    // clang-format on
    break;
  }
  return m;
}

uint32_t opRounds(Op op, uint32_t parties, ProtocolId protocol) {
  switch (protocol) {
  case ProtocolId::Rep3:
    return rep3Rounds(op);
  case ProtocolId::Shamir:
    return shamirRounds(op, parties);
  case ProtocolId::Clear:
  case ProtocolId::Semi2k:
    break;
  }
  return semi2kRounds(op, parties);
}

OpCost opCost(Op op, const OpShape &s, uint32_t parties, ProtocolId protocol) {
  switch (protocol) {
  case ProtocolId::Rep3:
    return rep3Cost(op, s);
  case ProtocolId::Shamir:
    return shamirCost(op, s, parties);
  case ProtocolId::Clear:
  case ProtocolId::Semi2k:
    break;
  }
  return semi2kCost(op, s, parties);
}

} // namespace smpc::bc
