//===- clone.cpp - deep copies of IR instructions -------------------------===//
#include "compiler/ir/clone.h"

namespace smpc::ir {

namespace {
ValueId fresh(Function &f, ValueId old, std::unordered_map<ValueId, ValueId> &map) {
  // Copy the ValueInfo first: newValue may reallocate f.values.
  ValueInfo info = f.values[old];
  return map[old] = f.newValue(info.type, std::move(info.name));
}
} // namespace

Block cloneBlock(Function &f, const Block &src, std::unordered_map<ValueId, ValueId> &map) {
  Block nb;
  for (ValueId a : src.args)
    nb.args.push_back(fresh(f, a, map));
  for (const auto &in : src.insts)
    nb.insts.push_back(cloneInst(f, *in, map));
  return nb;
}

std::unique_ptr<Inst> cloneInst(Function &f, const Inst &src,
                                std::unordered_map<ValueId, ValueId> &map) {
  auto c = std::make_unique<Inst>();
  c->kind = src.kind;
  c->op = src.op;
  c->imms = src.imms;
  c->constData = src.constData;
  c->callee = src.callee;
  c->loc = src.loc;
  for (ValueId v : src.operands) {
    auto it = map.find(v);
    c->operands.push_back(it == map.end() ? v : it->second);
  }
  for (const Block &r : src.regions)
    c->regions.push_back(cloneBlock(f, r, map));
  for (ValueId r : src.results)
    c->results.push_back(fresh(f, r, map));
  return c;
}

} // namespace smpc::ir
