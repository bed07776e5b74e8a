//===- test_ranges.cpp - clear stops where the secure protocols go wrong --===//
//
// trunc.s is correct under semi2k, rep3 and shamir for |x| < 2^62 only
// (docs/protocols.md); clear computes every x exactly, so it checks the range
// and stops at the instruction, or warns once per instruction when allowed.
//===----------------------------------------------------------------------===//
#include "tests/bytecode/samples.h"
#include "tests/vm/run_helper.h"

#include <doctest/doctest.h>

using namespace smpc;
using namespace smpc::testing;
using bc::Op;

namespace {

constexpr int64_t k62 = int64_t(1) << 62;

bc::Program truncProgram(std::vector<uint64_t> values) {
  bc::ProgramBuilder pb;
  const uint32_t n = uint32_t(values.size());
  auto s = pb.sreg(n);
  pb.emit(Op::Classify, {s, pb.pconst(std::move(values))});
  pb.emit(Op::TruncS, {s, s, 16});
  pb.emit(Op::OutputS, {s, pb.output("r", ElemType::Int, n)});
  REQUIRE(bc::verifyProgram(pb.prog) == "");
  return pb.prog;
}

std::string runError(const bc::Program &p, const vm::RunOptions &ro = countingOptions()) {
  vm::ClearProtocol proto;
  try {
    vm::run(p, proto, {}, ro);
  } catch (const vm::RuntimeError &e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace

TEST_CASE("clear: truncation inputs inside |x| < 2^62 run, outside stop the run") {
  CHECK(runClear(truncProgram(u({k62 - 1, -k62, 0, -1})))["r"] ==
        u({(k62 - 1) >> 16, -k62 >> 16, 0, -1}));
  for (int64_t bad : {k62, -k62 - 1, INT64_MAX, INT64_MIN}) {
    INFO(bad);
    const std::string err = runError(truncProgram(u({1, bad})));
    CHECK(err.rfind("a fixed-point value is too large for the secure protocols: a truncation "
                    "input must stay below 2^62 in ring units (a product |a * b| < 2^30 with 16 "
                    "fractional bits), or semi2k, rep3 and shamir return a wrong value; use "
                    "smaller values or fewer fractional bits, or --allow-overflow to go on with a "
                    "warning (instruction 2)",
                    0) == 0);
    // The message names no value.
    CHECK(err.find(std::to_string(bad)) == std::string::npos);
  }
}

TEST_CASE("clear with allowOverflow: one warning per instruction, the run goes on") {
  // Three iterations of: s = classify(2^62, 5); s = trunc(s, 1).
  bc::ProgramBuilder pb;
  auto s = pb.sreg(2), i = pb.preg(1), c = pb.preg(1);
  auto vals = pb.pconst(u({k62, 5})), lim = pb.pconst({3}), one = pb.pconst({1});
  pb.emit(Op::MovP, {i, pb.pconst({0})});
  const int64_t top = int64_t(pb.prog.code.size());
  pb.emit(Op::Classify, {s, vals});
  pb.emit(Op::TruncS, {s, s, 1});
  pb.emit(Op::AddP, {i, i, one});
  pb.emit(Op::LtP, {c, i, lim});
  pb.emit(Op::Jnz, {c, top});
  pb.emit(Op::OutputS, {s, pb.output("r", ElemType::Int, 2)});
  REQUIRE(bc::verifyProgram(pb.prog) == "");
  std::vector<std::string> warnings;
  vm::RunOptions ro = countingOptions();
  ro.allowOverflow = true;
  ro.warn = [&](const std::string &m) { warnings.push_back(m); };
  vm::ClearProtocol proto;
  auto outs = vm::run(pb.prog, proto, {}, ro);
  REQUIRE(outs.size() == 1);
  CHECK(outs[0].data == u({k62 >> 1, 2})); // clear's exact floor
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("continuing (--allow-overflow), later occurrences at this instruction "
                         "are not reported (instruction " +
                         std::to_string(top + 1) + ")") != std::string::npos);
  CHECK(runError(pb.prog).find("(instruction " + std::to_string(top + 1) + ")") !=
        std::string::npos);
}
