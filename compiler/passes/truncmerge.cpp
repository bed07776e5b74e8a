//===- truncmerge.cpp - one truncation instead of two in a row ------------===//
//
// trunc.s(trunc.s(x, a), b) becomes trunc.s(x, a + b) when the inner
// truncation has no other use and a + b <= 62. Both give floor(x / 2^(a+b))
// under `clear` (floors compose), so results do not change there; under the
// secure protocols it saves a round and a truncation pair and rounds once
// instead of twice. The input range is that of the inner truncation, which
// already had to hold. Typical source: `(x * y) / 4.0`, a product truncated
// by f and then divided by a power of two.
//===----------------------------------------------------------------------===//
#include "compiler/passes/passes.h"

#include <llvm/ADT/DenseMap.h>

namespace smpc::passes {

using namespace ir;

namespace {

constexpr int64_t kMaxShift = 62;

bool isTrunc(const Inst &in) {
  return in.kind == IrOp::Bc && in.op == bc::Op::TruncS;
}

class TruncMerge {
public:
  explicit TruncMerge(Function &f) : f(f) {}

  bool run() {
    countUses(f.body);
    merge(f.body);
    return changed;
  }

private:
  struct Def {
    ValueId src;
    int64_t shift;
  };
  Function &f;
  llvm::DenseMap<ValueId, unsigned> uses;
  llvm::DenseMap<ValueId, Def> truncOf; // result of a trunc.s -> its input
  bool changed = false;

  void countUses(const Block &b) {
    for (const auto &in : b.insts) {
      for (ValueId v : in->operands)
        ++uses[v];
      for (const Block &r : in->regions)
        countUses(r);
    }
  }

  void merge(Block &b) {
    for (auto &in : b.insts) {
      for (Block &r : in->regions)
        merge(r);
      if (!isTrunc(*in)) continue;
      auto it = truncOf.find(in->operands[0]);
      if (it != truncOf.end() && uses.lookup(in->operands[0]) == 1 &&
          it->second.shift + in->imms[0] <= kMaxShift) {
        in->operands[0] = it->second.src;
        in->imms[0] += it->second.shift;
        changed = true;
      }
      truncOf[in->results[0]] = {in->operands[0], in->imms[0]};
    }
  }
};

} // namespace

bool runTruncMerge(Module &m) {
  bool changed = false;
  for (Function &f : m.functions)
    changed |= TruncMerge(f).run();
  return changed;
}

} // namespace smpc::passes
