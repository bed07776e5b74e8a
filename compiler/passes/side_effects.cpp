//===- side_effects.cpp - which instructions must never be deleted --------===//
#include "compiler/passes/passes.h"

namespace smpc::passes {

bool hasSideEffect(const ir::Inst &in) {
  if (in.kind == ir::IrOp::Return) return true;
  if (in.kind != ir::IrOp::Bc) return false;
  switch (in.op) {
  case bc::Op::Input: // the owner provides the data whether or not it is used
  case bc::Op::OutputS:
  case bc::Op::OutputP:
  case bc::Op::DivP: // these stop the program on bad operands
  case bc::Op::ModP:
  case bc::Op::FDivP:
  case bc::Op::SliceDynP:
  case bc::Op::SliceDynS:
  case bc::Op::StoreDynP:
  case bc::Op::StoreDynS:
    return true;
  default:
    return false;
  }
}

} // namespace smpc::passes
