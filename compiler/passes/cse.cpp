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
#include <llvm/ADT/DenseMap.h>

namespace smpc::passes {

using namespace ir;

namespace {

class Cse {
public:
  explicit Cse(Function &f) : f(f) {}

  bool run() {
    block(f.body);
    return changed;
  }

private:
  // A scoped hash table: entries form a stack, each bucket head points at
  // the newest entry with that hash and entries chain to older ones, so
  // leaving a scope pops its entries and restores the heads.
  struct Entry {
    const Inst *in;
    uint64_t hash;
    uint32_t next;
  };
  static constexpr uint32_t kEnd = ~0u;

  Function &f;
  ValueMap repl;
  llvm::DenseMap<uint64_t, uint32_t> heads;
  std::vector<Entry> entries;
  bool changed = false;

  static void sortedPair(const Inst &in, ValueId &a, ValueId &b) {
    a = in.operands[0];
    b = in.operands[1];
    if (in.kind == IrOp::Bc && bc::isCommutative(in.op) && b < a) std::swap(a, b);
  }

  uint64_t hash(const Inst &in) const {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&](uint64_t x) { h = (h ^ x) * 1099511628211ull; };
    const Type &t = f.type(in.results[0]);
    mix(uint64_t(in.kind) << 16 | uint64_t(in.kind == IrOp::Bc ? unsigned(in.op) : 0));
    mix(uint64_t(t.rows) << 32 | t.cols);
    mix(uint64_t(t.elem) << 8 | uint64_t(t.vis));
    if (in.operands.size() == 2) {
      ValueId a, b;
      sortedPair(in, a, b);
      mix(a);
      mix(b);
    } else {
      for (ValueId v : in.operands)
        mix(v);
    }
    for (int64_t i : in.imms)
      mix(uint64_t(i));
    for (uint64_t d : in.constData)
      mix(d);
    h ^= h >> 33; // final avalanche (murmur3 fmix64)
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h >= ~0ull - 1 ? h - 2 : h; // DenseMap reserves the two largest keys
  }

  bool same(const Inst &a, const Inst &b) const {
    if (a.kind != b.kind || (a.kind == IrOp::Bc && a.op != b.op) || a.imms != b.imms ||
        a.constData != b.constData || !(f.type(a.results[0]) == f.type(b.results[0])) ||
        a.operands.size() != b.operands.size())
      return false;
    if (a.operands.size() == 2) {
      ValueId a0, a1, b0, b1;
      sortedPair(a, a0, a1);
      sortedPair(b, b0, b1);
      return a0 == b0 && a1 == b1;
    }
    return a.operands == b.operands;
  }

  void block(Block &b) {
    size_t mark = entries.size();
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
      uint64_t h = hash(*in);
      auto [it, fresh] = heads.try_emplace(h, kEnd);
      const Inst *found = nullptr;
      for (uint32_t e = it->second; e != kEnd && !found; e = entries[e].next)
        if (same(*entries[e].in, *in)) found = entries[e].in;
      if (found) {
        repl.set(in->results[0], found->results[0]);
        changed = true;
        continue;
      }
      entries.push_back({in.get(), h, it->second});
      it->second = uint32_t(entries.size() - 1);
      out.push_back(std::move(in));
    }
    b.insts = std::move(out);
    while (entries.size() > mark) {
      const Entry &e = entries.back();
      heads[e.hash] = e.next;
      entries.pop_back();
    }
  }

  static bool candidate(const Inst &in) {
    if (in.kind == IrOp::Const) return true;
    if (in.kind != IrOp::Bc || in.results.size() != 1) return false;
    return !bc::hasEffect(in.op); // e.g. each input instruction reads its data once
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
