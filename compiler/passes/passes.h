//===- passes.h - entry points of the IR passes ----------------------------===//
//
// One function per pass, generated from passes.def. Each transforms the
// module in place and returns whether it changed anything.
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/ir.h"

#include <vector>

namespace smpc::passes {

#define SMPC_PASS(Id, Name, AtO0, Late) bool run##Id(ir::Module &m);
#include "compiler/passes/passes.def"

/// Replacement table for values: passes that delete an instruction record
/// which value now stands for its result, and rewrite operands as they walk
/// (in program order, every use comes after its definition).
class ValueMap {
public:
  void set(ir::ValueId from, ir::ValueId to) {
    if (from >= map.size()) map.resize(from + 1, ir::kNoValue);
    map[from] = to;
  }
  ir::ValueId get(ir::ValueId v) const {
    while (v < map.size() && map[v] != ir::kNoValue)
      v = map[v];
    return v;
  }
  void rewrite(std::vector<ir::ValueId> &vs) const {
    for (ir::ValueId &v : vs)
      v = get(v);
  }

private:
  std::vector<ir::ValueId> map;
};

/// True for bytecode operations with an effect beyond their result: I/O and
/// operations that can stop the program with a run-time error.
bool hasSideEffect(const ir::Inst &in);

} // namespace smpc::passes
