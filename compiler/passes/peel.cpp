//===- peel.cpp - peel a loop's first iteration to overlap it with other work ===//
//
// A loop is a barrier for round scheduling: interactive work in the same
// block that neither feeds the loop nor reads its results still takes rounds
// of its own before or after it. Peeling the first iteration of such a loop
// (constant bounds, at least two iterations, a body that communicates) puts
// one copy of the body in the block, where the scheduler can share its
// rounds with that independent work. Runs once, at the top level of main,
// just before scheduling, so code grows by at most one body per loop.
//===----------------------------------------------------------------------===//
#include "compiler/ir/clone.h"
#include "compiler/passes/passes.h"

#include <unordered_map>
#include <unordered_set>

namespace smpc::passes {

using namespace ir;

namespace {

// Bounds that keep the pass linear in the program size.
constexpr size_t kMaxLoops = 64; // loops examined per function
constexpr size_t kWindow = 256;  // instructions searched on each side of a loop

class Peeler {
public:
  explicit Peeler(Function &f) : f(f) {}

  bool run() {
    for (const auto &in : f.body.insts)
      if (in->kind == IrOp::Const && in->constData.size() == 1)
        constOf[in->results[0]] = int64_t(in->constData[0]);
    for (size_t k = 0; k < f.body.insts.size(); ++k)
      for (ValueId r : f.body.insts[k]->results)
        defAt[r] = k;
    std::vector<bool> chosen(f.body.insts.size());
    size_t examined = 0;
    for (size_t i = 0; i < f.body.insts.size() && examined < kMaxLoops; ++i)
      if (f.body.insts[i]->kind == IrOp::For) {
        ++examined;
        chosen[i] = worthPeeling(i);
      }
    std::vector<std::unique_ptr<Inst>> out;
    out.reserve(f.body.insts.size());
    for (size_t i = 0; i < f.body.insts.size(); ++i) {
      if (chosen[i])
        peel(std::move(f.body.insts[i]), out);
      else
        out.push_back(std::move(f.body.insts[i]));
    }
    f.body.insts = std::move(out);
    return changed;
  }

private:
  Function &f;
  std::unordered_map<ValueId, int64_t> constOf;
  std::unordered_map<ValueId, size_t> defAt; // index in the body of each result
  bool changed = false;

  static bool communicates(const Block &b) {
    for (const auto &in : b.insts) {
      if (in->kind == IrOp::Bc && bc::isInteractive(in->op)) return true;
      for (const Block &r : in->regions)
        if (communicates(r)) return true;
    }
    return false;
  }

  static void uses(const Inst &in, std::vector<ValueId> &out) {
    out.insert(out.end(), in.operands.begin(), in.operands.end());
    for (const Block &r : in.regions)
      for (const auto &c : r.insts)
        uses(*c, out);
  }

  // Is there interactive work in the block independent of loop i?
  bool worthPeeling(size_t i) {
    const Block &b = f.body;
    const Inst &loop = *b.insts[i];
    if (loop.kind != IrOp::For) return false;
    auto lo = constOf.find(loop.operands[0]), hi = constOf.find(loop.operands[1]);
    if (lo == constOf.end() || hi == constOf.end() || hi->second - lo->second < 2 ||
        !communicates(loop.regions[0]))
      return false;
    // Values the loop needs, transitively through this block.
    std::vector<bool> feeds(b.insts.size(), false);
    std::vector<ValueId> work;
    uses(loop, work);
    while (!work.empty()) {
      ValueId v = work.back();
      work.pop_back();
      auto it = defAt.find(v);
      if (it == defAt.end() || feeds[it->second]) continue;
      feeds[it->second] = true;
      uses(*b.insts[it->second], work);
    }
    // Values that read the loop's results, transitively.
    std::unordered_set<ValueId> tainted(loop.results.begin(), loop.results.end());
    std::vector<ValueId> u;
    for (size_t k = i + 1; k < b.insts.size() && k <= i + kWindow; ++k) {
      const Inst &x = *b.insts[k];
      u.clear();
      uses(x, u);
      bool dep = false;
      for (ValueId v : u)
        dep |= tainted.count(v) != 0;
      if (dep) {
        tainted.insert(x.results.begin(), x.results.end());
        continue;
      }
      if (x.kind == IrOp::Bc && bc::isInteractive(x.op) && x.op != bc::Op::OutputS) return true;
    }
    for (size_t k = i > kWindow ? i - kWindow : 0; k < i; ++k) {
      const Inst &x = *b.insts[k];
      if (!feeds[k] && x.kind == IrOp::Bc && bc::isInteractive(x.op) && x.op != bc::Op::Input)
        return true;
    }
    return false;
  }

  void peel(std::unique_ptr<Inst> loop, std::vector<std::unique_ptr<Inst>> &out) {
    changed = true;
    const Block &body = loop->regions[0];
    std::unordered_map<ValueId, ValueId> map;
    map[body.args[0]] = loop->operands[0]; // the first iteration's counter is `lo`
    for (size_t k = 1; k < body.args.size(); ++k)
      map[body.args[k]] = loop->operands[1 + k];
    for (size_t k = 0; k + 1 < body.insts.size(); ++k)
      out.push_back(cloneInst(f, *body.insts[k], map));
    // The loop continues from lo + 1 with the values the first iteration yields.
    auto next = std::make_unique<Inst>();
    next->kind = IrOp::Const;
    next->constData = {uint64_t(constOf[loop->operands[0]] + 1)};
    next->results = {f.newValue(Type{Vis::Public, bc::ElemType::Int, 0, 1, 1})};
    next->loc = loop->loc;
    loop->operands[0] = next->results[0];
    const auto &yields = body.insts.back()->operands;
    for (size_t k = 0; k < yields.size(); ++k) {
      auto it = map.find(yields[k]);
      loop->operands[2 + k] = it == map.end() ? yields[k] : it->second;
    }
    out.push_back(std::move(next));
    out.push_back(std::move(loop));
  }
};

} // namespace

bool runPeel(Module &m) {
  bool changed = false;
  for (Function &f : m.functions)
    changed |= Peeler(f).run();
  return changed;
}

} // namespace smpc::passes
