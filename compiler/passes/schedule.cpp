//===- schedule.cpp - round scheduling: group independent interactive ops -===//
//
// Within each block, list-schedules the instructions so that interactive
// operations that are ready at the same time sit next to each other: the
// back end emits such a run as one `round N` group, which the protocol runs
// as one batched exchange. The greedy order is: every ready local
// instruction first, then ready loops/branches (they are barriers), then all
// ready interactive instructions as one group. With single-round operations
// this gives as many groups as the block's multiplicative depth. Pure local
// instructions then sink to their first use to keep register pressure low.
//===----------------------------------------------------------------------===//
#include "compiler/passes/passes.h"

#include <algorithm>
#include <functional>
#include <queue>

namespace smpc::passes {

using namespace ir;

namespace {

enum class Kind { Local, Region, Interactive };

Kind kindOf(const Inst &in) {
  if (!in.regions.empty()) return Kind::Region;
  if (in.kind == IrOp::Bc && bc::isInteractive(in.op)) return Kind::Interactive;
  return Kind::Local;
}

class Scheduler {
public:
  explicit Scheduler(Function &f) : f(f), defIdx(f.values.size(), -1) {}

  bool run() {
    block(f.body);
    return changed;
  }

private:
  Function &f;
  std::vector<int32_t> defIdx; // index in the block being scheduled, or -1
  bool changed = false;

  // Values a region instruction reads from outside (operands of anything
  // nested in it): they are its dependences on the enclosing block.
  void freeUses(const Inst &in, std::vector<ValueId> &uses) {
    uses.insert(uses.end(), in.operands.begin(), in.operands.end());
    for (const Block &r : in.regions)
      for (const auto &c : r.insts)
        freeUses(*c, uses);
  }

  void block(Block &b) {
    for (auto &in : b.insts)
      for (Block &r : in->regions)
        block(r);
    size_t n = b.insts.size();
    if (n < 3) return;
    size_t body = n - 1; // the terminator stays last
    for (size_t i = 0; i < body; ++i)
      for (ValueId r : b.insts[i]->results)
        defIdx[r] = int32_t(i);
    std::vector<std::vector<uint32_t>> succs(body), deps(body + 1);
    std::vector<uint32_t> preds(body, 0);
    std::vector<ValueId> uses;
    for (size_t i = 0; i < body; ++i) {
      const Inst &in = *b.insts[i];
      uses.clear();
      freeUses(in, uses);
      std::vector<uint32_t> from;
      for (ValueId v : uses)
        if (v < defIdx.size() && defIdx[v] >= 0) from.push_back(uint32_t(defIdx[v]));
      std::sort(from.begin(), from.end());
      from.erase(std::unique(from.begin(), from.end()), from.end());
      for (uint32_t p : from) {
        succs[p].push_back(uint32_t(i));
        ++preds[i];
      }
      deps[i] = std::move(from);
    }
    for (ValueId v : b.insts[body]->operands)
      if (v < defIdx.size() && defIdx[v] >= 0) deps[body].push_back(uint32_t(defIdx[v]));

    for (size_t i = 0; i < body; ++i)
      for (ValueId r : b.insts[i]->results)
        defIdx[r] = -1;

    using MinHeap = std::priority_queue<uint32_t, std::vector<uint32_t>, std::greater<uint32_t>>;
    MinHeap ready[3];
    auto push = [&](uint32_t i) { ready[int(kindOf(*b.insts[i]))].push(i); };
    for (uint32_t i = 0; i < body; ++i)
      if (preds[i] == 0) push(i);
    // Greedy list scheduling into steps: one local or region instruction, or
    // one group of interactive instructions.
    std::vector<std::vector<uint32_t>> steps;
    size_t scheduled = 0;
    auto emit = [&](uint32_t i) {
      ++scheduled;
      for (uint32_t s : succs[i])
        if (--preds[s] == 0) push(s);
    };
    MinHeap &local = ready[int(Kind::Local)], &region = ready[int(Kind::Region)],
            &inter = ready[int(Kind::Interactive)];
    while (scheduled < body) {
      while (!local.empty()) {
        uint32_t i = local.top();
        local.pop();
        steps.push_back({i});
        emit(i);
      }
      if (!region.empty()) {
        uint32_t i = region.top();
        region.pop();
        steps.push_back({i});
        emit(i);
        continue;
      }
      // Take the whole ready set first: what it unlocks belongs to later rounds.
      std::vector<uint32_t> group;
      while (!inter.empty()) {
        group.push_back(inter.top());
        inter.pop();
      }
      for (uint32_t i : group)
        emit(i);
      if (!group.empty()) steps.push_back(std::move(group));
    }
    // Local instructions without side effects sink to just before their
    // first user (or the group holding it), so constants and address
    // arithmetic do not all stay live from the top of the block.
    std::vector<uint32_t> order;
    order.reserve(n);
    std::vector<char> placed(body + 1, 0);
    auto sinks = [&](uint32_t i) {
      return kindOf(*b.insts[i]) == Kind::Local && !hasSideEffect(*b.insts[i]);
    };
    std::vector<std::pair<uint32_t, size_t>> stack;
    auto pullDeps = [&](uint32_t root) {
      stack.push_back({root, 0});
      while (!stack.empty()) {
        auto &[i, next] = stack.back();
        if (next < deps[i].size()) {
          uint32_t d = deps[i][next++];
          if (!placed[d]) stack.push_back({d, 0});
          continue;
        }
        uint32_t done = i;
        stack.pop_back();
        if (done != root && !placed[done]) {
          placed[done] = 1;
          order.push_back(done);
        }
      }
    };
    for (const auto &step : steps) {
      if (step.size() == 1 && sinks(step[0])) continue;
      for (uint32_t i : step)
        pullDeps(i);
      for (uint32_t i : step) {
        placed[i] = 1;
        order.push_back(i);
      }
    }
    pullDeps(uint32_t(body));
    for (uint32_t i = 0; i < body; ++i) // unused local values keep their place at the end
      if (!placed[i]) order.push_back(i);
    order.push_back(uint32_t(body));
    std::vector<std::unique_ptr<Inst>> out(n);
    for (size_t k = 0; k < n; ++k) {
      if (order[k] != k) changed = true;
      out[k] = std::move(b.insts[order[k]]);
    }
    b.insts = std::move(out);
  }
};

} // namespace

bool runSchedule(Module &m) {
  bool changed = false;
  for (Function &f : m.functions)
    changed |= Scheduler(f).run();
  return changed;
}

} // namespace smpc::passes
