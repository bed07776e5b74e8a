//===- licm.cpp - loop-invariant code motion -------------------------------===//
//
// An instruction in a loop body whose operands are all defined outside the
// loop computes the same value on every iteration: it moves in front of the
// loop. Local pure operations always move; interactive ones (a product of two
// values fixed outside the loop) only out of `for` loops whose constant trip
// count is at least one, so a loop that never runs costs nothing. Inner loops
// are processed first, so invariants climb out of whole loop nests.
//===----------------------------------------------------------------------===//
#include "compiler/passes/passes.h"

namespace smpc::passes {

using namespace ir;

namespace {

class Licm {
public:
  explicit Licm(Function &f) : f(f), depthOf(f.values.size(), 0) {}

  bool run() {
    collectConsts(f.body);
    block(f.body, 0);
    return changed;
  }

private:
  Function &f;
  std::vector<uint32_t> depthOf; // loop depth at which each value is defined
  std::vector<const Inst *> constOf;
  bool changed = false;

  void collectConsts(const Block &b) {
    for (const auto &in : b.insts) {
      if (in->kind == IrOp::Const) {
        if (in->results[0] >= constOf.size()) constOf.resize(in->results[0] + 1, nullptr);
        constOf[in->results[0]] = in.get();
      }
      for (const Block &r : in->regions)
        collectConsts(r);
    }
  }

  const Inst *cst(ValueId v) const { return v < constOf.size() ? constOf[v] : nullptr; }

  bool runsAtLeastOnce(const Inst &loop) const {
    if (loop.kind != IrOp::For) return false;
    const Inst *lo = cst(loop.operands[0]), *hi = cst(loop.operands[1]);
    return lo && hi && int64_t(lo->constData[0]) < int64_t(hi->constData[0]);
  }

  void define(const std::vector<ValueId> &vs, uint32_t depth) {
    for (ValueId v : vs)
      depthOf[v] = depth;
  }

  // Processes `b` at loop depth `depth`; returns nothing, rewrites in place.
  void block(Block &b, uint32_t depth) {
    define(b.args, depth);
    std::vector<std::unique_ptr<Inst>> out;
    out.reserve(b.insts.size());
    for (auto &in : b.insts) {
      bool isLoop = in->kind == IrOp::For || in->kind == IrOp::While;
      if (!isLoop) {
        for (Block &r : in->regions)
          block(r, depth);
        define(in->results, depth);
        out.push_back(std::move(in));
        continue;
      }
      for (Block &r : in->regions)
        block(r, depth + 1);
      // Hoist from the loop's first region (a For body, or a While's
      // condition region, which runs at least once).
      bool interactiveOk = runsAtLeastOnce(*in);
      Block &body = in->regions[0];
      std::vector<std::unique_ptr<Inst>> keep;
      keep.reserve(body.insts.size());
      for (auto &c : body.insts) {
        if (invariant(*c, depth, interactiveOk)) {
          define(c->results, depth);
          out.push_back(std::move(c));
          changed = true;
        } else {
          keep.push_back(std::move(c));
        }
      }
      body.insts = std::move(keep);
      define(in->results, depth);
      out.push_back(std::move(in));
    }
    b.insts = std::move(out);
  }

  bool invariant(const Inst &in, uint32_t outer, bool interactiveOk) const {
    if (in.kind == IrOp::Const) return true;
    if (in.kind != IrOp::Bc || hasSideEffect(in) || in.results.empty()) return false;
    if (bc::isInteractive(in.op) && !interactiveOk) return false;
    for (ValueId v : in.operands)
      if (depthOf[v] > outer) return false;
    return true;
  }
};

} // namespace

bool runLicm(Module &m) {
  bool changed = false;
  for (Function &f : m.functions)
    changed |= Licm(f).run();
  return changed;
}

} // namespace smpc::passes
