//===- builder.cpp - appends IR instructions to the current block ---------===//
#include "compiler/lower/builder.h"

namespace smpc::lower {

ir::Inst &Builder::add(ir::IrOp kind) {
  auto inst = std::make_unique<ir::Inst>();
  inst->kind = kind;
  inst->loc = loc;
  block->insts.push_back(std::move(inst));
  return *block->insts.back();
}

ir::ValueId Builder::op(bc::Op o, const ir::Type &res, std::vector<ir::ValueId> operands,
                        std::vector<int64_t> imms) {
  ir::Inst &i = add(ir::IrOp::Bc);
  i.op = o;
  i.operands = std::move(operands);
  i.imms = std::move(imms);
  ir::ValueId r = fn->newValue(res);
  i.results.push_back(r);
  return r;
}

ir::ValueId Builder::constant(const ir::Type &t, std::vector<uint64_t> data) {
  ir::Inst &i = add(ir::IrOp::Const);
  i.constData = std::move(data);
  ir::ValueId r = fn->newValue(t);
  i.results.push_back(r);
  return r;
}

void Builder::terminator(ir::IrOp kind, std::vector<ir::ValueId> operands) {
  add(kind).operands = std::move(operands);
}

} // namespace smpc::lower
