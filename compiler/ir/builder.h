//===- builder.h - helpers to append IR instructions to a block -----------===//
//
// Used by the lowering, by passes that create instructions and by the unit
// tests that build IR by hand. A Builder appends to one block at a time.
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/ir.h"

#include <vector>

namespace smpc::ir {

Type scalarType(Vis vis, bc::ElemType elem);
Type vectorType(Vis vis, bc::ElemType elem, uint32_t n);
Type matrixType(Vis vis, bc::ElemType elem, uint32_t rows, uint32_t cols);

class Builder {
public:
  Builder(Function &f, Block &b) : f(f), blk(&b) {}

  void setBlock(Block &b) { blk = &b; }
  Block &block() { return *blk; }
  void setLoc(bc::SourceLoc l) { loc = l; }

  /// A public constant of type `t` (data.size() == t.len()).
  ValueId constant(std::vector<uint64_t> data, Type t);
  /// A public Int scalar constant.
  ValueId intConst(int64_t v);
  /// A bytecode operation with one result of type `result`.
  ValueId op(bc::Op op, std::vector<ValueId> operands, std::vector<int64_t> imms, Type result);
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
  Function &f;
  Block *blk;
  bc::SourceLoc loc;

  Inst &append(IrOp kind);
};

} // namespace smpc::ir
