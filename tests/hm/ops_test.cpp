//===- ops_test.cpp - every interactive op under rep3 and shamir vs clear ---===//
//
// One program uses every interactive instruction (alone and in round
// groups, with broadcast operands, full-range and edge-case values, vectors
// that do not fill their last 64-bit word) and runs on rep3 and on shamir
// with 3, 4, 5 and 7 parties; every party's outputs must equal the clear
// protocol's, truncations within +1 unit.
//===----------------------------------------------------------------------===//
#include "tests/bytecode/samples.h"
#include "tests/hm/harness.h"

#include <random>

using namespace smpc;
using namespace smpc::testing;

namespace {

constexpr uint32_t kN = 130;

bc::Program allOps() {
  bc::ProgramBuilder b;
  auto ia = b.input("a", ElemType::Int, 0, kN), ib = b.input("b", ElemType::Int, 1, kN);
  auto ic = b.input("c", ElemType::Int, 2, kN);
  auto ifa = b.input("fa", ElemType::Fix, 0, kN), ifb = b.input("fb", ElemType::Fix, 1, kN);
  auto im = b.input("m", ElemType::Int, 2, 6, 5), iq = b.input("q", ElemType::Int, 0, 5, 4);
  auto a = b.sreg(kN), bb = b.sreg(kN), c = b.sreg(kN), fa = b.sreg(kN), fb = b.sreg(kN);
  auto m = b.sreg(30), q = b.sreg(20);
  b.emit(Op::Round, {7});
  b.emit(Op::Input, {a, ia});
  b.emit(Op::Input, {bb, ib});
  b.emit(Op::Input, {c, ic});
  b.emit(Op::Input, {fa, ifa});
  b.emit(Op::Input, {fb, ifb});
  b.emit(Op::Input, {m, im});
  b.emit(Op::Input, {q, iq});
  auto prod = b.sreg(kN), fprod = b.sreg(kN), lt = b.sreg(kN), diff = b.sreg(kN), eq = b.sreg(kN),
       mm = b.sreg(24), dot = b.sreg(1), b0 = b.sreg(1), bc = b.sreg(kN);
  b.emit(Op::SubSS, {diff, a, c});
  b.emit(Op::SliceS, {b0, bb, 0, 1, 1, 0});
  b.emit(Op::Round, {7});
  b.emit(Op::MulSS, {prod, a, bb});
  b.emit(Op::MulSS, {fprod, fa, fb});
  b.emit(Op::LtzS, {lt, a});
  b.emit(Op::EqzS, {eq, diff});
  b.emit(Op::MatMulSS, {mm, m, q, 6, 5, 4});
  b.emit(Op::MatMulSS, {dot, a, bb, 1, kN, 1});
  b.emit(Op::MulSS, {bc, a, b0}); // length-1 operand, broadcast
  auto bit0 = b.sreg(kN), bit63 = b.sreg(kN);
  b.emit(Op::BitS, {bit0, a, 0}); // bit.s as a comparison (no lower bits to clear)
  b.emit(Op::BitS, {bit63, c, 63});
  auto tr = b.sreg(kN), trneg = b.sreg(kN), neg = b.sreg(kN), ltf = b.sreg(kN);
  b.emit(Op::NegS, {neg, fprod});
  b.emit(Op::TruncS, {tr, fprod, 16});
  b.emit(Op::TruncS, {trneg, neg, 16});
  b.emit(Op::LtzS, {ltf, fprod}); // alone, not in a group
  auto opened = b.preg(kN);
  b.emit(Op::Open, {opened, prod});
  b.emit(Op::Round, {9});
  b.emit(Op::OutputS, {prod, b.output("prod", ElemType::Int, kN)});
  b.emit(Op::OutputS, {lt, b.output("lt", ElemType::Bool, kN, 1, {1})});
  b.emit(Op::OutputS, {eq, b.output("eq", ElemType::Bool, kN, 1, {0, 2})});
  b.emit(Op::OutputS, {mm, b.output("mm", ElemType::Int, 6, 4)});
  b.emit(Op::OutputS, {dot, b.output("dot", ElemType::Int)});
  b.emit(Op::OutputS, {bc, b.output("bc", ElemType::Int, kN)});
  b.emit(Op::OutputS, {tr, b.output("tr", ElemType::Fix, kN)});
  b.emit(Op::OutputS, {trneg, b.output("trneg", ElemType::Fix, kN)});
  b.emit(Op::OutputS, {ltf, b.output("ltf", ElemType::Bool, kN, 1, {2})});
  b.emit(Op::OutputS, {bit0, b.output("bit0", ElemType::Int, kN)});
  b.emit(Op::OutputS, {bit63, b.output("bit63", ElemType::Int, kN)});
  b.emit(Op::OutputP, {opened, b.output("opened", ElemType::Int, kN, 1, {}, false)});
  return b.prog;
}

vm::InputValues data(uint64_t seed) {
  std::mt19937_64 rng(seed);
  vm::InputValues in;
  auto vec = [&](size_t n) {
    std::vector<uint64_t> v(n);
    for (auto &x : v)
      x = rng();
    return v;
  };
  auto a = vec(kN), c = a;
  const uint64_t edge[] = {0, uint64_t(-1), uint64_t(INT64_MIN), uint64_t(INT64_MAX), 1, 2};
  for (size_t i = 0; i < 6; ++i)
    a[i] = edge[i];
  for (size_t i = 0; i < kN; i += 3)
    c[i] ^= rng() | 1; // two in three equal
  std::vector<uint64_t> fa(kN), fb(kN);
  for (size_t i = 0; i < kN; ++i) { // |fa|, |fb| < 2^22: products well inside 2^62
    fa[i] = uint64_t(int64_t(rng() % (1u << 23)) - (1 << 22));
    fb[i] = uint64_t(int64_t(rng() % (1u << 23)) - (1 << 22));
  }
  in["a"] = a, in["b"] = vec(kN), in["c"] = c, in["fa"] = fa, in["fb"] = fb;
  in["m"] = vec(30), in["q"] = vec(20);
  return in;
}

bool isTrunc(const std::string &name) {
  return name == "tr" || name == "trneg" || name == "mean";
}

void checkAgainstClear(const ProtoCase &pc, const bc::Program &p, const vm::InputValues &in) {
  const Outputs want = runClearProgram(p, in);
  const std::vector<Outputs> got = runProgram(pc, p, in);
  for (size_t k = 0; k < p.outputs.size(); ++k) {
    const bc::IoEntry &e = p.outputs[k];
    for (uint32_t party = 0; party < pc.parties; ++party) {
      bool recipient = e.recipients.empty();
      for (uint32_t r : e.recipients)
        recipient = recipient || r == party;
      INFO(pc.name << " with " << pc.parties << " parties, output " << e.name << ", party "
                   << party);
      REQUIRE(got[party].count(e.name) == (recipient ? 1u : 0u));
      if (!recipient) continue;
      const auto &g = got[party].at(e.name), &w = want.at(e.name);
      REQUIRE(g.size() == w.size());
      for (size_t i = 0; i < w.size(); ++i) {
        INFO("element " << i);
        if (isTrunc(e.name))
          CHECK(g[i] - w[i] <= 1); // floor or floor + 1
        else
          CHECK(g[i] == w[i]);
      }
    }
  }
}

} // namespace

TEST_CASE("every interactive instruction agrees with clear") {
  for (const ProtoCase &pc : allCases()) {
    const uint64_t seed = 20240 + pc.parties;
    INFO("data seed " << seed);
    checkAgainstClear(pc, allOps(), data(seed));
  }
}

TEST_CASE("the sample programs agree with clear") {
  for (const ProtoCase &pc : allCases()) {
    INFO(pc.name << " with " << pc.parties << " parties");
    checkAgainstClear(pc, statsProgram(5),
                      {{"a", {fx(1), fx(-2.5), fx(3), fx(0.25), fx(7)}},
                       {"b", {fx(-1), fx(2), fx(9.5), fx(4), fx(-6)}}});
    checkAgainstClear(pc, matmulProgram(),
                      {{"A", {1, 2, 3, 4, 5, 6}}, {"B", {7, 8, 9, 10, 11, 12}}});
    checkAgainstClear(pc, loopProgram(6), {{"x", {uint64_t(-7)}}});
  }
}
