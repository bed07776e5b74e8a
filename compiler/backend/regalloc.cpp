//===- regalloc.cpp - liveness, coalescing and linear-scan allocation -----===//
//
// Positions are even numbers, one per emitted step; a use recorded at an odd
// position (pos + 1) keeps the operand alive past the result's definition,
// so the result cannot take the operand's register. Local elementwise
// operations, the stored-into operand of a store, and interactive operations
// alone in their round may overwrite an operand in place. Members of a round
// group share one position: none of them may reuse a register another member
// reads.
//===----------------------------------------------------------------------===//
#include "compiler/backend/regalloc.h"

#include "compiler/backend/layout.h"

#include <algorithm>
#include <queue>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace smpc::backend {

using namespace ir;

namespace {

struct Seg {
  uint32_t s, e;
};

// Positions of a structured instruction: For uses start/yield/end, If uses
// cond/yield/yield2/end, While uses start/cond/yield/end.
struct IPos {
  uint32_t pos = 0, cond = 0, yield = 0, yield2 = 0, end = 0;
};

constexpr uint32_t kNone = ~0u;

class Allocator {
public:
  explicit Allocator(const Function &f) : f(f) {}

  Allocation run() {
    nv = uint32_t(f.values.size());
    hasLoops = containsLoop(f.body);
    if (hasLoops) {
      alloc.one = nv++;
      alloc.cmp = nv++;
    }
    defPos.assign(nv, kNone);
    endPos.assign(nv, 0);
    extra.resize(nv);
    number(f.body, 0);
    for (ValueId v : f.body.args)
      define(v, 0);
    if (hasLoops) {
      define(alloc.one, 0);
      define(alloc.cmp, 0);
      endPos[alloc.one] = endPos[alloc.cmp] = 2 * p + 2;
    }
    liveness(f.body);
    initClasses();
    coalesce(f.body);
    scan();
    return std::move(alloc);
  }

private:
  const Function &f;
  uint32_t nv = 0;
  bool hasLoops = false;
  uint32_t p = 0; // next step
  std::unordered_map<const Inst *, IPos> ipos;
  std::unordered_set<const Inst *> hoisted;
  std::unordered_set<const Inst *> grouped; // members of round groups of 2 or more
  std::vector<uint32_t> defPos, endPos;
  std::vector<std::vector<Seg>> extra;              // segments beyond [def, last use]
  std::vector<std::pair<uint32_t, uint32_t>> loops; // enclosing loops: start, end
  std::vector<uint32_t> parent;                     // union-find over values
  std::vector<std::vector<Seg>> segs;               // per class root
  Allocation alloc;

  static bool containsLoop(const Block &b) {
    for (const auto &in : b.insts) {
      if (in->kind == IrOp::For) return true;
      for (const Block &r : in->regions)
        if (containsLoop(r)) return true;
    }
    return false;
  }

  uint32_t step() { return 2 * p++; }

  Type typeOf(ValueId v) const {
    if (v < f.values.size()) return f.type(v);
    return Type{Vis::Public, bc::ElemType::Int, 0, 1, 1}; // virtual scalars
  }

  // ---- positions -----------------------------------------------------------
  void number(const Block &b, int loopDepth) {
    std::vector<uint32_t> runs = roundRuns(f, b);
    for (size_t i = 0; i < b.insts.size(); ++i) {
      const Inst *in = b.insts[i].get();
      if (hoisted.count(in)) continue;
      IPos &ip = ipos[in];
      switch (in->kind) {
      case IrOp::Bc:
      case IrOp::Const:
        ip.pos = step();
        if (runs[i] >= 2) {
          for (size_t k = 0; k < runs[i]; ++k) {
            ipos[b.insts[i + k].get()].pos = ip.pos;
            grouped.insert(b.insts[i + k].get());
          }
          i += runs[i] - 1;
        }
        break;
      case IrOp::For:
      case IrOp::While:
        if (loopDepth == 0) {
          std::vector<const Inst *> consts;
          hoistableConsts(*in, consts);
          for (const Inst *c : consts) {
            hoisted.insert(c);
            ipos[c].pos = step();
          }
        }
        ip.pos = step();
        number(in->regions[0], loopDepth + 1);
        if (in->kind == IrOp::While) {
          ip.cond = step();
          number(in->regions[1], loopDepth + 1);
        }
        ip.yield = step();
        ip.end = step();
        break;
      case IrOp::If:
        ip.cond = step();
        number(in->regions[0], loopDepth);
        ip.yield = step();
        number(in->regions[1], loopDepth);
        ip.yield2 = step();
        ip.end = step();
        break;
      case IrOp::Call:
        throw std::logic_error("register allocation needs calls inlined first");
      case IrOp::Return:
      case IrOp::Yield:
      case IrOp::Condition:
        break;
      }
    }
  }

  // ---- liveness ------------------------------------------------------------
  void define(ValueId v, uint32_t at) {
    defPos[v] = at;
    endPos[v] = std::max(endPos[v], at);
  }

  void use(ValueId v, uint32_t at) {
    for (const auto &[start, end] : loops)
      if (defPos[v] < start) { // the outermost loop that does not define v
        at = std::max(at, end);
        break;
      }
    endPos[v] = std::max(endPos[v], at);
  }

  // May the result of `in` take the register of operand k? Local
  // elementwise operations and stores work in place. The VM computes an
  // interactive result that aliases an operand into scratch first
  // (vm/core/interactive.cpp), but inside a round group another member may
  // still read the operand, so only instructions alone in their round may.
  bool inPlaceOk(const Inst &in, size_t k) const {
    const bc::OpInfo &oi = bc::info(in.op);
    if (bc::isStore(in.op)) return k == 0;
    if (oi.kind == bc::OpKind::Interactive) {
      bool readsSecret = false;
      for (bc::Operand o : oi.operands)
        readsSecret |= o == bc::Operand::SR;
      return !grouped.count(&in) && oi.operands[0] == bc::Operand::SW && readsSecret;
    }
    return oi.kind == bc::OpKind::Local && oi.len == bc::LenRule::Elementwise;
  }

  static const Inst &term(const Block &b) { return *b.insts.back(); }

  void liveness(const Block &b) {
    for (const auto &ptr : b.insts) {
      const Inst &in = *ptr;
      const IPos &ip = ipos[&in];
      switch (in.kind) {
      case IrOp::Bc:
      case IrOp::Const:
        for (size_t k = 0; k < in.operands.size(); ++k)
          use(in.operands[k], ip.pos + (inPlaceOk(in, k) ? 0 : 1));
        for (ValueId r : in.results)
          define(r, ip.pos);
        break;
      case IrOp::For: {
        use(in.operands[0], ip.pos + 1);
        use(in.operands[1], ip.end);
        for (size_t k = 2; k < in.operands.size(); ++k)
          use(in.operands[k], ip.pos);
        const Block &body = in.regions[0];
        for (ValueId a : body.args)
          define(a, ip.pos);
        extra[body.args[0]].push_back({ip.pos, ip.end + 1}); // the counter
        for (size_t k = 1; k < body.args.size(); ++k)
          extra[body.args[k]].push_back({ip.yield, ip.end});
        loops.push_back({ip.pos, ip.end});
        liveness(body);
        for (ValueId v : term(body).operands)
          use(v, ip.yield);
        loops.pop_back();
        for (ValueId r : in.results)
          define(r, ip.end);
        break;
      }
      case IrOp::If:
        use(in.operands[0], ip.cond);
        liveness(in.regions[0]);
        for (ValueId v : term(in.regions[0]).operands)
          use(v, ip.yield);
        liveness(in.regions[1]);
        for (ValueId v : term(in.regions[1]).operands)
          use(v, ip.yield2);
        for (ValueId r : in.results) {
          define(r, ip.end);
          extra[r].push_back({ip.yield, ip.yield});
          extra[r].push_back({ip.yield2, ip.end});
        }
        break;
      case IrOp::While: {
        for (ValueId v : in.operands)
          use(v, ip.pos);
        const Block &before = in.regions[0], &after = in.regions[1];
        for (ValueId a : before.args) {
          define(a, ip.pos);
          extra[a].push_back({ip.yield, ip.end});
        }
        loops.push_back({ip.pos, ip.end});
        liveness(before);
        const Inst &cond = term(before);
        use(cond.operands[0], ip.cond + 1);
        for (size_t k = 1; k < cond.operands.size(); ++k)
          use(cond.operands[k], ip.cond);
        for (ValueId a : after.args)
          define(a, ip.cond);
        liveness(after);
        for (ValueId v : term(after).operands)
          use(v, ip.yield);
        loops.pop_back();
        for (ValueId r : in.results)
          define(r, ip.end);
        break;
      }
      case IrOp::Call:
      case IrOp::Return:
      case IrOp::Yield:
      case IrOp::Condition:
        break;
      }
    }
  }

  // ---- coalescing ----------------------------------------------------------
  uint32_t find(uint32_t v) {
    while (parent[v] != v)
      v = parent[v] = parent[parent[v]];
    return v;
  }

  void initClasses() {
    parent.resize(nv);
    segs.resize(nv);
    for (uint32_t v = 0; v < nv; ++v) {
      parent[v] = v;
      if (defPos[v] == kNone) continue;
      segs[v].push_back({defPos[v], endPos[v]});
      segs[v].insert(segs[v].end(), extra[v].begin(), extra[v].end());
      std::sort(segs[v].begin(), segs[v].end(), [](Seg a, Seg b) { return a.s < b.s; });
    }
  }

  static bool overlap(const std::vector<Seg> &a, const std::vector<Seg> &b) {
    size_t i = 0, k = 0;
    while (i < a.size() && k < b.size()) {
      const Seg &x = a[i], &y = b[k];
      // Touching ends are fine (the old value dies where the new one is
      // written); equal starts are two definitions at one step.
      if ((x.s < y.e && y.s < x.e) || x.s == y.s) return true;
      if (x.e < y.e)
        ++i;
      else
        ++k;
    }
    return false;
  }

  bool tryMerge(ValueId a, ValueId b, bool must = false) {
    if (a == kNoValue || b == kNoValue || defPos[a] == kNone || defPos[b] == kNone) return false;
    uint32_t ra = find(a), rb = find(b);
    if (ra == rb) return true;
    Type ta = typeOf(a), tb = typeOf(b);
    if (ta.isSecret() != tb.isSecret() || ta.len() != tb.len()) return false;
    if (!must && overlap(segs[ra], segs[rb])) return false;
    std::vector<Seg> merged;
    merged.reserve(segs[ra].size() + segs[rb].size());
    std::merge(segs[ra].begin(), segs[ra].end(), segs[rb].begin(), segs[rb].end(),
               std::back_inserter(merged), [](Seg x, Seg y) { return x.s < y.s; });
    segs[ra] = std::move(merged);
    segs[rb].clear();
    segs[rb].shrink_to_fit();
    parent[rb] = ra;
    return true;
  }

  void coalesce(const Block &b) {
    for (const auto &ptr : b.insts) {
      const Inst &in = *ptr;
      switch (in.kind) {
      case IrOp::Bc:
        if (bc::isStore(in.op)) tryMerge(in.operands[0], in.results[0]);
        break;
      case IrOp::For: {
        const Block &body = in.regions[0];
        for (size_t k = 0; k < in.results.size(); ++k)
          tryMerge(body.args[1 + k], in.results[k], /*must=*/true);
        for (size_t k = 0; k < in.results.size(); ++k)
          tryMerge(in.operands[2 + k], body.args[1 + k]);
        coalesce(body);
        for (size_t k = 0; k < in.results.size(); ++k)
          tryMerge(term(body).operands[k], body.args[1 + k]);
        break;
      }
      case IrOp::If:
        for (int r = 0; r < 2; ++r) {
          coalesce(in.regions[r]);
          for (size_t k = 0; k < in.results.size(); ++k)
            tryMerge(term(in.regions[r]).operands[k], in.results[k]);
        }
        break;
      case IrOp::While: {
        const Block &before = in.regions[0], &after = in.regions[1];
        for (size_t k = 0; k < in.results.size(); ++k)
          tryMerge(after.args[k], in.results[k], /*must=*/true);
        for (size_t k = 0; k < in.operands.size(); ++k)
          tryMerge(in.operands[k], before.args[k]);
        coalesce(before);
        for (size_t k = 0; k + 1 < term(before).operands.size(); ++k)
          tryMerge(term(before).operands[k + 1], after.args[k]);
        coalesce(after);
        for (size_t k = 0; k < term(after).operands.size(); ++k)
          tryMerge(term(after).operands[k], before.args[k]);
        break;
      }
      case IrOp::Const:
      case IrOp::Call:
      case IrOp::Return:
      case IrOp::Yield:
      case IrOp::Condition:
        break;
      }
    }
  }

  // ---- linear scan ---------------------------------------------------------
  void scan() {
    struct Item {
      uint32_t start, end, root;
    };
    std::vector<Item> items;
    for (uint32_t v = 0; v < nv; ++v) {
      if (find(v) != v || segs[v].empty()) continue;
      uint32_t s = segs[v].front().s, e = 0;
      for (const Seg &x : segs[v])
        e = std::max(e, x.e);
      items.push_back({s, e, v});
    }
    std::sort(items.begin(), items.end(),
              [](const Item &a, const Item &b) { return a.start < b.start; });
    // Free registers per (bank, length).
    std::unordered_map<uint64_t, std::vector<uint32_t>> freeRegs;
    auto key = [&](uint32_t v) {
      Type t = typeOf(v);
      return uint64_t(t.len()) << 1 | (t.isSecret() ? 1 : 0);
    };
    using Active = std::pair<uint32_t, uint32_t>; // end, root
    std::priority_queue<Active, std::vector<Active>, std::greater<Active>> active;
    std::vector<uint32_t> rootReg(nv, kNoReg);
    for (const Item &it : items) {
      while (!active.empty() && active.top().first < it.start) {
        uint32_t r = active.top().second;
        active.pop();
        freeRegs[key(r)].push_back(rootReg[r]);
      }
      auto &fl = freeRegs[key(it.root)];
      uint32_t reg;
      if (!fl.empty()) {
        reg = fl.back();
        fl.pop_back();
      } else {
        Type t = typeOf(it.root);
        auto &bank = t.isSecret() ? alloc.sregLen : alloc.pregLen;
        reg = uint32_t(bank.size());
        bank.push_back(t.len());
      }
      rootReg[it.root] = reg;
      active.push({it.end, it.root});
    }
    alloc.reg.assign(nv, kNoReg);
    for (uint32_t v = 0; v < nv; ++v)
      if (defPos[v] != kNone) alloc.reg[v] = rootReg[find(v)];
  }
};

} // namespace

Allocation allocateRegisters(const Function &f) {
  return Allocator(f).run();
}

} // namespace smpc::backend
