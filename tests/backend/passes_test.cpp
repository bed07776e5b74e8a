//===- passes_test.cpp - each IR pass on hand-built IR ---------------------===//
#include "compiler/backend/backend.h"
#include "compiler/passes/passes.h"
#include "helpers.h"

#include <doctest/doctest.h>
#include <sstream>

using namespace smpc;
using namespace smpc::testing;

namespace {

size_t countOps(const Block &b, bc::Op op) {
  size_t n = 0;
  for (const auto &in : b.insts) {
    if (in->kind == IrOp::Bc && in->op == op) ++n;
    for (const Block &r : in->regions)
      n += countOps(r, op);
  }
  return n;
}

size_t countKind(const Block &b, IrOp k) {
  size_t n = 0;
  for (const auto &in : b.insts) {
    if (in->kind == k) ++n;
    for (const Block &r : in->regions)
      n += countKind(r, k);
  }
  return n;
}

} // namespace

TEST_CASE("inline: nested calls are replaced by the callee bodies") {
  TestModule t({1}, {1});
  // @sq(x) = x * x ; @quad(x) = sq(sq(x))
  auto addFn = [&](const char *name) -> Function & {
    Function &g = t.m.functions.emplace_back();
    g.name = name;
    g.body.args.push_back(g.newValue(sint()));
    g.resultTypes = {sint()};
    return g;
  };
  {
    Function &sq = addFn("sq");
    Builder b(sq, sq.body);
    b.ret({b.op(bc::Op::MulSS, sint(), {sq.body.args[0], sq.body.args[0]})});
  }
  {
    Function &quad = addFn("quad");
    Builder b(quad, quad.body);
    ValueId a = b.call(1, t.m, {quad.body.args[0]});
    b.ret({b.call(1, t.m, {a})});
  }
  Builder b = t.builder();
  ValueId x = b.op(bc::Op::Input, sint(), {}, {0});
  ValueId y = b.call(2, t.m, {x});
  b.opNoResult(bc::Op::OutputS, {y}, {0});
  b.ret({});
  REQUIRE(verify(t.m) == "");
  CHECK(passes::runInline(t.m));
  CHECK(verify(t.m) == "");
  CHECK(t.m.functions.size() == 1);
  CHECK(countKind(t.fn().body, IrOp::Call) == 0);
  CHECK(countOps(t.fn().body, bc::Op::MulSS) == 2);
  // the output reads the second product
  const Inst &out = *t.fn().body.insts[t.fn().body.insts.size() - 2];
  const Inst &mul2 = *t.fn().body.insts[t.fn().body.insts.size() - 3];
  CHECK(out.operands[0] == mul2.results[0]);
}

TEST_CASE("constfold: wrap-around, signed division, no folding of division by zero") {
  TestModule t;
  Builder b = t.builder();
  ValueId max = b.intConst(INT64_MAX), one = b.intConst(1), m7 = b.intConst(-7),
          two = b.intConst(2), zero = b.intConst(0);
  ValueId wrap = b.op(bc::Op::AddP, pint(), {max, one});
  ValueId q = b.op(bc::Op::DivP, pint(), {m7, two});
  ValueId r = b.op(bc::Op::ModP, pint(), {m7, two});
  ValueId sh = b.op(bc::Op::ShrP, pint(), {m7}, {1});
  ValueId lt = b.op(bc::Op::LtP, pbool(), {m7, two});
  ValueId dz = b.op(bc::Op::DivP, pint(), {one, zero});
  for (ValueId v : {wrap, q, r, sh, lt, dz})
    b.opNoResult(bc::Op::OutputP, {v}, {0});
  b.ret({});
  bc::IoEntry e;
  e.name = "o";
  e.secret = false;
  t.m.outputs.push_back(e);
  REQUIRE(verify(t.m) == "");
  CHECK(passes::runConstFold(t.m));
  CHECK(verify(t.m) == "");
  std::string text = print(t.m);
  INFO(text);
  CHECK(text.find("%5 = const [-9223372036854775808] : int") != std::string::npos);
  CHECK(text.find("%6 = const [-3] : int") != std::string::npos);
  CHECK(text.find("%7 = const [-1] : int") != std::string::npos);
  CHECK(text.find("%8 = const [-4] : int") != std::string::npos);
  CHECK(text.find("%9 = const [1] : bool") != std::string::npos);
  CHECK(text.find("%10 = div.p %1, %4 : int") != std::string::npos);
}

TEST_CASE("constfold: INT64_MIN / -1 folds to what the VM computes") {
  TestModule t;
  Builder b = t.builder();
  ValueId mn = b.intConst(INT64_MIN), m1 = b.intConst(-1);
  ValueId q = b.op(bc::Op::DivP, pint(), {mn, m1});
  ValueId r = b.op(bc::Op::ModP, pint(), {mn, m1});
  for (ValueId v : {q, r})
    b.opNoResult(bc::Op::OutputP, {v}, {0});
  b.ret({});
  bc::IoEntry e;
  e.name = "o";
  e.secret = false;
  t.m.outputs.push_back(e);
  CHECK(passes::runConstFold(t.m));
  std::string text = print(t.m);
  INFO(text);
  CHECK(text.find("%2 = const [-9223372036854775808] : int") != std::string::npos);
  CHECK(text.find("%3 = const [0] : int") != std::string::npos);
}

TEST_CASE("constfold: identities, constant if, empty for") {
  TestModule t({4}, {4});
  Builder b = t.builder();
  ValueId x = b.op(bc::Op::Input, sint(4), {}, {0});
  ValueId zero = b.intConst(0), one = b.intConst(1);
  ValueId ones = b.constant(pint(4), {1, 1, 1, 1});
  ValueId a = b.op(bc::Op::MulSP, sint(4), {x, ones}); // x * 1 -> x
  ValueId c = b.op(bc::Op::LtP, pbool(), {zero, one}); // true
  Inst &br = b.ifOp(c, {sint(4)});
  Builder th(t.fn(), br.regions[0]), el(t.fn(), br.regions[1]);
  th.yield({th.op(bc::Op::NegS, sint(4), {a})});
  el.yield({a});
  Inst &loop = b.forLoop(one, zero, {br.results[0]}); // 1..0: never runs
  Builder body(t.fn(), loop.regions[0]);
  body.yield({body.op(bc::Op::MulSS, sint(4), {loop.regions[0].args[1], x})});
  b.opNoResult(bc::Op::OutputS, {loop.results[0]}, {0});
  b.ret({});
  REQUIRE(verify(t.m) == "");
  CHECK(passes::runConstFold(t.m));
  REQUIRE(verify(t.m) == "");
  CHECK(countKind(t.fn().body, IrOp::If) == 0);
  CHECK(countKind(t.fn().body, IrOp::For) == 0);
  CHECK(countOps(t.fn().body, bc::Op::MulSP) == 0);
  std::string text = print(t.m);
  INFO(text);
  CHECK(text.find("neg.s %0 : sint[4]") != std::string::npos);
  CHECK(text.find("output.s %7, #0") != std::string::npos);
}

TEST_CASE("cse: identical pure and interactive ops merge, inputs do not, scopes are respected") {
  TestModule t({2}, {2});
  Builder b = t.builder();
  ValueId x = b.op(bc::Op::Input, sint(2), {}, {0});
  ValueId x2 = b.op(bc::Op::Input, sint(2), {}, {0});
  ValueId m1 = b.op(bc::Op::MulSS, sint(2), {x, x2});
  ValueId m2 = b.op(bc::Op::MulSS, sint(2), {x2, x}); // commutative: same value
  ValueId s = b.op(bc::Op::AddSS, sint(2), {m1, m2});
  ValueId lo = b.intConst(0), hi = b.intConst(3), hi2 = b.intConst(3);
  Inst &loop = b.forLoop(lo, hi2, {s});
  Builder body(t.fn(), loop.regions[0]);
  ValueId again = body.op(bc::Op::MulSS, sint(2), {x, x2}); // same as m1: reused
  body.yield({body.op(bc::Op::AddSS, sint(2), {loop.regions[0].args[1], again})});
  b.opNoResult(bc::Op::OutputS, {loop.results[0]}, {0});
  (void)hi;
  b.ret({});
  REQUIRE(verify(t.m) == "");
  CHECK(passes::runCse(t.m));
  REQUIRE(verify(t.m) == "");
  CHECK(countOps(t.fn().body, bc::Op::Input) == 2);
  CHECK(countOps(t.fn().body, bc::Op::MulSS) == 1);
  CHECK(countKind(t.fn().body, IrOp::Const) == 2); // the two [3] merged
}

TEST_CASE("dce: unused values, self-feeding loop-carried values, empty loops") {
  TestModule t({2}, {2});
  Builder b = t.builder();
  ValueId x = b.op(bc::Op::Input, sint(2), {}, {0});
  b.op(bc::Op::MulSS, sint(2), {x, x}); // unused
  ValueId lo = b.intConst(0), hi = b.intConst(10);
  Inst &loop = b.forLoop(lo, hi, {x, x});
  Builder body(t.fn(), loop.regions[0]);
  const Block &blk = loop.regions[0];
  ValueId kept = body.op(bc::Op::AddSS, sint(2), {blk.args[1], x});
  ValueId dead = body.op(bc::Op::MulSS, sint(2), {blk.args[2], x}); // feeds only itself
  body.yield({kept, dead});
  Inst &empty = b.forLoop(lo, hi, {x});
  Builder eb(t.fn(), empty.regions[0]);
  eb.yield({eb.op(bc::Op::NegS, sint(2), {empty.regions[0].args[1]})});
  b.opNoResult(bc::Op::OutputS, {loop.results[0]}, {0});
  b.ret({});
  REQUIRE(verify(t.m) == "");
  CHECK(passes::runDce(t.m));
  REQUIRE(verify(t.m) == "");
  CHECK(countOps(t.fn().body, bc::Op::MulSS) == 0);
  CHECK(countKind(t.fn().body, IrOp::For) == 1);
  CHECK(countOps(t.fn().body, bc::Op::NegS) == 0);
  INFO(print(t.m));
  CHECK(print(t.m).find("%6 = for %4 = %2 to %3 iter(%5 = %0) : sint[2] {") != std::string::npos);
  CHECK_FALSE(passes::runDce(t.m));
}

TEST_CASE("dce: inputs, outputs and run-time checks stay") {
  TestModule t({1});
  Builder b = t.builder();
  b.op(bc::Op::Input, sint(), {}, {0});
  ValueId one = b.intConst(1), zero = b.intConst(0);
  b.op(bc::Op::DivP, pint(), {one, zero});
  b.ret({});
  CHECK_FALSE(passes::runDce(t.m));
  CHECK(countOps(t.fn().body, bc::Op::DivP) == 1);
  CHECK(countOps(t.fn().body, bc::Op::Input) == 1);
}

TEST_CASE("licm: invariant products leave loops that run, not loops that may not") {
  TestModule t({2, 2}, {2, 2});
  Builder b = t.builder();
  ValueId x = b.op(bc::Op::Input, sint(2), {}, {0});
  ValueId y = b.op(bc::Op::Input, sint(2), {}, {1});
  ValueId n = b.op(bc::Op::Open, pint(), {b.op(bc::Op::SumS, sint(), {x})});
  ValueId zero = b.intConst(0);
  // for i in 0..5: acc += x * y   (x * y moves out)
  Inst &l1 = b.forLoop(zero, b.intConst(5), {x});
  Block &b1 = l1.regions[0];
  Builder in1(t.fn(), b1);
  ValueId xy = in1.op(bc::Op::MulSS, sint(2), {x, y});
  in1.yield({in1.op(bc::Op::AddSS, sint(2), {b1.args[1], xy})});
  // for i in 0..n (run-time bound): acc += x * y  (stays), neg x (moves)
  Inst &l2 = b.forLoop(zero, n, {x});
  Block &b2 = l2.regions[0];
  Builder in2(t.fn(), b2);
  ValueId xy2 = in2.op(bc::Op::MulSS, sint(2), {x, y});
  ValueId nx = in2.op(bc::Op::NegS, sint(2), {x});
  ValueId s = in2.op(bc::Op::AddSS, sint(2), {b2.args[1], xy2});
  in2.yield({in2.op(bc::Op::AddSS, sint(2), {s, nx})});
  b.opNoResult(bc::Op::OutputS, {l1.results[0]}, {0});
  b.opNoResult(bc::Op::OutputS, {l2.results[0]}, {1});
  b.ret({});
  REQUIRE(verify(t.m) == "");
  CHECK(passes::runLicm(t.m));
  REQUIRE(verify(t.m) == "");
  const Block &top = t.fn().body;
  CHECK(countOps(top, bc::Op::MulSS) == 2);
  size_t topMuls = 0, topNegs = 0;
  for (const auto &in : top.insts) {
    topMuls += in->kind == IrOp::Bc && in->op == bc::Op::MulSS;
    topNegs += in->kind == IrOp::Bc && in->op == bc::Op::NegS;
  }
  CHECK(topMuls == 1);
  CHECK(topNegs == 1);
  CHECK(backend::estimate(t.m, 2).needs.material[bc::Material::Triple] ==
        2 + 2); // hoisted + one run-time iteration
}

TEST_CASE("schedule: independent multiplications form one group per depth level") {
  // out = (a*b) * (c*d) + e*f : depth 2, 4 multiplications -> 2 groups
  TestModule t({1, 1, 1, 1, 1, 1}, {1});
  Builder b = t.builder();
  std::vector<ValueId> in;
  ValueId ab = kNoValue;
  for (int i = 0; i < 6; ++i) {
    in.push_back(b.op(bc::Op::Input, sint(), {}, {i}));
    if (i == 1) ab = b.op(bc::Op::MulSS, sint(), {in[0], in[1]}); // interleaved on purpose
  }
  ValueId cd = b.op(bc::Op::MulSS, sint(), {in[2], in[3]});
  ValueId abcd = b.op(bc::Op::MulSS, sint(), {ab, cd});
  ValueId ef = b.op(bc::Op::MulSS, sint(), {in[4], in[5]});
  ValueId sum = b.op(bc::Op::AddSS, sint(), {abcd, ef});
  b.opNoResult(bc::Op::OutputS, {sum}, {0});
  b.ret({});
  REQUIRE(verify(t.m) == "");
  backend::Cost before = backend::estimate(t.m, 3);
  CHECK(passes::runSchedule(t.m));
  REQUIRE(verify(t.m) == "");
  backend::Cost after = backend::estimate(t.m, 3);
  // {in0, in1}, {ab, in2..in5}, {cd}, {abcd, ef}, {output}
  CHECK(before.rounds == 5);
  CHECK(after.rounds == 4); // inputs, {ab, cd, ef}, abcd, output
  CHECK(after.text.find("depth: 4\n") != std::string::npos);
  CHECK(after.needs.material[bc::Material::Triple] == 4);
}

TEST_CASE("trunc-merge: chains of single-use truncations become one, up to 62 bits") {
  TestModule t({1}, {1, 1, 1, 1});
  Builder b = t.builder();
  ValueId x = b.op(bc::Op::Input, sfix(), {}, {0});
  ValueId t1 = b.op(bc::Op::TruncS, sfix(), {x}, {16});
  ValueId t2 = b.op(bc::Op::TruncS, sfix(), {t1}, {8});
  ValueId t3 = b.op(bc::Op::TruncS, sfix(), {t2}, {4});
  b.opNoResult(bc::Op::OutputS, {t3}, {0});
  // A truncation with two uses stays; one that would exceed 62 bits too.
  ValueId u1 = b.op(bc::Op::TruncS, sfix(), {x}, {16});
  ValueId u2 = b.op(bc::Op::TruncS, sfix(), {u1}, {2});
  b.opNoResult(bc::Op::OutputS, {u1}, {1});
  ValueId v1 = b.op(bc::Op::TruncS, sfix(), {x}, {40});
  ValueId v2 = b.op(bc::Op::TruncS, sfix(), {v1}, {30});
  b.opNoResult(bc::Op::OutputS, {u2}, {2});
  b.opNoResult(bc::Op::OutputS, {v2}, {3});
  b.ret({});
  CHECK(passes::runTruncMerge(t.m));
  REQUIRE(verify(t.m) == "");
  std::vector<std::pair<ValueId, int64_t>> truncs;
  for (const auto &in : t.fn().body.insts)
    if (in->kind == IrOp::Bc && in->op == bc::Op::TruncS)
      truncs.push_back({in->operands[0], in->imms[0]});
  // t1 16, t2 -> (x, 24), t3 -> (x, 28); u1, u2 unchanged; v1, v2 unchanged.
  REQUIRE(truncs.size() == 7);
  CHECK(truncs[1] == std::make_pair(x, int64_t(24)));
  CHECK(truncs[2] == std::make_pair(x, int64_t(28)));
  CHECK(truncs[4] == std::make_pair(u1, int64_t(2)));
  CHECK(truncs[6] == std::make_pair(v1, int64_t(30)));
  CHECK_FALSE(passes::runTruncMerge(t.m));
  CHECK(passes::runDce(t.m));
  CHECK(countOps(t.fn().body, bc::Op::TruncS) == 5);
}

TEST_CASE("pipeline: -O0 only inlines, -O2 runs all passes, dumps name the pass") {
  CHECK(backend::passNames() == std::vector<std::string>{"inline", "constfold", "trunc-merge",
                                                         "cse", "licm", "dce", "fuse", "peel",
                                                         "schedule"});
  TestModule t({1}, {1});
  Builder b = t.builder();
  ValueId x = b.op(bc::Op::Input, sint(), {}, {0});
  b.op(bc::Op::MulSS, sint(), {x, x});
  b.opNoResult(bc::Op::OutputS, {x}, {0});
  b.ret({});
  std::ostringstream dump;
  backend::PassOptions o0;
  o0.optLevel = 0;
  o0.verifyEach = true;
  o0.dumpAfter = {"all"};
  o0.dump = &dump;
  CHECK(backend::runPasses(t.m, o0) == "");
  CHECK(dump.str().find("IR after inline") != std::string::npos);
  CHECK(dump.str().find("IR after dce") == std::string::npos);
  CHECK(countOps(t.fn().body, bc::Op::MulSS) == 1);
  backend::PassOptions o2;
  o2.verifyEach = true;
  o2.dumpAfter = {"dce"};
  std::ostringstream dump2;
  o2.dump = &dump2;
  CHECK(backend::runPasses(t.m, o2) == "");
  CHECK(countOps(t.fn().body, bc::Op::MulSS) == 0);
  CHECK(dump2.str().rfind("// -----// IR after dce //----- //\n", 0) == 0);
  backend::PassOptions bad;
  bad.dumpAfter = {"gvn"};
  CHECK(backend::runPasses(t.m, bad) == "unknown pass 'gvn' in --dump-ir-after");
}
