//===- builder.cpp - helpers to append IR instructions to a block ---------===//
#include "compiler/ir/builder.h"

namespace smpc::ir {

Type scalarType(Vis vis, bc::ElemType elem) {
  return Type{vis, elem, 0, 1, 1};
}
Type vectorType(Vis vis, bc::ElemType elem, uint32_t n) {
  return Type{vis, elem, 1, n, 1};
}
Type matrixType(Vis vis, bc::ElemType elem, uint32_t rows, uint32_t cols) {
  return Type{vis, elem, 2, rows, cols};
}

Inst &Builder::append(IrOp kind) {
  block_->insts.push_back(std::make_unique<Inst>());
  Inst &in = *block_->insts.back();
  in.kind = kind;
  in.loc = loc_;
  return in;
}

ValueId Builder::constant(Type t, std::vector<uint64_t> data) {
  Inst &in = append(IrOp::Const);
  in.constData = std::move(data);
  in.results.push_back(fn_->newValue(t));
  return in.results[0];
}

ValueId Builder::intConst(int64_t v) {
  return constant(scalarType(Vis::Public, bc::ElemType::Int), {static_cast<uint64_t>(v)});
}

ValueId Builder::op(bc::Op op, Type result, std::vector<ValueId> operands,
                    std::vector<int64_t> imms) {
  Inst &in = append(IrOp::Bc);
  in.op = op;
  in.operands = std::move(operands);
  in.imms = std::move(imms);
  in.results.push_back(fn_->newValue(result));
  return in.results[0];
}

Inst &Builder::opNoResult(bc::Op op, std::vector<ValueId> operands, std::vector<int64_t> imms) {
  Inst &in = append(IrOp::Bc);
  in.op = op;
  in.operands = std::move(operands);
  in.imms = std::move(imms);
  return in;
}

Inst &Builder::forLoop(ValueId lo, ValueId hi, std::vector<ValueId> inits) {
  Inst &in = append(IrOp::For);
  in.operands = {lo, hi};
  in.regions.resize(1);
  Block &body = in.regions[0];
  body.args.push_back(fn_->newValue(scalarType(Vis::Public, bc::ElemType::Int)));
  for (ValueId v : inits) {
    in.operands.push_back(v);
    Type t = fn_->type(v);
    body.args.push_back(fn_->newValue(t));
    in.results.push_back(fn_->newValue(t));
  }
  return in;
}

Inst &Builder::ifOp(ValueId cond, const std::vector<Type> &resultTypes) {
  Inst &in = append(IrOp::If);
  in.operands = {cond};
  in.regions.resize(2);
  for (const Type &t : resultTypes)
    in.results.push_back(fn_->newValue(t));
  return in;
}

Inst &Builder::whileOp(std::vector<ValueId> inits, const std::vector<Type> &carriedTypes) {
  Inst &in = append(IrOp::While);
  in.regions.resize(2);
  for (ValueId v : inits)
    in.regions[0].args.push_back(fn_->newValue(fn_->type(v)));
  in.operands = std::move(inits);
  for (const Type &t : carriedTypes) {
    in.regions[1].args.push_back(fn_->newValue(t));
    in.results.push_back(fn_->newValue(t));
  }
  return in;
}

ValueId Builder::call(uint32_t callee, const Module &m, std::vector<ValueId> args) {
  Inst &in = append(IrOp::Call);
  in.callee = callee;
  in.operands = std::move(args);
  for (const Type &t : m.functions[callee].resultTypes)
    in.results.push_back(fn_->newValue(t));
  return in.results.empty() ? kNoValue : in.results[0];
}

void Builder::yield(std::vector<ValueId> values) {
  append(IrOp::Yield).operands = std::move(values);
}

void Builder::condition(ValueId cond, std::vector<ValueId> values) {
  Inst &in = append(IrOp::Condition);
  in.operands.push_back(cond);
  in.operands.insert(in.operands.end(), values.begin(), values.end());
}

void Builder::ret(std::vector<ValueId> values) {
  append(IrOp::Return).operands = std::move(values);
}

} // namespace smpc::ir
