//===- backend.h - from lowered IR to bytecode --------------------------===//
//
// The front end hands a lowered ir::Module here. Passes are registered once
// in passes.def; -O0 runs only what correctness needs (inlining), -O2 runs
// the full pipeline.
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/ir.h"
#include "vm/bytecode/program.h"
#include "vm/bytecode/protocols.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace smpc::backend {

struct PassOptions {
  int optLevel = 2;
  std::vector<std::string> dumpAfter; // pass names or "all"
  std::ostream *dump = nullptr;
  bool verifyEach = false; // run ir::verify after every pass
};

/// Runs the pass pipeline in place. Returns an error text (empty on success):
/// a failure here is a compiler bug, not a user error.
std::string runPasses(ir::Module &m, const PassOptions &opts);

/// Register allocation and emission. `m` must have been through runPasses.
bc::Program emit(const ir::Module &m);

struct Cost {
  uint64_t rounds = 0;
  uint64_t bytesPerParty = 0;
  bc::PreprocNeeds needs;
  std::string text;
};

/// The number of parties the module's inputs and outputs name (at least 1).
uint32_t minParties(const ir::Module &m);

/// Rounds, material and traffic of the module for `parties` parties under
/// `protocol` (the bytecode header's preprocessing needs are semi2k's).
Cost estimate(const ir::Module &m, uint32_t parties,
              bc::ProtocolId protocol = bc::ProtocolId::Semi2k);

/// Names of the registered passes, in pipeline order.
std::vector<std::string> passNames();

} // namespace smpc::backend
