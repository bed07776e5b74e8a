//===- builder.h - helpers to append IR instructions to a block -----------===//
//
// Used by the lowering, by passes that create instructions and by the unit
// tests that build IR by hand.
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/ir.h"

#include <vector>

namespace smpc::ir {

Type scalarType(Vis vis, bc::ElemType elem);
Type vectorType(Vis vis, bc::ElemType elem, uint32_t n);
Type matrixType(Vis vis, bc::ElemType elem, uint32_t rows, uint32_t cols);

/// The one way to create IR instructions: the lowering, passes and the unit
/// tests that build IR by hand all append through a Builder. It appends to
/// one block of one function at a time, giving each instruction the current
/// source position; it is a cheap value (save and restore it freely).
class Builder {
public:
  Builder() = default;
  Builder(Function &f, Block &b) : fn_(&f), block_(&b) {}

  void setInsertionPoint(Function &f, Block &b) {
    fn_ = &f;
    block_ = &b;
  }
  void setBlock(Block &b) { block_ = &b; }
  void setLoc(bc::SourceLoc l) { loc_ = l; }
  Function *function() const { return fn_; } // null until an insertion point is set
  Block *block() const { return block_; }

  /// An instruction of `kind` with no operands yet.
  Inst &append(IrOp kind);
  /// A public constant of type `t` (data.size() == t.len()).
  ValueId constant(Type t, std::vector<uint64_t> data);
  /// A public Int scalar constant.
  ValueId intConst(int64_t v);
  /// A bytecode operation with one result of type `result`.
  ValueId op(bc::Op op, Type result, std::vector<ValueId> operands, std::vector<int64_t> imms = {});
  /// A bytecode operation without a result (outputs).
  Inst &opNoResult(bc::Op op, std::vector<ValueId> operands, std::vector<int64_t> imms);
  /// for iv = lo to hi iter(inits): creates the body's arguments and the
  /// results; the caller fills regions[0] and ends it with yield().
  Inst &forLoop(ValueId lo, ValueId hi, std::vector<ValueId> inits);
  /// if cond: creates results of the given types and two empty regions.
  Inst &ifOp(ValueId cond, const std::vector<Type> &resultTypes);
  /// while: creates before-arguments like `inits`, after-arguments and
  /// results of `carriedTypes`.
  Inst &whileOp(std::vector<ValueId> inits, const std::vector<Type> &carriedTypes);
  ValueId call(uint32_t callee, const Module &m, std::vector<ValueId> args);
  void yield(std::vector<ValueId> values);
  void condition(ValueId cond, std::vector<ValueId> values);
  void ret(std::vector<ValueId> values);

private:
  Function *fn_ = nullptr;
  Block *block_ = nullptr;
  bc::SourceLoc loc_;
};

} // namespace smpc::ir
