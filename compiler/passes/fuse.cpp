//===- fuse.cpp - fuse independent loops so their rounds overlap -----------===//
//
// Two `for` loops with constant bounds in one block, neither reading what the
// other computes, run one after the other: their rounds add up although the
// multiplicative depth overlaps them. Fusing them into one loop over the
// shorter trip count (both bodies in one iteration, so the scheduler can
// put their interactive operations in the same round groups), followed by a
// copy of the longer loop for the remaining iterations, brings the rounds
// down to the depth. Only loops whose bodies both communicate are fused.
//===----------------------------------------------------------------------===//
#include "compiler/ir/clone.h"
#include "compiler/passes/passes.h"

#include <unordered_map>
#include <unordered_set>

namespace smpc::passes {

using namespace ir;

namespace {

// How far past a loop to look for a partner, so the pass stays linear.
constexpr size_t kWindow = 256;

class Fuser {
public:
  explicit Fuser(Function &f) : f(f) {}

  bool run() {
    collectConsts(f.body);
    block(f.body);
    return changed;
  }

private:
  Function &f;
  std::unordered_map<ValueId, int64_t> constOf; // public Int scalar constants
  bool changed = false;

  void collectConsts(const Block &b) {
    for (const auto &in : b.insts) {
      if (in->kind == IrOp::Const && in->constData.size() == 1)
        constOf[in->results[0]] = int64_t(in->constData[0]);
      for (const Block &r : in->regions)
        collectConsts(r);
    }
  }

  static bool communicates(const Block &b) {
    for (const auto &in : b.insts) {
      if (in->kind == IrOp::Bc && bc::isInteractive(in->op)) return true;
      for (const Block &r : in->regions)
        if (communicates(r)) return true;
    }
    return false;
  }

  // A `for` with constant bounds, at least one iteration, that communicates.
  bool candidate(const Inst &in, int64_t &lo, int64_t &trips) const {
    if (in.kind != IrOp::For) return false;
    auto l = constOf.find(in.operands[0]), h = constOf.find(in.operands[1]);
    if (l == constOf.end() || h == constOf.end() || h->second <= l->second) return false;
    lo = l->second;
    trips = h->second - l->second;
    return communicates(in.regions[0]);
  }

  static bool reads(const Inst &in, const std::unordered_set<ValueId> &vs) {
    for (ValueId v : in.operands)
      if (vs.count(v)) return true;
    for (const Block &r : in.regions)
      for (const auto &c : r.insts)
        if (reads(*c, vs)) return true;
    return false;
  }

  void block(Block &b) {
    for (auto &in : b.insts)
      for (Block &r : in->regions)
        block(r);
    for (size_t i = 0; i < b.insts.size(); ++i) {
      int64_t loA, tA;
      if (!candidate(*b.insts[i], loA, tA)) continue;
      // Everything after A that (transitively) reads A's results.
      std::unordered_set<ValueId> tainted(b.insts[i]->results.begin(), b.insts[i]->results.end());
      std::vector<bool> dependent;
      for (size_t j = i + 1; j < b.insts.size() && j <= i + kWindow; ++j) {
        Inst &x = *b.insts[j];
        bool dep = reads(x, tainted);
        int64_t loB, tB;
        if (!dep && candidate(x, loB, tB)) {
          fuse(b, i, j, dependent, loA, tA, loB, tB);
          break;
        }
        if (x.kind == IrOp::For || x.kind == IrOp::While)
          break; // only neighbouring loops: keeps the order of other loops
        if (dep) tainted.insert(x.results.begin(), x.results.end());
        dependent.push_back(dep);
      }
    }
  }

  std::unique_ptr<Inst> constInst(int64_t v, bc::SourceLoc loc) {
    auto c = std::make_unique<Inst>();
    c->kind = IrOp::Const;
    c->constData = {uint64_t(v)};
    c->results = {f.newValue(Type{Vis::Public, bc::ElemType::Int, 0, 1, 1})};
    c->loc = loc;
    constOf[c->results[0]] = v;
    return c;
  }

  // The remaining iterations [from, hi) of `loop`, starting from `inits`;
  // its results are the loop's original result values.
  void remainder(const Inst &loop, int64_t from, const std::vector<ValueId> &inits,
                 std::vector<std::unique_ptr<Inst>> &out) {
    auto lo = constInst(from, loop.loc);
    auto r = std::make_unique<Inst>();
    r->kind = IrOp::For;
    r->loc = loop.loc;
    r->operands = {lo->results[0], loop.operands[1]};
    r->operands.insert(r->operands.end(), inits.begin(), inits.end());
    std::unordered_map<ValueId, ValueId> map;
    r->regions.push_back(cloneBlock(f, loop.regions[0], map));
    r->results = loop.results;
    out.push_back(std::move(lo));
    out.push_back(std::move(r));
  }

  void fuse(Block &b, size_t i, size_t j, const std::vector<bool> &dependent, int64_t loA,
            int64_t tA, int64_t loB, int64_t tB) {
    changed = true;
    std::unique_ptr<Inst> A = std::move(b.insts[i]), B = std::move(b.insts[j]);
    int64_t m = std::min(tA, tB);
    std::vector<std::unique_ptr<Inst>> out, later;
    for (size_t k = 0; k < i; ++k)
      out.push_back(std::move(b.insts[k]));
    for (size_t k = i + 1; k < j; ++k)
      (dependent[k - i - 1] ? later : out).push_back(std::move(b.insts[k]));

    // Fresh result values for a part that continues in a remainder loop.
    auto partResults = [&](const Inst &L, bool more) {
      std::vector<ValueId> rs;
      for (ValueId r : L.results)
        rs.push_back(more ? f.newValue(f.values[r].type, f.values[r].name) : r);
      return rs;
    };
    std::vector<ValueId> resA = partResults(*A, tA > m), resB = partResults(*B, tB > m);

    auto hi = constInst(loA + m, A->loc);
    auto F = std::make_unique<Inst>();
    F->kind = IrOp::For;
    F->loc = A->loc;
    F->operands = {A->operands[0], hi->results[0]};
    F->operands.insert(F->operands.end(), A->operands.begin() + 2, A->operands.end());
    F->operands.insert(F->operands.end(), B->operands.begin() + 2, B->operands.end());
    F->results = resA;
    F->results.insert(F->results.end(), resB.begin(), resB.end());

    // Copies of the longer loop's body are needed before its body moves.
    std::vector<std::unique_ptr<Inst>> tail;
    Block &bodyA = A->regions[0], &bodyB = B->regions[0];
    Block body;
    body.args = bodyA.args;
    body.args.insert(body.args.end(), bodyB.args.begin() + 1, bodyB.args.end());
    // B's induction variable is A's plus the difference of their lower bounds.
    ValueId k = bodyA.args[0], ivB = bodyB.args[0];
    auto delta = constInst(loB - loA, B->loc);
    auto shift = std::make_unique<Inst>();
    shift->kind = IrOp::Bc;
    shift->op = bc::Op::AddP;
    shift->operands = {k, delta->results[0]};
    shift->results = {ivB};
    shift->loc = B->loc;
    out.push_back(std::move(delta));
    out.push_back(std::move(hi));
    std::vector<ValueId> yields = bodyA.insts.back()->operands;
    const auto &yb = bodyB.insts.back()->operands;
    yields.insert(yields.end(), yb.begin(), yb.end());
    if (tA > m) remainder(*A, loA + m, resA, tail);
    if (tB > m) remainder(*B, loB + m, resB, tail);
    for (size_t x = 0; x + 1 < bodyA.insts.size(); ++x)
      body.insts.push_back(std::move(bodyA.insts[x]));
    body.insts.push_back(std::move(shift));
    for (size_t x = 0; x + 1 < bodyB.insts.size(); ++x)
      body.insts.push_back(std::move(bodyB.insts[x]));
    auto y = std::make_unique<Inst>();
    y->kind = IrOp::Yield;
    y->operands = std::move(yields);
    y->loc = bodyA.insts.back()->loc;
    body.insts.push_back(std::move(y));
    F->regions.push_back(std::move(body));
    out.push_back(std::move(F));
    for (auto &t : tail)
      out.push_back(std::move(t));
    for (auto &l : later)
      out.push_back(std::move(l));
    for (size_t x = j + 1; x < b.insts.size(); ++x)
      out.push_back(std::move(b.insts[x]));
    b.insts = std::move(out);
  }
};

} // namespace

bool runFuse(Module &m) {
  bool changed = false;
  for (Function &f : m.functions)
    changed |= Fuser(f).run();
  return changed;
}

} // namespace smpc::passes
