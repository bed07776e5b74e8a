//===- cost.h - what one interactive instruction costs under each protocol ===//
//
// Shared by `smpcc cost` (prediction) and the protocols' tests (accounting),
// so the two cannot drift apart. Figures are for semi2k, rep3 or shamir with
// N parties (docs/protocols.md derives each); `clear` is priced as semi2k,
// the protocol it stands in for.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/material.h"
#include "vm/bytecode/opcode.h"
#include "vm/bytecode/program.h"
#include "vm/bytecode/protocols.h"

#include <cstdint>
#include <span>

namespace smpc::bc {

/// semi2k's comparison circuits (vm/protocols/semi2k/compare_tasks.cpp), per
/// 64 elements bit-sliced into one word: ltz is a 63-leaf (lt, eq) tree of 6
/// levels, 2 ANDs per combine except the root's eq, which is never used
/// (62 + 61 = 123); eqz a 64-leaf AND tree (63).
inline constexpr uint64_t kLtzAndsPerWord = 123;
inline constexpr uint64_t kEqzAndsPerWord = 63;
inline constexpr uint32_t kCompareTreeLevels = 6;

struct OpCost {
  uint32_t rounds = 0;        // communication rounds (0 for local ops)
  uint64_t bytesPerParty = 0; // bytes sent by the busiest party
  /// Dealer or OT material the instruction draws (opMaterial; empty under
  /// rep3 and shamir, which make their own randomness).
  MaterialCounts material;
  /// Elements truncated and compared, under every protocol (the report).
  uint64_t truncations = 0, ltz = 0, eqz = 0;
  bool unsupported = false; // the protocol refuses the instruction at run time
};

/// Shape of one instruction instance, enough to price it.
struct OpShape {
  uint64_t len = 0;                       // vector length of the result (elementwise ops)
  uint32_t width = 1;                     // ShuffleS: elements per row
  uint32_t m = 0, k = 0, n = 0;           // MatMulSS
  uint32_t owner = 0;                     // Input: the party that provides it
  std::span<const uint32_t> recipients{}; // OutputS: the parties that learn it (empty = all)
};

OpCost opCost(Op op, const OpShape &shape, uint32_t parties,
              ProtocolId protocol = ProtocolId::Semi2k);

/// Bytes party `party` (< parties) sends for one instance: an input costs
/// its owner only, and under semi2k an output costs a recipient one message
/// fewer than a party that only sends. The other instructions cost every
/// party the busiest party's figure (OpCost::bytesPerParty, an upper bound
/// for rep3's and shamir's outputs). A program's bytes per party are the
/// largest sum of these over the parties, not the sum of the busiest figures.
uint64_t opBytesSent(Op op, const OpShape &shape, uint32_t parties, uint32_t party,
                     ProtocolId protocol = ProtocolId::Semi2k);

/// Material one instance draws under semi2k with `parties` parties, the one
/// figure the semi2k protocol draws by, the compiler predicts with
/// (PreprocNeeds), and the dealer prefetch and the pools are sized from.
MaterialCounts opMaterial(Op op, const OpShape &shape, uint32_t parties);

/// Rounds an interactive instruction needs with N parties (independent of
/// its length; a semi2k shuffle takes one round per party, shamir
/// comparisons one more per carry-save level for more parties).
uint32_t opRounds(Op op, uint32_t parties, ProtocolId protocol = ProtocolId::Semi2k);

/// shamir's secret shuffle takes one turn, one round, per set of t+1
/// parties (some set is all honest): C(N, t+1) of them, saturating at
/// UINT64_MAX.
constexpr uint64_t shamirShuffleSets(uint32_t parties) {
  const uint64_t k = uint64_t(shamirThreshold(parties)) + 1;
  if (k > parties) return 0;
  uint64_t c = 1;
  for (uint64_t i = 1; i <= k; ++i) { // c = C(parties - k + i, i), exact at each step
    if (c > (uint64_t(1) << 40)) return UINT64_MAX;
    c = c * (parties - k + i) / i;
  }
  return c;
}
/// Beyond this many sets (11 parties: 462) shamir refuses shuffle.s.
inline constexpr uint64_t kMaxShamirShuffleSets = 462;

} // namespace smpc::bc
