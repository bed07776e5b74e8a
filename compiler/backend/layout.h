//===- layout.h - facts about block layout shared by allocation, emission -===//
//
// Register allocation, emission and the cost estimate must agree on which
// instructions form a round group and which constants are hoisted, so both
// are computed here once.
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/ir.h"

#include <vector>

namespace smpc::backend {

/// For each instruction of `b`: the length of the round group that starts at
/// it (maximal run of consecutive interactive bytecode operations none of
/// which reads a result of an earlier one in the run), 0 when it is not the
/// first of a run. Local instructions and regions get 0.
std::vector<uint32_t> roundRuns(const ir::Function &f, const ir::Block &b);

/// Constants anywhere inside the regions of `loop` (recursively): they are
/// loaded once, before the outermost loop, instead of on every iteration.
void hoistableConsts(const ir::Inst &loop, std::vector<const ir::Inst *> &out);

} // namespace smpc::backend
