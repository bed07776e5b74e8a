//===- cost.h - what one interactive instruction costs under semi2k -------===//
//
// Shared by `smpcc cost` (prediction) and the protocol (accounting), so the
// two cannot drift apart. Figures are for the semi2k protocol with N parties.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/opcode.h"
#include "vm/bytecode/program.h"

#include <cstdint>

namespace smpc::bc {

struct OpCost {
  uint32_t rounds = 0;        // communication rounds (0 for local ops)
  uint64_t bytesPerParty = 0; // bytes sent by the busiest party
  uint64_t triples = 0;
  uint64_t matTripleElems = 0;
  uint64_t truncPairs = 0;
  uint64_t ltz = 0;
  uint64_t eqz = 0;
};

/// Shape of one instruction instance, enough to price it.
struct OpShape {
  uint64_t len = 0;             // vector length of the result (elementwise ops)
  uint32_t width = 1;           // ShuffleS: elements per row
  uint32_t m = 0, k = 0, n = 0; // MatMulSS
  uint32_t recipients = 0;      // OutputS: number of recipients (0 = all)
};

OpCost opCost(Op op, const OpShape &shape, uint32_t parties);

/// Rounds an interactive instruction needs with N parties (independent of
/// its length; only a shuffle depends on N: one round per party).
uint32_t opRounds(Op op, uint32_t parties);

} // namespace smpc::bc
