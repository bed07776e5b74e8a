//===- builder.h - appends IR instructions to the current block -----------===//
#pragma once

#include "compiler/ir/ir.h"

#include <vector>

namespace smpc::lower {

/// Insertion point and source position for new instructions.
class Builder {
public:
  ir::Function *fn = nullptr;
  ir::Block *block = nullptr;
  bc::SourceLoc loc;

  ir::Inst &add(ir::IrOp kind);
  /// A bytecode operation with one result of type `res`.
  ir::ValueId op(bc::Op op, const ir::Type &res, std::vector<ir::ValueId> operands,
                 std::vector<int64_t> imms = {});
  /// A public constant vector of type `t` (t.vis must be Public).
  ir::ValueId constant(const ir::Type &t, std::vector<uint64_t> data);
  /// Ends the current block with Yield/Return/Condition.
  void terminator(ir::IrOp kind, std::vector<ir::ValueId> operands);
};

} // namespace smpc::lower
