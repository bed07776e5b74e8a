//===- dce.cpp - aggressive dead code elimination -------------------------===//
//
// Marks what is needed, starting from instructions with side effects, and
// deletes the rest: unused pure instructions, loop-carried values nobody
// reads (also when they only feed themselves across iterations), unused
// `if` results, and loops left with nothing to do.
//===----------------------------------------------------------------------===//
#include "compiler/passes/passes.h"

#include <llvm/ADT/DenseMap.h>

namespace smpc::passes {

using namespace ir;

namespace {

class Dce {
public:
  explicit Dce(Function &f) : f(f), def(f.values.size()), live(f.values.size(), false) {}

  bool run() {
    collect(f.body, nullptr);
    for (Inst *r : roots)
      markInst(r);
    while (!work.empty()) {
      ValueId v = work.back();
      work.pop_back();
      valueNeeded(v);
    }
    sweep(f.body);
    return changed;
  }

private:
  // Where a value is defined: result `idx` of `inst`, or argument `idx` of
  // region `region` of `inst` (inst == nullptr: a function parameter).
  struct Def {
    Inst *inst = nullptr;
    bool isArg = false;
    uint32_t region = 0, idx = 0;
  };

  struct InstState {
    Inst *parent = nullptr;
    bool live = false;
    std::vector<bool> slots; // For: carried slot needed
  };

  Function &f;
  std::vector<Def> def;
  std::vector<bool> live;
  llvm::DenseMap<const Inst *, uint32_t> index; // into states
  std::vector<InstState> states;
  InstState &state(const Inst *in) { return states[index.find(in)->second]; }
  std::vector<Inst *> roots;
  std::vector<ValueId> work;
  bool changed = false;

  void collect(Block &b, Inst *parent) {
    for (auto &p : b.insts) {
      Inst *in = p.get();
      index[in] = uint32_t(states.size());
      InstState &s = states.emplace_back();
      s.parent = parent;
      if (in->kind == IrOp::For) s.slots.assign(in->results.size(), false);
      for (uint32_t i = 0; i < in->results.size(); ++i)
        def[in->results[i]] = {in, false, 0, i};
      for (uint32_t r = 0; r < in->regions.size(); ++r) {
        for (uint32_t i = 0; i < in->regions[r].args.size(); ++i)
          def[in->regions[r].args[i]] = {in, true, r, i};
        collect(in->regions[r], in);
      }
      if (hasSideEffect(*in)) roots.push_back(in);
    }
  }

  void markValue(ValueId v) {
    if (!live[v]) {
      live[v] = true;
      work.push_back(v);
    }
  }

  static const Inst &term(const Block &b) { return *b.insts.back(); }

  void markInst(Inst *in) {
    while (in) {
      InstState &s = state(in);
      if (s.live) return;
      s.live = true;
      switch (in->kind) {
      case IrOp::For:
        markValue(in->operands[0]);
        markValue(in->operands[1]);
        break;
      case IrOp::If:
        markValue(in->operands[0]);
        break;
      case IrOp::While:
        // Kept whole: its carried values decide when it stops.
        for (ValueId v : in->operands)
          markValue(v);
        for (ValueId v : term(in->regions[0]).operands)
          markValue(v);
        for (ValueId v : term(in->regions[1]).operands)
          markValue(v);
        break;
      default:
        for (ValueId v : in->operands)
          markValue(v);
        break;
      }
      in = s.parent; // code inside a region needs the region to run
    }
  }

  void markSlot(Inst *loop, uint32_t i) {
    InstState &s = state(loop);
    if (s.slots[i]) return;
    s.slots[i] = true;
    markInst(loop);
    markValue(loop->operands[2 + i]);
    markValue(term(loop->regions[0]).operands[i]);
  }

  void valueNeeded(ValueId v) {
    const Def &d = def[v];
    if (!d.inst) return; // function parameter
    Inst *in = d.inst;
    switch (in->kind) {
    case IrOp::For:
      if (!d.isArg)
        markSlot(in, d.idx);
      else if (d.idx == 0)
        markInst(in); // the induction variable
      else
        markSlot(in, d.idx - 1);
      return;
    case IrOp::If:
      markInst(in);
      markValue(term(in->regions[0]).operands[d.idx]);
      markValue(term(in->regions[1]).operands[d.idx]);
      return;
    default:
      markInst(in);
      return;
    }
  }

  void sweep(Block &b) {
    std::vector<std::unique_ptr<Inst>> out;
    out.reserve(b.insts.size());
    for (auto &p : b.insts) {
      Inst *in = p.get();
      bool isTerm =
          in->kind == IrOp::Yield || in->kind == IrOp::Condition || in->kind == IrOp::Return;
      if (!isTerm && !state(in).live) {
        changed = true;
        continue;
      }
      if (in->kind == IrOp::For) dropForSlots(*in);
      if (in->kind == IrOp::If) dropIfResults(*in);
      for (Block &r : in->regions)
        sweep(r);
      out.push_back(std::move(p));
    }
    b.insts = std::move(out);
  }

  void dropForSlots(Inst &in) {
    const std::vector<bool> &slots = state(&in).slots;
    auto &yield = in.regions[0].insts.back()->operands;
    for (size_t i = slots.size(); i-- > 0;) {
      if (slots[i]) continue;
      in.operands.erase(in.operands.begin() + 2 + i);
      in.regions[0].args.erase(in.regions[0].args.begin() + 1 + i);
      yield.erase(yield.begin() + i);
      in.results.erase(in.results.begin() + i);
      changed = true;
    }
  }

  void dropIfResults(Inst &in) {
    for (size_t i = in.results.size(); i-- > 0;) {
      if (live[in.results[i]]) continue;
      for (Block &r : in.regions) {
        auto &y = r.insts.back()->operands;
        y.erase(y.begin() + i);
      }
      in.results.erase(in.results.begin() + i);
      changed = true;
    }
  }
};

} // namespace

bool runDce(Module &m) {
  bool changed = false;
  for (Function &f : m.functions)
    changed |= Dce(f).run();
  return changed;
}

} // namespace smpc::passes
