//===- emit_test.cpp - register allocation and emission --------------------===//
//
// Emitted programs must pass the bytecode verifier and compute the right
// values on the clear reference VM; loops must not grow with trip counts.
//===----------------------------------------------------------------------===//
#include "compiler/backend/backend.h"
#include "helpers.h"
#include "vm/bytecode/serialize.h"
#include "vm/core/machine.h"
#include "vm/protocols/clear/clear.h"

#include <doctest/doctest.h>

using namespace smpc;
using namespace smpc::testing;

namespace {

bc::Program compileModule(Module &m, int opt = 2) {
  backend::PassOptions o;
  o.optLevel = opt;
  o.verifyEach = true;
  std::string err = backend::runPasses(m, o);
  REQUIRE(err == "");
  bc::Program p = backend::emit(m);
  std::string bad = bc::verifyProgram(p);
  INFO(bc::disassemble(p));
  REQUIRE(bad == "");
  return p;
}

std::vector<vm::OutputValue> runClear(const bc::Program &p, const vm::InputValues &in,
                                      vm::ProtocolStats *stats = nullptr) {
  vm::ClearProtocol proto(3);
  auto out = vm::run(p, proto, in);
  if (stats) *stats = proto.stats();
  return out;
}

size_t count(const bc::Program &p, bc::Op op) {
  size_t n = 0;
  for (const bc::Instr &in : p.code)
    n += in.op == op;
  return n;
}

// acc = x; for i in 0..n { acc = acc * x + x } ; output acc
Module powerLoop(int64_t n) {
  TestModule t({4}, {4});
  Builder b = t.builder();
  ValueId x = b.op(bc::Op::Input, sint(4), {}, {0});
  ValueId lo = b.intConst(0), hi = b.intConst(n);
  Inst &loop = b.forLoop(lo, hi, {x});
  Builder body(t.fn(), loop.regions[0]);
  ValueId sq = body.op(bc::Op::MulSS, sint(4), {loop.regions[0].args[1], x});
  body.yield({body.op(bc::Op::AddSS, sint(4), {sq, x})});
  b.opNoResult(bc::Op::OutputS, {loop.results[0]}, {0});
  b.ret({});
  return std::move(t.m);
}

} // namespace

TEST_CASE("emit: a loop-carried vector stays in one register and the result is right") {
  Module m = powerLoop(3);
  bc::Program p = compileModule(m);
  // x is still read in the loop, so the carried value starts as one copy of
  // it; inside the loop the yielded sum is written straight into the
  // carried register (no copy per iteration).
  CHECK(count(p, bc::Op::MovS) == 1);
  size_t head = 0;
  while (p.code[head].op != bc::Op::LtP)
    ++head;
  for (size_t pc = head; pc < p.code.size(); ++pc)
    CHECK(p.code[pc].op != bc::Op::MovS);
  vm::ProtocolStats st;
  auto out = runClear(p, {{"in0", {1, 2, 3, 0}}}, &st);
  REQUIRE(out.size() == 1);
  // x -> x^2+x -> (x^2+x)x+x -> ...
  std::vector<uint64_t> want;
  for (uint64_t x : {1, 2, 3, 0}) {
    uint64_t acc = x;
    for (int i = 0; i < 3; ++i)
      acc = acc * x + x;
    want.push_back(acc);
  }
  CHECK(out[0].data == want);
  backend::Cost c = backend::estimate(m, 3);
  CHECK(c.rounds == st.rounds);
  CHECK(c.needs.material == st.material);
  CHECK(p.needs.material[bc::Material::Triple] == 12);
  CHECK(c.needs.exact());
}

TEST_CASE("emit: code size and compile output do not depend on the trip count") {
  Module small = powerLoop(10), big = powerLoop(1000000);
  bc::Program a = compileModule(small), b = compileModule(big);
  CHECK(a.code.size() == b.code.size());
  CHECK(a.sregLen == b.sregLen);
  CHECK(backend::estimate(big, 2).needs.material[bc::Material::Triple] == 4000000);
}

TEST_CASE("emit: in-place stores with a run-time index, no copy when the old vector dies") {
  // v = x; for i in 0..4 { v[i] = x[i] * x[i] } ; output v
  TestModule t({4}, {4});
  Builder b = t.builder();
  ValueId x = b.op(bc::Op::Input, sint(4), {}, {0});
  Inst &loop = b.forLoop(b.intConst(0), b.intConst(4), {x});
  Block &blk = loop.regions[0];
  Builder body(t.fn(), blk);
  ValueId xi = body.op(bc::Op::SliceDynS, sint(), {x, blk.args[0]}, {1, 1, 1});
  ValueId sq = body.op(bc::Op::MulSS, sint(), {xi, xi});
  ValueId v2 = body.op(bc::Op::StoreDynS, sint(4), {blk.args[1], sq, blk.args[0]}, {1, 1, 1});
  body.yield({v2});
  b.opNoResult(bc::Op::OutputS, {loop.results[0]}, {0});
  b.ret({});
  bc::Program p = compileModule(t.m);
  // x is still read inside the loop, so the carried vector starts as a copy;
  // inside the loop the store updates it in place.
  CHECK(count(p, bc::Op::MovS) == 1);
  auto out = runClear(p, {{"in0", {5, 6, 7, 8}}});
  CHECK(out[0].data == std::vector<uint64_t>{25, 36, 49, 64});
}

TEST_CASE("emit: a store whose old vector is still live copies first") {
  TestModule t({3}, {3, 3});
  Builder b = t.builder();
  ValueId x = b.op(bc::Op::Input, sint(3), {}, {0});
  ValueId one = b.op(bc::Op::Classify, sint(), {b.intConst(9)});
  ValueId y = b.op(bc::Op::StoreS, sint(3), {x, one}, {1, 1, 1, 1});
  b.opNoResult(bc::Op::OutputS, {y}, {0});
  b.opNoResult(bc::Op::OutputS, {x}, {1}); // outputs keep their order: x outlives the store
  b.ret({});
  bc::Program p = compileModule(t.m);
  CHECK(count(p, bc::Op::MovS) == 1);
  auto out = runClear(p, {{"in0", {1, 2, 3}}});
  CHECK(out[0].data == std::vector<uint64_t>{1, 9, 3});
  CHECK(out[1].data == std::vector<uint64_t>{1, 2, 3});
}

TEST_CASE("emit: swapping loop-carried values is a parallel copy") {
  TestModule t({1, 1}, {1, 1});
  Builder b = t.builder();
  ValueId x = b.op(bc::Op::Input, sint(), {}, {0});
  ValueId y = b.op(bc::Op::Input, sint(), {}, {1});
  Inst &loop = b.forLoop(b.intConst(0), b.intConst(3), {x, y});
  Block &blk = loop.regions[0];
  Builder body(t.fn(), blk);
  body.yield({blk.args[2], blk.args[1]});
  b.opNoResult(bc::Op::OutputS, {loop.results[0]}, {0});
  b.opNoResult(bc::Op::OutputS, {loop.results[1]}, {1});
  b.ret({});
  bc::Program p = compileModule(t.m, 0);
  auto out = runClear(p, {{"in0", {11}}, {"in1", {22}}});
  CHECK(out[0].data[0] == 22); // three swaps
  CHECK(out[1].data[0] == 11);
}

TEST_CASE("emit: if/else and while loops") {
  // n = 0; while n < 5 { n = n + 2 }; r = if n == 6 { x * x } else { -x }
  TestModule t({2}, {2});
  bc::IoEntry pub;
  pub.name = "n";
  pub.secret = false;
  t.m.outputs.push_back(pub);
  Builder b = t.builder();
  ValueId x = b.op(bc::Op::Input, sint(2), {}, {0});
  Inst &w = b.whileOp({b.intConst(0)}, {pint()});
  Builder before(t.fn(), w.regions[0]), after(t.fn(), w.regions[1]);
  ValueId c = before.op(bc::Op::LtP, pbool(), {w.regions[0].args[0], before.intConst(5)});
  before.condition(c, {w.regions[0].args[0]});
  after.yield({after.op(bc::Op::AddP, pint(), {w.regions[1].args[0], after.intConst(2)})});
  ValueId is6 = b.op(bc::Op::EqP, pbool(), {w.results[0], b.intConst(6)});
  Inst &br = b.ifOp(is6, {sint(2)});
  Builder th(t.fn(), br.regions[0]), el(t.fn(), br.regions[1]);
  th.yield({th.op(bc::Op::MulSS, sint(2), {x, x})});
  el.yield({el.op(bc::Op::NegS, sint(2), {x})});
  b.opNoResult(bc::Op::OutputS, {br.results[0]}, {0});
  b.opNoResult(bc::Op::OutputP, {w.results[0]}, {1});
  b.ret({});
  bc::Program p = compileModule(t.m);
  auto out = runClear(p, {{"in0", {3, 4}}});
  CHECK(out[1].data[0] == 6);
  CHECK(out[0].data == std::vector<uint64_t>{9, 16});
  backend::Cost cost = backend::estimate(t.m, 2);
  CHECK_FALSE(cost.needs.exact());
  CHECK(cost.text.find("exact: no") != std::string::npos);
}

TEST_CASE("emit: round groups, header fields and source map") {
  TestModule t({1, 1, 1}, {1});
  t.m.inputs[2].party = 2;
  t.m.files = {"prog.smpc"};
  Builder b = t.builder();
  b.setLoc({0, 7, 3});
  ValueId x = b.op(bc::Op::Input, sint(), {}, {0});
  ValueId y = b.op(bc::Op::Input, sint(), {}, {1});
  ValueId z = b.op(bc::Op::Input, sint(), {}, {2});
  ValueId xy = b.op(bc::Op::MulSS, sint(), {x, y});
  ValueId yz = b.op(bc::Op::MulSS, sint(), {y, z});
  b.opNoResult(bc::Op::OutputS, {b.op(bc::Op::AddSS, sint(), {xy, yz})}, {0});
  b.ret({});
  t.m.fracBits = 12;
  bc::Program p = compileModule(t.m);
  CHECK(p.fracBits == 12);
  CHECK(p.minParties == 3);
  CHECK(p.srcmap.size() == p.code.size());
  CHECK(p.srcmap[0].line == 7);
  CHECK(p.files == std::vector<std::string>{"prog.smpc"});
  REQUIRE(p.code[0].op == bc::Op::Round);
  CHECK(p.code[0].a[0] == 3);
  CHECK(p.code[4].op == bc::Op::Round);
  CHECK(p.code[4].a[0] == 2);
  CHECK(p.needs.material[bc::Material::Triple] == 2);
  CHECK(p.needs.rounds == 3);
  vm::ProtocolStats st;
  auto out = runClear(p, {{"in0", {2}}, {"in1", {3}}, {"in2", {4}}}, &st);
  CHECK(out[0].data[0] == 18);
  CHECK(st.rounds == 3);
}

TEST_CASE("emit: a long chain of statements needs few registers") {
  TestModule t({16}, {16});
  Builder b = t.builder();
  ValueId acc = b.op(bc::Op::Input, sint(16), {}, {0});
  ValueId x = acc;
  for (int i = 0; i < 10000; ++i) {
    ValueId c = b.constant(pint(16), std::vector<uint64_t>(16, uint64_t(i)));
    acc = b.op(i % 3 ? bc::Op::AddSP : bc::Op::MulSP, sint(16), {acc, c});
    if (i % 100 == 0) acc = b.op(bc::Op::AddSS, sint(16), {acc, x});
  }
  b.opNoResult(bc::Op::OutputS, {acc}, {0});
  b.ret({});
  bc::Program p = compileModule(t.m);
  CHECK(p.sregLen.size() <= 3);
  CHECK(p.pregLen.size() <= 2);
  std::vector<uint64_t> xs(16);
  for (size_t i = 0; i < 16; ++i)
    xs[i] = i * 7 + 1;
  auto out = runClear(p, {{"in0", xs}});
  std::vector<uint64_t> want = xs;
  for (size_t k = 0; k < 16; ++k) {
    uint64_t a = xs[k];
    for (int i = 0; i < 10000; ++i) {
      a = i % 3 ? a + uint64_t(i) : a * uint64_t(i);
      if (i % 100 == 0) a += xs[k];
    }
    want[k] = a;
  }
  CHECK(out[0].data == want);
}

TEST_CASE("fuse: independent loops share rounds, remainders finish the longer one") {
  // a: for i in 2..5 { a = a * x }       (3 iterations)
  // d: a value between the loops that depends on the first one
  // b: for j in 0..7 { b = trunc(b * y + j) } (7 iterations, reads its counter)
  auto build = [] {
    TestModule t({3, 3}, {3, 3, 3});
    Builder b = t.builder();
    ValueId x = b.op(bc::Op::Input, sint(3), {}, {0});
    ValueId y = b.op(bc::Op::Input, sint(3), {}, {1});
    Inst &l1 = b.forLoop(b.intConst(2), b.intConst(5), {x});
    Builder in1(t.fn(), l1.regions[0]);
    in1.yield({in1.op(bc::Op::MulSS, sint(3), {l1.regions[0].args[1], x})});
    ValueId d = b.op(bc::Op::AddSS, sint(3), {l1.results[0], x});
    Inst &l2 = b.forLoop(b.intConst(0), b.intConst(7), {y});
    Block &b2 = l2.regions[0];
    Builder in2(t.fn(), b2);
    ValueId m = in2.op(bc::Op::MulSS, sint(3), {b2.args[1], y});
    ValueId iv = in2.op(bc::Op::Classify, sint(), {b2.args[0]});
    ValueId s = in2.op(bc::Op::AddSS, sint(3), {m, iv});
    in2.yield({in2.op(bc::Op::TruncS, sint(3), {s}, {1})});
    b.opNoResult(bc::Op::OutputS, {l1.results[0]}, {0});
    b.opNoResult(bc::Op::OutputS, {d}, {1});
    b.opNoResult(bc::Op::OutputS, {l2.results[0]}, {2});
    b.ret({});
    return std::move(t.m);
  };
  Module m0 = build(), m2 = build();
  bc::Program p0 = compileModule(m0, 0), p2 = compileModule(m2, 2);
  vm::InputValues in = {{"in0", {3, 5, 7}}, {"in1", {2, 4, 6}}};
  vm::ProtocolStats s0, s2;
  auto o0 = runClear(p0, in, &s0), o2 = runClear(p2, in, &s2);
  REQUIRE(o0.size() == 3);
  for (size_t i = 0; i < 3; ++i)
    CHECK(o0[i].data == o2[i].data);
  // unfused: 3 + 7 * 2 rounds of loops; fused: 3 * 2 + 4 * 2
  CHECK(s0.rounds == 1 + 3 + 14 + 1);
  CHECK(s2.rounds == 1 + 6 + 8 + 1);
  CHECK(backend::estimate(m2, 3).rounds == s2.rounds);
  CHECK(s2.material == s0.material);
}
