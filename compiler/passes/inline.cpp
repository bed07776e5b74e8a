//===- inline.cpp - replace every call by a copy of the callee's body -----===//
//
// Recursion is rejected by the front end, so repeatedly inlining terminates.
// Afterwards only `main` is left in the module. Runs at every -O level: the
// back end emits one straight function.
//===----------------------------------------------------------------------===//
#include "compiler/passes/passes.h"

namespace smpc::passes {

using namespace ir;

namespace {

class Inliner {
public:
  Inliner(Module &m, Function &f) : m(m), f(f) {}

  bool run() {
    block(f.body);
    return changed;
  }

private:
  Module &m;
  Function &f;
  ValueMap repl;
  bool changed = false;

  void block(Block &b) {
    std::vector<std::unique_ptr<Inst>> out;
    out.reserve(b.insts.size());
    for (auto &in : b.insts)
      process(std::move(in), out);
    b.insts = std::move(out);
  }

  void process(std::unique_ptr<Inst> in, std::vector<std::unique_ptr<Inst>> &out) {
    repl.rewrite(in->operands);
    for (Block &r : in->regions)
      block(r);
    if (in->kind != IrOp::Call) {
      out.push_back(std::move(in));
      return;
    }
    changed = true;
    const Function &g = m.functions[in->callee];
    std::vector<ValueId> vmap(g.values.size(), kNoValue);
    for (size_t i = 0; i < g.body.args.size(); ++i)
      vmap[g.body.args[i]] = in->operands[i];
    for (const auto &src : g.body.insts) {
      if (src->kind == IrOp::Return) {
        for (size_t i = 0; i < in->results.size(); ++i)
          repl.set(in->results[i], vmap[src->operands[i]]);
        break;
      }
      // The copy may itself contain calls: process inlines them in turn.
      process(clone(*src, g, vmap), out);
    }
  }

  std::unique_ptr<Inst> clone(const Inst &src, const Function &g, std::vector<ValueId> &vmap) {
    auto c = std::make_unique<Inst>();
    c->kind = src.kind;
    c->op = src.op;
    c->imms = src.imms;
    c->constData = src.constData;
    c->callee = src.callee;
    c->loc = src.loc;
    for (ValueId v : src.operands)
      c->operands.push_back(vmap[v]);
    for (const Block &r : src.regions) {
      Block &nb = c->regions.emplace_back();
      for (ValueId a : r.args)
        nb.args.push_back(vmap[a] = f.newValue(g.values[a].type, g.values[a].name));
      for (const auto &in : r.insts)
        nb.insts.push_back(clone(*in, g, vmap));
    }
    for (ValueId r : src.results)
      c->results.push_back(vmap[r] = f.newValue(g.values[r].type, g.values[r].name));
    return c;
  }
};

} // namespace

bool runInline(Module &m) {
  if (m.mainIndex >= m.functions.size()) return false;
  bool changed = Inliner(m, m.functions[m.mainIndex]).run();
  if (m.functions.size() > 1) {
    // Every function now lives inside main; keep only main.
    Function main = std::move(m.functions[m.mainIndex]);
    m.functions.clear();
    m.functions.push_back(std::move(main));
    m.mainIndex = 0;
    changed = true;
  }
  return changed;
}

} // namespace smpc::passes
