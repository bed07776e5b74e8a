//===- test_ops.cpp - every opcode on hand-built programs under clear -----===//
#include "tests/bytecode/samples.h"
#include "tests/vm/run_helper.h"
#include "vm/bytecode/cost.h"
#include "vm/bytecode/limits.h"
#include "vm/core/errors.h"

#include <doctest/doctest.h>

using namespace smpc;
using namespace smpc::testing;
using bc::Op;

namespace {

// Builds: public vectors a, b (from constants), applies `op` into a public
// result of length n, outputs it as "r".
std::vector<uint64_t> pubBinary(Op op, std::vector<uint64_t> a, std::vector<uint64_t> b, uint32_t n,
                                int64_t imm = -1) {
  bc::ProgramBuilder pb;
  auto ra = pb.pconst(a), rb = pb.pconst(b), r = pb.preg(n);
  if (imm >= 0)
    pb.emit(op, {r, ra, imm});
  else if (bc::numOperands(op) == 2)
    pb.emit(op, {r, ra});
  else
    pb.emit(op, {r, ra, rb});
  auto o = pb.output("r", ElemType::Int, n, 1, {}, false, 1);
  pb.emit(Op::OutputP, {r, o});
  return runClear(pb.prog)["r"];
}

// Same with secret operands: a and b are classified first, the result opened.
std::vector<uint64_t> secBinary(Op op, std::vector<uint64_t> a, std::vector<uint64_t> b, uint32_t n,
                                int64_t imm = -1) {
  bc::ProgramBuilder pb;
  auto pa = pb.pconst(a), pbr = pb.pconst(b);
  auto sa = pb.sreg(uint32_t(a.size())), sb = pb.sreg(uint32_t(b.size())), r = pb.sreg(n);
  pb.emit(Op::Classify, {sa, pa});
  pb.emit(Op::Classify, {sb, pbr});
  const bc::OperandList &ops = bc::info(op).operands;
  if (imm >= 0)
    pb.emit(op, {r, sa, imm});
  else if (ops.size() == 2)
    pb.emit(op, {r, sa});
  else if (ops[2] == bc::Operand::PR)
    pb.emit(op, {r, sa, pbr});
  else if (ops[1] == bc::Operand::PR)
    pb.emit(op, {r, pa, sb});
  else
    pb.emit(op, {r, sa, sb});
  auto o = pb.output("r", ElemType::Int, n, 1, {}, true, 1);
  pb.emit(Op::OutputS, {r, o});
  return runClear(pb.prog)["r"];
}

} // namespace

TEST_CASE("public arithmetic wraps around the 64-bit ring") {
  CHECK(pubBinary(Op::AddP, u({INT64_MAX, 1}), u({1, 2}), 2) == u({INT64_MIN, 3}));
  CHECK(pubBinary(Op::SubP, u({INT64_MIN, 5}), u({1, 7}), 2) == u({INT64_MAX, -2}));
  CHECK(pubBinary(Op::MulP, u({1LL << 62, -3}), u({4, 5}), 2) == u({0, -15}));
  CHECK(pubBinary(Op::NegP, u({INT64_MIN, 4}), u({0}), 2) == u({INT64_MIN, -4}));
}

TEST_CASE("public division, remainder and fixed-point division") {
  CHECK(pubBinary(Op::DivP, u({7, -7, 7, INT64_MIN}), u({2, 2, -2, -1}), 4) ==
        u({3, -3, -3, INT64_MIN}));
  CHECK(pubBinary(Op::ModP, u({7, -7, 7, INT64_MIN}), u({2, 2, -2, -1}), 4) == u({1, -1, 1, 0}));
  CHECK(pubBinary(Op::FDivP, u({int64_t(fx(1.0)), int64_t(fx(-3.0))}),
                  u({int64_t(fx(4.0)), int64_t(fx(2.0))}),
                  2) == std::vector<uint64_t>{fx(0.25), fx(-1.5)});
}

TEST_CASE("shifts, comparisons, equality") {
  CHECK(pubBinary(Op::ShlP, u({1, -1}), u({0}), 2, 63) == u({INT64_MIN, INT64_MIN}));
  CHECK(pubBinary(Op::ShrP, u({-5, 5}), u({0}), 2, 1) == u({-3, 2})); // floor
  CHECK(pubBinary(Op::LtP, u({-1, 3, 3}), u({0, 3, 2}), 3) == u({1, 0, 0}));
  CHECK(pubBinary(Op::EqP, u({-1, 3}), u({-1, 4}), 2) == u({1, 0}));
}

TEST_CASE("a length-1 operand is broadcast on either side") {
  CHECK(pubBinary(Op::AddP, u({10}), u({1, 2, 3}), 3) == u({11, 12, 13}));
  CHECK(pubBinary(Op::SubP, u({10, 20, 30}), u({1}), 3) == u({9, 19, 29}));
  CHECK(pubBinary(Op::MulP, u({2}), u({3}), 3) == u({6, 6, 6}));
  CHECK(secBinary(Op::MulSS, u({2}), u({1, 2, 3}), 3) == u({2, 4, 6}));
  CHECK(secBinary(Op::LtzS, u({-1}), u({0}), 2) == u({1, 1}));
}

TEST_CASE("secret linear operations") {
  CHECK(secBinary(Op::AddSS, u({1, 2}), u({10, 20}), 2) == u({11, 22}));
  CHECK(secBinary(Op::AddSP, u({1, 2}), u({10, 20}), 2) == u({11, 22}));
  CHECK(secBinary(Op::SubSS, u({1, 2}), u({10, 20}), 2) == u({-9, -18}));
  CHECK(secBinary(Op::SubSP, u({1, 2}), u({10}), 2) == u({-9, -8}));
  CHECK(secBinary(Op::SubPS, u({1, 2}), u({10, 20}), 2) == u({-9, -18}));
  CHECK(secBinary(Op::NegS, u({1, INT64_MIN}), u({0}), 2) == u({-1, INT64_MIN}));
  CHECK(secBinary(Op::MulSP, u({3, -4}), u({5, 5}), 2) == u({15, -20}));
  CHECK(secBinary(Op::MovS, u({7}), u({0}), 3) == u({7, 7, 7}));
}

TEST_CASE("secret interactive operations") {
  CHECK(secBinary(Op::MulSS, u({3, INT64_MAX}), u({-4, 2}), 2) == u({-12, -2}));
  CHECK(secBinary(Op::LtzS, u({-1, 0, 1, INT64_MIN, INT64_MAX}), u({0}), 5) == u({1, 0, 0, 1, 0}));
  CHECK(secBinary(Op::EqzS, u({-1, 0, 1}), u({0}), 3) == u({0, 1, 0}));
}

TEST_CASE("fixed-point truncation is floor under clear") {
  // 1.5 * 1.5 = 2.25; -1.5 * 1.5 = -2.25 (floor of the scaled product).
  std::vector<uint64_t> a = {fx(1.5), fx(-1.5), 1, uint64_t(-1)};
  auto prod = secBinary(Op::MulSS, a, {fx(1.5), fx(1.5), fx(1.0), fx(1.0)}, 4);
  CHECK(secBinary(Op::TruncS, prod, {0}, 4, 16) ==
        std::vector<uint64_t>{fx(2.25), fx(-2.25), 1, uint64_t(-1)});
  // 3 * 2^-16 * 0.5 = 1.5 * 2^-16 -> floor 1; negative -> floor -2.
  auto p2 = secBinary(Op::MulSS, u({3, -3}), {fx(0.5), fx(0.5)}, 2);
  CHECK(secBinary(Op::TruncS, p2, {0}, 2, 16) == u({1, -2}));
}

TEST_CASE("sums reduce groups, matrix products in every bank") {
  CHECK(pubBinary(Op::SumP, u({1, 2, 3, 4, 5, 6}), u({0}), 2) == u({6, 15}));
  CHECK(secBinary(Op::SumS, u({1, 2, 3, 4, 5, 6}), u({0}), 1) == u({21}));
  bc::ProgramBuilder pb;
  auto A = pb.pconst(u({1, 2, 3, 4, 5, 6})), B = pb.pconst(u({7, 8, 9, 10, 11, 12}));
  auto sA = pb.sreg(6), sB = pb.sreg(6), r1 = pb.sreg(4), r2 = pb.sreg(4), r3 = pb.sreg(4);
  auto r4 = pb.preg(4), r5 = pb.sreg(9);
  pb.emit(Op::Classify, {sA, A});
  pb.emit(Op::Classify, {sB, B});
  pb.emit(Op::MatMulSS, {r1, sA, sB, 2, 3, 2});
  pb.emit(Op::MatMulSP, {r2, sA, B, 2, 3, 2});
  pb.emit(Op::MatMulPS, {r3, A, sB, 2, 3, 2});
  pb.emit(Op::MatMulP, {r4, A, B, 2, 3, 2});
  pb.emit(Op::MatMulSS, {r5, sB, sA, 3, 2, 3}); // 3x2 @ 2x3
  int64_t o[5];
  for (int i = 0; i < 4; ++i)
    o[i] = pb.output("m" + std::to_string(i), ElemType::Int, 2, 2);
  o[4] = pb.output("m4", ElemType::Int, 3, 3);
  pb.emit(Op::OutputS, {r1, o[0]});
  pb.emit(Op::OutputS, {r2, o[1]});
  pb.emit(Op::OutputS, {r3, o[2]});
  pb.emit(Op::OutputP, {r4, o[3]});
  pb.emit(Op::OutputS, {r5, o[4]});
  auto out = runClear(pb.prog);
  for (int i = 0; i < 4; ++i)
    CHECK(out["m" + std::to_string(i)] == u({58, 64, 139, 154}));
  CHECK(out["m4"] == u({39, 54, 69, 49, 68, 87, 59, 82, 105}));
}

TEST_CASE("static slices and stores: rows, columns, strides, in place") {
  bc::ProgramBuilder pb;
  // 3x3 matrix 1..9
  auto m = pb.pconst(u({1, 2, 3, 4, 5, 6, 7, 8, 9}));
  auto col = pb.preg(3), row = pb.preg(3), sub = pb.preg(4), tr = pb.preg(9), rev = pb.preg(3);
  pb.emit(Op::SliceP, {col, m, 1, 1, 3, 0});  // column 1: 2 5 8
  pb.emit(Op::SliceP, {row, m, 6, 3, 0, 1});  // row 2: 7 8 9
  pb.emit(Op::SliceP, {sub, m, 4, 2, 3, 1});  // m[1:3, 1:3]: 5 6 8 9
  pb.emit(Op::SliceP, {tr, m, 0, 3, 1, 3});   // transpose
  pb.emit(Op::SliceP, {rev, m, 8, 1, -1, 0}); // 9 8 7
  auto sm = pb.sreg(9), sv = pb.sreg(2);
  pb.emit(Op::Classify, {sm, m});
  pb.emit(Op::Classify, {sv, pb.pconst(u({100, 200}))});
  pb.emit(Op::StoreS, {sm, sv, 3, 1, 3, 0}); // m[1:3, 0] := 100, 200
  pb.emit(Op::StoreP, {m, m, 0, 9, 0, 1});   // self-store is a no-op
  const char *names[] = {"col", "row", "sub", "tr", "rev"};
  int64_t regs[] = {col, row, sub, tr, rev};
  uint32_t lens[] = {3, 3, 4, 9, 3};
  for (int i = 0; i < 5; ++i)
    pb.emit(Op::OutputP, {regs[i], pb.output(names[i], ElemType::Int, lens[i])});
  pb.emit(Op::OutputS, {sm, pb.output("stored", ElemType::Int, 9)});
  auto out = runClear(pb.prog);
  CHECK(out["col"] == u({2, 5, 8}));
  CHECK(out["row"] == u({7, 8, 9}));
  CHECK(out["sub"] == u({5, 6, 8, 9}));
  CHECK(out["tr"] == u({1, 4, 7, 2, 5, 8, 3, 6, 9}));
  CHECK(out["rev"] == u({9, 8, 7}));
  CHECK(out["stored"] == u({1, 2, 3, 100, 5, 6, 200, 8, 9}));
}

TEST_CASE("dynamic slices and stores in a loop: reverse a secret vector") {
  bc::ProgramBuilder pb;
  auto in = pb.input("v", ElemType::Int, 0, 5, 1, 1);
  auto v = pb.sreg(5), r = pb.sreg(5), e = pb.sreg(1);
  pb.emit(Op::Input, {v, in});
  auto i = pb.pconst({0}), j = pb.preg(), c = pb.preg(), one = pb.pconst({1}),
       four = pb.pconst({4});
  auto five = pb.pconst({5});
  size_t top = pb.here();
  pb.emit(Op::LtP, {c, i, five});
  size_t jz = pb.emit(Op::Jz, {c, 0});
  pb.emit(Op::SliceDynS, {e, v, i, 1, 1, 0});
  pb.emit(Op::SubP, {j, four, i});
  pb.emit(Op::StoreDynS, {r, e, j, 1, 1, 0});
  pb.emit(Op::AddP, {i, i, one});
  pb.emit(Op::Jmp, {int64_t(top)});
  pb.prog.code[jz].a[1] = int64_t(pb.here());
  pb.emit(Op::OutputS, {r, pb.output("r", ElemType::Int, 5)});
  CHECK(runClear(pb.prog, {{"v", u({1, 2, 3, 4, 5})}})["r"] == u({5, 4, 3, 2, 1}));
}

TEST_CASE("public moves broadcast, secret slices, open reveals") {
  CHECK(pubBinary(Op::MovP, u({-3}), u({0}), 3) == u({-3, -3, -3}));
  bc::ProgramBuilder pb;
  auto m = pb.pconst(u({1, 2, 3, 4, 5, 6}));
  auto sm = pb.sreg(6), col = pb.sreg(2), opened = pb.preg(2);
  pb.emit(Op::Classify, {sm, m});
  pb.emit(Op::SliceS, {col, sm, 2, 1, 3, 0}); // column 2 of a 2x3 matrix: 3 6
  pb.emit(Op::Open, {opened, col});
  pb.emit(Op::OutputP, {opened, pb.output("col", ElemType::Int, 2, 1, {}, false)});
  CHECK(runClear(pb.prog)["col"] == u({3, 6}));
}

TEST_CASE("dynamic public slices and stores: rotate a vector by a run-time offset") {
  bc::ProgramBuilder pb;
  auto v = pb.pconst(u({10, 20, 30, 40})), r = pb.pconst(u({0, 0, 0, 0}));
  auto e = pb.preg(), off = pb.pconst({1}), dst = pb.pconst({0});
  auto one = pb.pconst({1}), three = pb.pconst({3});
  // r[dst] := v[off] for (off, dst) = (1, 0), (2, 1), (3, 2); then r[3] := v[0].
  for (int k = 0; k < 3; ++k) {
    pb.emit(Op::SliceDynP, {e, v, off, 1, 1, 0});
    pb.emit(Op::StoreDynP, {r, e, dst, 1, 1, 0});
    pb.emit(Op::AddP, {off, off, one});
    pb.emit(Op::AddP, {dst, dst, one});
  }
  pb.emit(Op::SliceP, {e, v, 0, 1, 1, 0});
  pb.emit(Op::StoreDynP, {r, e, three, 1, 1, 0});
  pb.emit(Op::OutputP, {r, pb.output("r", ElemType::Int, 4, 1, {}, false)});
  CHECK(runClear(pb.prog)["r"] == u({20, 30, 40, 10}));
}

TEST_CASE("jumps: a public loop and conditional branches") {
  CHECK(runClear(loopProgram(10), {{"x", u({3})}})["r"] == u({135}));
  CHECK(runClear(loopProgram(0), {{"x", u({3})}})["r"] == u({0}));
  bc::ProgramBuilder pb;
  auto t = pb.pconst({1}), r = pb.pconst({0}), k = pb.pconst({42});
  size_t j = pb.emit(Op::Jnz, {t, 0});
  pb.emit(Op::MovP, {r, t});
  pb.prog.code[j].a[1] = int64_t(pb.here());
  pb.emit(Op::AddP, {r, r, k});
  pb.emit(Op::OutputP, {r, pb.output("r", ElemType::Int)});
  CHECK(runClear(pb.prog)["r"] == u({42}));
}

TEST_CASE("round groups run as one round, stats count semi2k rounds") {
  vm::ProtocolStats st;
  auto out = runClear(statsProgram(2), {{"a", {fx(1), fx(2)}}, {"b", {fx(3), fx(4)}}}, &st);
  CHECK(out["mean"] == std::vector<uint64_t>{fx(2.5)});
  CHECK(out["below"] == u({2}));
  // input group 1 + trunc 1 + ltz 8 + output group 1
  CHECK(st.rounds == 11);
  CHECK(st.material[bc::Material::Trunc] == 1);
  CHECK(st.material[bc::Material::EdaBit] == 4);
  CHECK(st.material[bc::Material::BoolTriple] == bc::kLtzAndsPerWord);
  // The same ops without round groups need more rounds.
  bc::Program p = statsProgram(2);
  std::vector<bc::Instr> code;
  std::vector<bc::SourceLoc> map;
  for (size_t i = 0; i < p.code.size(); ++i)
    if (p.code[i].op != Op::Round) code.push_back(p.code[i]), map.push_back(p.srcmap[i]);
  p.code = code;
  p.srcmap = map;
  runClear(p, {{"a", {fx(1), fx(2)}}, {"b", {fx(3), fx(4)}}}, &st);
  CHECK(st.rounds == 13);
}

TEST_CASE("an operand aliasing the result is read before it is overwritten") {
  bc::ProgramBuilder pb;
  auto s = pb.sreg(3);
  pb.emit(Op::Classify, {s, pb.pconst(u({2, 3, -4}))});
  pb.emit(Op::MulSS, {s, s, s});
  pb.emit(Op::TruncS, {s, s, 1});
  pb.emit(Op::OutputS, {s, pb.output("r", ElemType::Int, 3)});
  CHECK(runClear(pb.prog)["r"] == u({2, 4, 8}));
}

TEST_CASE("outputs: recipients, secret and public, table order") {
  bc::ProgramBuilder pb;
  auto o1 = pb.output("second", ElemType::Int, 1, 1, {1});
  auto o0 = pb.output("first", ElemType::Bool, 1, 1, {}, false);
  auto p = pb.pconst({1});
  auto s = pb.sreg();
  pb.emit(Op::Classify, {s, p});
  pb.emit(Op::OutputP, {p, o0});
  pb.emit(Op::OutputS, {s, o1});
  vm::ClearProtocol proto;
  auto outs = vm::run(pb.prog, proto, {}, countingOptions());
  REQUIRE(outs.size() == 2);
  CHECK(outs[0].entry.name == "second");
  CHECK(outs[1].entry.name == "first");
}

// ---- run-time errors ------------------------------------------------------

namespace {
std::string runtimeError(const bc::Program &p, const vm::InputValues &in = {}, uint64_t steps = 0) {
  REQUIRE(bc::verifyProgram(p) == "");
  vm::ClearProtocol proto;
  vm::RunOptions ro = countingOptions(steps);
  try {
    vm::run(p, proto, in, ro);
  } catch (const vm::RuntimeError &e) {
    return e.what();
  }
  return "(no error)";
}
} // namespace

TEST_CASE("division by zero names the source position") {
  bc::ProgramBuilder pb;
  auto a = pb.pconst({7}), z = pb.pconst({0}), r = pb.preg();
  pb.emit(Op::DivP, {r, a, z}, 12, 5);
  CHECK(runtimeError(pb.prog) == "test.smpc:12:5: division by zero (instruction 2)");
  pb.prog.code[2].op = Op::ModP;
  CHECK(runtimeError(pb.prog) == "test.smpc:12:5: remainder by zero (instruction 2)");
  pb.prog.code[2].op = Op::FDivP;
  CHECK(runtimeError(pb.prog) == "test.smpc:12:5: fixed-point division by zero (instruction 2)");
  pb.prog.srcmap.clear();
  CHECK(runtimeError(pb.prog) == "fixed-point division by zero (instruction 2)");
}

TEST_CASE("a dynamic index out of bounds names the source position") {
  bc::ProgramBuilder pb;
  auto v = pb.sreg(4), e = pb.sreg(1);
  auto i = pb.pconst({4});
  pb.emit(Op::SliceDynS, {e, v, i, 1, 1, 0}, 3, 14);
  CHECK(runtimeError(pb.prog) ==
        "test.smpc:3:14: index 4 is out of bounds for a vector of length 4 (instruction 1)");
  pb.prog.consts[0] = u({-1});
  CHECK(runtimeError(pb.prog).find("index -1 is out of bounds") != std::string::npos);
  pb.prog.code[1] = bc::Instr{Op::StoreDynS, {v, e, i, 1, 1, 0}};
  CHECK(runtimeError(pb.prog).find("test.smpc:3:14: index -1 is out of bounds") !=
        std::string::npos);
  pb.prog.consts[0] = u({INT64_MAX});
  pb.prog.code[1] = bc::Instr{Op::SliceDynS, {v, v, i, 2, 1, 1}}; // huge offset, no overflow
  CHECK(runtimeError(pb.prog).find("out of bounds") != std::string::npos);
}

TEST_CASE("the step limit stops an endless loop") {
  bc::ProgramBuilder pb;
  pb.emit(Op::Jmp, {0}, 9, 1);
  CHECK(runtimeError(pb.prog, {}, 1000) ==
        "test.smpc:9:1: step limit of 1000 instructions exceeded (instruction 0)");
}

TEST_CASE("missing or wrong-sized inputs are run-time errors") {
  CHECK(runtimeError(loopProgram(2)) ==
        "test.smpc:2:1: input 'x' (party 0) was not provided (instruction 0)");
  CHECK(runtimeError(loopProgram(2), {{"x", u({1, 2})}}) ==
        "test.smpc:2:1: input 'x' has 2 values but the program expects 1 (instruction 0)");
}

TEST_CASE("the clear protocol reports its own misuse as ProtocolError") {
  vm::ClearProtocol proto;
  std::vector<uint64_t> out(2);
  vm::InteractiveOp op;
  op.op = bc::Op::Input;
  op.out = out;
  CHECK_THROWS_WITH_AS(proto.runGroup(std::span(&op, 1)),
                       "clear protocol: input of party 0 was not provided", vm::ProtocolError);
}

TEST_CASE("a protocol's share width is checked before anything is allocated") {
  bc::ProgramBuilder pb;
  auto s = pb.sreg(uint32_t(bc::kMaxVectorLen) - 1); // with the constant: the limit
  pb.emit(Op::Classify, {s, pb.pconst({1})});
  REQUIRE(bc::verifyProgram(pb.prog) == "");
  PlanarProtocol wide(8), tooWide(9);
  CHECK_THROWS_WITH_AS(vm::run(pb.prog, wide, {}),
                       "the program's registers need 2147483641 ring words under protocol "
                       "'planar-test', more than the VM's limit of 1073741824; use a protocol "
                       "with narrower shares or smaller vectors",
                       vm::RuntimeError);
  CHECK_THROWS_WITH_AS(vm::run(pb.prog, tooWide, {}),
                       "protocol 'planar-test' reports a share width of 9; the VM supports 1 to 8",
                       vm::RuntimeError);
}
