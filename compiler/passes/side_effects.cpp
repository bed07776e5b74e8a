//===- side_effects.cpp - which instructions must never be deleted --------===//
#include "compiler/passes/passes.h"

namespace smpc::passes {

// Inputs and outputs are observable (the owner provides the data whether or
// not it is used); instructions that may trap stop the program on bad
// operands. Both are properties in opcodes.def.
bool hasSideEffect(const ir::Inst &in) {
  if (in.kind == ir::IrOp::Return) return true;
  if (in.kind != ir::IrOp::Bc) return false;
  return bc::hasEffect(in.op) || bc::mayTrap(in.op);
}

} // namespace smpc::passes
