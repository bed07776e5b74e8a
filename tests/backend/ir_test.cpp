//===- ir_test.cpp - the IR printer and verifier ---------------------------===//
#include "helpers.h"

#include <doctest/doctest.h>

using namespace smpc;
using namespace smpc::testing;

TEST_CASE("print: straight-line code, a loop with a carried vector, an if") {
  TestModule t({3}, {3});
  Builder b = t.builder();
  ValueId x = b.op(bc::Op::Input, sfix(3), {}, {0});
  ValueId c = b.constant(scalarType(Vis::Public, bc::ElemType::Fix), {65536});
  ValueId y = b.op(bc::Op::MulSP, sfix(3), {x, c});
  ValueId z = b.op(bc::Op::TruncS, sfix(3), {y}, {16});
  ValueId lo = b.intConst(0), hi = b.intConst(4);
  Inst &loop = b.forLoop(lo, hi, {z});
  Builder body(t.fn(), loop.regions[0]);
  ValueId s = body.op(bc::Op::AddSS, sfix(3), {loop.regions[0].args[1], x});
  body.yield({s});
  ValueId cond = b.op(bc::Op::LtP, pbool(), {lo, hi});
  Inst &br = b.ifOp(cond, {sfix(3)});
  Builder th(t.fn(), br.regions[0]), el(t.fn(), br.regions[1]);
  th.yield({loop.results[0]});
  el.yield({el.op(bc::Op::NegS, sfix(3), {x})});
  b.opNoResult(bc::Op::OutputS, {br.results[0]}, {0});
  b.ret({});
  CHECK(verify(t.m) == "");
  CHECK(print(t.m) == R"(func @main() {
  %0 = input #0 : sfix[3]
  %1 = const [65536] : fix
  %2 = mul.sp %0, %1 : sfix[3]
  %3 = trunc.s %2, 16 : sfix[3]
  %4 = const [0] : int
  %5 = const [4] : int
  %8 = for %6 = %4 to %5 iter(%7 = %3) : sfix[3] {
    %9 = add.ss %7, %0 : sfix[3]
    yield %9
  }
  %10 = lt.p %4, %5 : bool
  %11 = if %10 : sfix[3] {
    yield %8
  } else {
    %12 = neg.s %0 : sfix[3]
    yield %12
  }
  output.s %11, #0
  return
}
)");
}

TEST_CASE("print: long constants are abbreviated, while loops show both regions") {
  TestModule t;
  Builder b = t.builder();
  std::vector<uint64_t> data(20, 7);
  b.constant(pint(20), data);
  ValueId zero = b.intConst(0);
  Inst &w = b.whileOp({zero}, {pint()});
  Builder before(t.fn(), w.regions[0]), after(t.fn(), w.regions[1]);
  ValueId ten = before.intConst(10);
  ValueId c = before.op(bc::Op::LtP, pbool(), {w.regions[0].args[0], ten});
  before.condition(c, {w.regions[0].args[0]});
  ValueId one = after.intConst(1);
  after.yield({after.op(bc::Op::AddP, pint(), {w.regions[1].args[0], one})});
  b.ret({});
  CHECK(verify(t.m) == "");
  std::string text = print(t.m);
  CHECK(text.find("const [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, ...] : int[20]") !=
        std::string::npos);
  CHECK(text.find("%4 = while iter(%2 = %1) : int {") != std::string::npos);
  CHECK(text.find("} do(%3) {") != std::string::npos);
  CHECK(text.find("condition %6, %2") != std::string::npos);
}

TEST_CASE("verify: use before definition and use outside the defining region") {
  TestModule t;
  Builder b = t.builder();
  ValueId lo = b.intConst(0);
  Inst &loop = b.forLoop(lo, lo, {});
  Builder body(t.fn(), loop.regions[0]);
  ValueId inner = body.op(bc::Op::AddP, pint(), {lo, lo});
  body.yield({});
  b.op(bc::Op::AddP, pint(), {inner, lo});
  b.ret({});
  CHECK(verify(t.m) == "func @main, %3 = add.p: %2 is used outside the region that defines it");

  TestModule u;
  Builder c = u.builder();
  ValueId later = u.fn().newValue(pint());
  c.op(bc::Op::AddP, pint(), {later, later});
  c.ret({});
  CHECK(verify(u.m) == "func @main, %1 = add.p: %0 is used before its definition");
}

TEST_CASE("verify: operand counts, visibility, lengths and terminators") {
  TestModule t({4});
  Builder b = t.builder();
  ValueId x = b.op(bc::Op::Input, sint(4), {}, {0});
  b.op(bc::Op::MulSS, sint(4), {x});
  b.ret({});
  CHECK(verify(t.m) == "func @main, %1 = mul.ss: takes 2 register operands, got 1");

  TestModule u({4});
  Builder c = u.builder();
  ValueId y = c.op(bc::Op::Input, sint(4), {}, {0});
  c.op(bc::Op::AddP, pint(4), {y, y});
  c.ret({});
  CHECK(verify(u.m) == "func @main, %1 = add.p: operand %0 must be public");

  TestModule v({4});
  Builder d = v.builder();
  ValueId z = d.op(bc::Op::Input, sint(4), {}, {0});
  ValueId w = d.op(bc::Op::Input, sint(4), {}, {0});
  d.op(bc::Op::AddSS, sint(3), {z, w});
  d.ret({});
  CHECK(verify(v.m) == "func @main, %2 = add.ss: operand 1 has length 4, result 3");

  TestModule e({3});
  Builder g = e.builder();
  g.op(bc::Op::Input, sint(4), {}, {0});
  g.ret({});
  CHECK(verify(e.m) == "func @main, %0 = input: length differs from input 'in0'");

  TestModule h;
  Builder k = h.builder();
  k.intConst(1);
  CHECK(verify(h.m) == "func @main: body does not end in return");

  TestModule q;
  Builder r = q.builder();
  ValueId one = r.intConst(1);
  Inst &loop = r.forLoop(one, one, {one});
  Builder body(q.fn(), loop.regions[0]);
  body.yield({});
  r.ret({});
  CHECK(verify(q.m) == "func @main, %3 = for: yield vs for results: 0 values for 1");
}

TEST_CASE("verify: calls check arity and types") {
  TestModule t;
  Function &callee = t.m.functions.emplace_back();
  callee.name = "twice";
  ValueId p = callee.newValue(sint());
  callee.body.args.push_back(p);
  Builder cb(callee, callee.body);
  cb.ret({cb.op(bc::Op::AddSS, sint(), {p, p})});
  callee.resultTypes = {sint()};
  Builder b = t.builder();
  ValueId one = b.intConst(1);
  b.call(1, t.m, {one});
  b.ret({});
  CHECK(verify(t.m) == "func @main, %1 = call: argument 0 of @twice has the wrong type");
}
