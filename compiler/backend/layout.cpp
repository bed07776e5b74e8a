//===- layout.cpp - round groups and hoisted constants --------------------===//
#include "compiler/backend/layout.h"

#include <unordered_set>

namespace smpc::backend {

using namespace ir;

std::vector<uint32_t> roundRuns(const Function &f, const Block &b) {
  std::vector<uint32_t> runLen(b.insts.size(), 0);
  std::unordered_set<ValueId> written; // results of the current run
  size_t start = 0;
  bool open = false;
  for (size_t i = 0; i < b.insts.size(); ++i) {
    const Inst &in = *b.insts[i];
    if (in.kind != IrOp::Bc || !bc::isInteractive(in.op)) {
      open = false;
      continue;
    }
    bool dependent = false;
    if (open)
      for (ValueId v : in.operands)
        dependent |= written.count(v) != 0;
    if (!open || dependent) {
      start = i;
      open = true;
      written.clear();
    }
    written.insert(in.results.begin(), in.results.end());
    runLen[start] = uint32_t(i - start + 1);
  }
  return runLen;
}

void hoistableConsts(const Inst &loop, std::vector<const Inst *> &out) {
  for (const Block &r : loop.regions)
    for (const auto &in : r.insts) {
      if (in->kind == IrOp::Const) out.push_back(in.get());
      hoistableConsts(*in, out);
    }
}

} // namespace smpc::backend
