//===- random_test.cpp - random programs: -O0 and -O2 must agree -----------===//
//
// Builds random IR (secret and public arithmetic, comparisons, openings,
// loops with carried values, branches), compiles it at -O0 and -O2, runs
// both on the clear VM and compares the outputs. Also checks that the cost
// estimate predicts the rounds and triples the VM counts, and that -O2
// never needs more rounds than -O0. Seeds are fixed and printed on failure.
//===----------------------------------------------------------------------===//
#include "compiler/backend/backend.h"
#include "helpers.h"
#include "vm/bytecode/serialize.h"
#include "vm/core/machine.h"
#include "vm/protocols/clear/clear.h"

#include <cstdlib>
#include <doctest/doctest.h>
#include <random>

using namespace smpc;
using namespace smpc::testing;

namespace {

constexpr uint32_t kLen = 3;

class RandomProgram {
public:
  explicit RandomProgram(uint32_t seed) : rng(seed) {}

  Module build() {
    TestModule t;
    for (int i = 0; i < 3; ++i) {
      bc::IoEntry e;
      e.name = "x";
      e.name += std::to_string(i);
      e.ndims = 1;
      e.rows = kLen;
      e.party = uint32_t(i);
      t.m.inputs.push_back(e);
    }
    f = &t.fn();
    Builder b = t.builder();
    for (int i = 0; i < 3; ++i)
      secrets.push_back(b.op(bc::Op::Input, sint(kLen), {}, {i}));
    publics.push_back(b.constant(pint(kLen), {1, 2, 3}));
    body(b, 40, 0);
    // Outputs: a few secret values and one public one.
    for (int i = 0; i < 3; ++i) {
      bc::IoEntry e;
      e.name = "o";
      e.name += std::to_string(i);
      e.ndims = 1;
      e.rows = kLen;
      t.m.outputs.push_back(e);
      b.opNoResult(bc::Op::OutputS, {pick(secrets)}, {i});
    }
    bc::IoEntry e;
    e.name = "p";
    e.ndims = 1;
    e.rows = kLen;
    e.secret = false;
    t.m.outputs.push_back(e);
    b.opNoResult(bc::Op::OutputP, {pick(publics)}, {3});
    b.ret({});
    return std::move(t.m);
  }

private:
  std::mt19937 rng; // test data only
  Function *f = nullptr;
  std::vector<ValueId> secrets, publics;

  ValueId pick(const std::vector<ValueId> &vs) { return vs[rng() % vs.size()]; }
  // Prefer recent values so chains get deep.
  ValueId recent(const std::vector<ValueId> &vs) {
    size_t n = std::min<size_t>(vs.size(), 4);
    return vs[vs.size() - 1 - rng() % n];
  }
  ValueId smallConst(Builder &b) {
    std::vector<uint64_t> d;
    for (uint32_t i = 0; i < kLen; ++i)
      d.push_back(uint64_t(int64_t(rng() % 7) - 3));
    return b.constant(pint(kLen), d);
  }

  void body(Builder &b, int n, int depth) {
    for (int i = 0; i < n; ++i) {
      switch (rng() % 14) {
      case 0:
      case 1:
        secrets.push_back(b.op(bc::Op::MulSS, sint(kLen), {recent(secrets), pick(secrets)}));
        break;
      case 2:
        secrets.push_back(b.op(bc::Op::AddSS, sint(kLen), {recent(secrets), pick(secrets)}));
        break;
      case 3:
        secrets.push_back(b.op(bc::Op::SubSP, sint(kLen), {recent(secrets), pick(publics)}));
        break;
      case 4:
        secrets.push_back(b.op(bc::Op::MulSP, sint(kLen), {recent(secrets), smallConst(b)}));
        break;
      case 5:
        secrets.push_back(b.op(bc::Op::TruncS, sint(kLen), {recent(secrets)}, {1}));
        break;
      case 6:
        secrets.push_back(b.op(bc::Op::LtzS, sint(kLen), {recent(secrets)}));
        break;
      case 7:
        publics.push_back(b.op(bc::Op::Open, pint(kLen), {recent(secrets)}));
        break;
      case 8:
        publics.push_back(b.op(bc::Op::AddP, pint(kLen), {pick(publics), smallConst(b)}));
        break;
      case 9: { // sum and broadcast back
        ValueId s = b.op(bc::Op::SumS, sint(), {recent(secrets)});
        secrets.push_back(b.op(bc::Op::MulSS, sint(kLen), {pick(secrets), s}));
        break;
      }
      case 10:
        if (depth < 2) loop(b, depth);
        break;
      case 11:
        if (depth < 2) branch(b, depth);
        break;
      case 12: { // store one element in place
        ValueId v = recent(secrets);
        ValueId e = b.op(bc::Op::SliceS, sint(), {pick(secrets)}, {int64_t(rng() % kLen), 1, 1, 1});
        secrets.push_back(
            b.op(bc::Op::StoreS, sint(kLen), {v, e}, {int64_t(rng() % kLen), 1, 1, 1}));
        break;
      }
      default:
        secrets.push_back(b.op(bc::Op::NegS, sint(kLen), {recent(secrets)}));
        break;
      }
    }
  }

  void loop(Builder &b, int depth) {
    ValueId lo = b.intConst(0), hi = b.intConst(int64_t(rng() % 4));
    // Half the loops start from the inputs only, so neighbouring loops are
    // often independent (and get fused).
    std::vector<ValueId> inits = {recent(secrets), pick(secrets)};
    if (rng() % 2) inits = {secrets[rng() % 3], secrets[rng() % 3]};
    Inst &in = b.forLoop(lo, hi, inits);
    Block &blk = in.regions[0];
    Builder inner(*f, blk);
    size_t sMark = secrets.size(), pMark = publics.size();
    secrets.push_back(blk.args[1]);
    secrets.push_back(blk.args[2]);
    body(inner, 5, depth + 1);
    // carry the newest values, or swap the carried ones
    if (rng() % 3 == 0)
      inner.yield({blk.args[2], blk.args[1]});
    else
      inner.yield({secrets.back(), recent(secrets)});
    secrets.resize(sMark);
    publics.resize(pMark);
    secrets.push_back(in.results[0]);
    secrets.push_back(in.results[1]);
  }

  // i = 0; while i < k { s = ...; i = i + 1 }
  void whileLoop(Builder &b, int depth) {
    ValueId k = b.intConst(int64_t(rng() % 4));
    Inst &w = b.whileOp({b.intConst(0), recent(secrets)}, {pint(), sint(kLen)});
    Block &before = w.regions[0], &after = w.regions[1];
    Builder cb(*f, before);
    ValueId c = cb.op(bc::Op::LtP, pbool(), {before.args[0], k});
    cb.condition(c, {before.args[0], before.args[1]});
    size_t sMark = secrets.size(), pMark = publics.size();
    Builder ab(*f, after);
    secrets.push_back(after.args[1]);
    body(ab, 3, depth + 1);
    ValueId next = ab.op(bc::Op::AddP, pint(), {after.args[0], ab.intConst(1)});
    ab.yield({next, recent(secrets)});
    secrets.resize(sMark);
    publics.resize(pMark);
    secrets.push_back(w.results[1]);
  }

  void branch(Builder &b, int depth) {
    ValueId c = b.op(bc::Op::LtP, pbool(), {b.intConst(int64_t(rng() % 3)), b.intConst(1)});
    if (!publics.empty() && rng() % 2) { // a run-time condition from an opened value
      ValueId first = b.op(bc::Op::SliceP, pint(), {pick(publics)}, {0, 1, 1, 1});
      c = b.op(bc::Op::LtP, pbool(), {first, b.intConst(0)});
    }
    Inst &in = b.ifOp(c, {sint(kLen)});
    size_t sMark = secrets.size(), pMark = publics.size();
    for (int r = 0; r < 2; ++r) {
      Builder inner(*f, in.regions[r]);
      body(inner, 3, depth + 1);
      inner.yield({recent(secrets)});
      secrets.resize(sMark);
      publics.resize(pMark);
    }
    secrets.push_back(in.results[0]);
  }
};

struct Run {
  std::vector<vm::OutputValue> out;
  vm::ProtocolStats stats;
  backend::Cost cost;
  size_t sregs = 0;
};

Run compileAndRun(Module m, int opt) {
  backend::PassOptions o;
  o.optLevel = opt;
  o.verifyEach = true;
  std::string err = backend::runPasses(m, o);
  REQUIRE(err == "");
  bc::Program p = backend::emit(m);
  INFO(bc::disassemble(p));
  REQUIRE(bc::verifyProgram(p) == "");
  vm::ClearProtocol proto(3);
  Run r;
  r.out = vm::run(p, proto,
                  {{"x0", {5, uint64_t(-2), 7}}, {"x1", {1, 0, 3}}, {"x2", {4, 4, uint64_t(-9)}}});
  r.stats = proto.stats();
  r.cost = backend::estimate(m, 3);
  r.sregs = p.sregLen.size();
  return r;
}

} // namespace

TEST_CASE("random programs: -O0 and -O2 agree, the estimate matches the VM") {
  // SMPC_BACKEND_SEEDS=N runs more seeds for a longer local search.
  uint32_t seeds = 60;
  if (const char *env = std::getenv("SMPC_BACKEND_SEEDS"))
    seeds = uint32_t(std::strtoul(env, nullptr, 10));
  for (uint32_t seed = 1; seed <= seeds; ++seed) {
    CAPTURE(seed);
    Module m = RandomProgram(seed).build();
    INFO(print(m));
    REQUIRE(verify(m) == "");
    Module copy0 = RandomProgram(seed).build(), copy2 = RandomProgram(seed).build();
    Run r0 = compileAndRun(std::move(copy0), 0);
    Run r2 = compileAndRun(std::move(copy2), 2);
    REQUIRE(r0.out.size() == r2.out.size());
    for (size_t i = 0; i < r0.out.size(); ++i)
      CHECK(r0.out[i].data == r2.out[i].data);
    if (r0.cost.needs.exact()) {
      CHECK(r0.cost.rounds == r0.stats.rounds);
      CHECK(r0.cost.needs.material == r0.stats.material);
      CHECK(r0.cost.bytesPerParty == r0.stats.bytesSent);
    }
    if (r2.cost.needs.exact()) {
      CHECK(r2.cost.rounds == r2.stats.rounds);
      CHECK(r2.cost.needs.material == r2.stats.material);
      CHECK(r2.cost.bytesPerParty == r2.stats.bytesSent);
    }
    CHECK(r2.stats.rounds <= r0.stats.rounds);
  }
}
