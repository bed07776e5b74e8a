//===- cse.cpp - common subexpression elimination by value numbering ------===//
//
// Scoped hash table over pure instructions: a value computed in a block is
// reused by later identical instructions in that block and in every region
// nested in it. Interactive operations (mul.ss, trunc.s, ltz.s, open, ...)
// with identical operands compute the same value and are merged too, which
// saves their preprocessing material; inputs and outputs never are.
//===----------------------------------------------------------------------===//
#include "compiler/passes/passes.h"

#include <algorithm>
#include <unordered_map>

namespace smpc::passes {

using namespace ir;

namespace {

struct Key {
  IrOp kind;
  bc::Op op;
  Type type;
  std::vector<ValueId> operands;
  std::vector<int64_t> imms;
  std::vector<uint64_t> data;
  bool operator==(const Key &) const = default;
};

struct KeyHash {
  size_t operator()(const Key &k) const {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&](uint64_t x) { h = (h ^ x) * 1099511628211ull; };
    mix(uint64_t(k.kind));
    mix(uint64_t(k.op));
    mix(k.type.rows);
    mix(k.type.cols);
    mix(uint64_t(k.type.elem) << 8 | uint64_t(k.type.vis));
    for (ValueId v : k.operands)
      mix(v);
    for (int64_t i : k.imms)
      mix(uint64_t(i));
    for (uint64_t d : k.data)
      mix(d);
    return size_t(h);
  }
};

bool commutative(bc::Op op) {
  switch (op) {
  case bc::Op::AddP:
  case bc::Op::MulP:
  case bc::Op::EqP:
  case bc::Op::AddSS:
  case bc::Op::MulSS:
    return true;
  default:
    return false;
  }
}

class Cse {
public:
  explicit Cse(Function &f) : f(f) {}

  bool run() {
    block(f.body);
    return changed;
  }

private:
  Function &f;
  ValueMap repl;
  std::unordered_map<Key, ValueId, KeyHash> table;
  std::vector<const Key *> undo; // keys inserted, popped when a scope ends
  bool changed = false;

  void block(Block &b) {
    size_t mark = undo.size();
    std::vector<std::unique_ptr<Inst>> out;
    out.reserve(b.insts.size());
    for (auto &in : b.insts) {
      repl.rewrite(in->operands);
      for (Block &r : in->regions)
        block(r);
      if (!candidate(*in)) {
        out.push_back(std::move(in));
        continue;
      }
      Key k{in->kind, in->op, f.type(in->results[0]), in->operands, in->imms, in->constData};
      if (in->kind == IrOp::Const) k.op = bc::Op::MovP; // unused for constants; keep keys canonical
      if (commutative(k.op) && in->kind == IrOp::Bc)
        std::sort(k.operands.begin(), k.operands.end());
      auto [it, inserted] = table.try_emplace(std::move(k), in->results[0]);
      if (inserted) {
        undo.push_back(&it->first);
        out.push_back(std::move(in));
      } else {
        repl.set(in->results[0], it->second);
        changed = true;
      }
    }
    b.insts = std::move(out);
    while (undo.size() > mark) {
      Key k = *undo.back(); // erase() must not see a reference into the node it frees
      undo.pop_back();
      table.erase(k);
    }
  }

  static bool candidate(const Inst &in) {
    if (in.kind == IrOp::Const) return true;
    if (in.kind != IrOp::Bc || in.results.size() != 1) return false;
    return in.op != bc::Op::Input; // each input instruction reads its data once
  }
};

} // namespace

bool runCse(Module &m) {
  bool changed = false;
  for (Function &f : m.functions)
    changed |= Cse(f).run();
  return changed;
}

} // namespace smpc::passes
