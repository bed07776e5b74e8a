//===- test_perm_ops.cpp - prefix sums, gather, scatter, shuffle, bit -----===//
#include "tests/bytecode/samples.h"
#include "tests/vm/planar_protocol.h"
#include "tests/vm/run_helper.h"
#include "vm/core/errors.h"

#include <algorithm>
#include <doctest/doctest.h>
#include <map>

using namespace smpc;
using namespace smpc::testing;
using bc::ElemType;
using bc::Op;

namespace {

// Runs `op` with a result of length n on the constant `a` (public, or
// classified to secret) and, for gather/scatter, the public index vector
// `idx`; returns the (opened) result.
std::vector<uint64_t> permOp(Op op, bool secret, std::vector<uint64_t> a, uint32_t n, int64_t imm,
                             std::vector<uint64_t> idx = {}, uint32_t shareWidth = 1) {
  bc::ProgramBuilder pb;
  auto pa = pb.pconst(a);
  int64_t src = pa, r;
  if (secret) {
    src = pb.sreg(uint32_t(a.size()));
    pb.emit(Op::Classify, {src, pa});
    r = pb.sreg(n);
  } else {
    r = pb.preg(n);
  }
  if (idx.empty()) {
    pb.emit(op, {r, src, imm});
  } else {
    auto pi = pb.pconst(idx);
    pb.emit(op, {r, src, pi, imm}, 7, 3);
  }
  auto o = pb.output("r", ElemType::Int, n, 1, {}, secret, 1);
  pb.emit(secret ? Op::OutputS : Op::OutputP, {r, o});
  if (op != Op::ShuffleS) return runClear(pb.prog)["r"];
  // A shuffle's order is random: run each share width on its own.
  REQUIRE(bc::verifyProgram(pb.prog) == "");
  vm::ClearProtocol clear(3);
  testing::PlanarProtocol planar(shareWidth < 2 ? 2 : shareWidth);
  vm::Protocol &proto = shareWidth == 1 ? static_cast<vm::Protocol &>(clear) : planar;
  return vm::run(pb.prog, proto, {}, countingOptions())[0].data;
}

std::string permError(Op op, std::vector<uint64_t> a, uint32_t n, int64_t w,
                      std::vector<uint64_t> idx) {
  try {
    permOp(op, false, a, n, w, idx);
  } catch (const vm::RuntimeError &e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace

TEST_CASE("cumsum: inclusive prefix sums along rows, wrapping around the ring") {
  for (bool s : {false, true}) {
    CHECK(permOp(s ? Op::CumSumS : Op::CumSumP, s, u({1, 2, 3, 4, 5, 6}), 6, 6) ==
          u({1, 3, 6, 10, 15, 21}));
    CHECK(permOp(s ? Op::CumSumS : Op::CumSumP, s, u({1, 2, 3, 4, 5, 6}), 6, 3) ==
          u({1, 3, 6, 4, 9, 15}));
    CHECK(permOp(s ? Op::CumSumS : Op::CumSumP, s, u({INT64_MAX, 1, -1}), 3, 3) ==
          u({INT64_MAX, INT64_MIN, INT64_MAX}));
  }
}

TEST_CASE("gather: rows by public index, repeats allowed") {
  for (bool s : {false, true}) {
    Op g = s ? Op::GatherS : Op::GatherP;
    CHECK(permOp(g, s, u({10, 11, 20, 21, 30, 31}), 8, 2, u({2, 0, 2, 1})) ==
          u({30, 31, 10, 11, 30, 31, 20, 21}));
    CHECK(permOp(g, s, u({5, 6, 7}), 2, 1, u({2, 2})) == u({7, 7}));
  }
  CHECK(permError(Op::GatherP, u({5, 6, 7}), 2, 1, u({1, 3})) ==
        "test.smpc:7:3: index 3 is out of bounds for 3 rows (instruction 2)");
  CHECK(permError(Op::GatherP, u({5, 6, 7}), 1, 1, u({-1})) ==
        "test.smpc:7:3: index -1 is out of bounds for 3 rows (instruction 2)");
}

TEST_CASE("scatter: rows placed by a public permutation, anything else is refused") {
  for (bool s : {false, true}) {
    Op sc = s ? Op::ScatterS : Op::ScatterP;
    CHECK(permOp(sc, s, u({10, 11, 20, 21, 30, 31}), 6, 2, u({2, 0, 1})) ==
          u({20, 21, 30, 31, 10, 11}));
  }
  CHECK(permError(Op::ScatterP, u({5, 6, 7}), 3, 1, u({0, 3, 1})) ==
        "test.smpc:7:3: index 3 is out of bounds for 3 rows (instruction 2)");
  CHECK(permError(Op::ScatterP, u({5, 6, 7}), 3, 1, u({0, 2, 0})) ==
        "test.smpc:7:3: index 0 appears twice; a scatter needs a permutation (instruction 2)");
}

TEST_CASE("shuffle keeps every row intact and only reorders rows") {
  std::vector<uint64_t> a;
  for (uint64_t i = 0; i < 50; ++i) {
    a.push_back(i);
    a.push_back(1000 + i);
  }
  bool moved = false;
  for (uint32_t w : {1u, 2u, 3u}) {
    INFO("share width " << w);
    std::vector<uint64_t> r = permOp(Op::ShuffleS, true, a, 100, 2, {}, w);
    std::vector<uint64_t> firsts;
    for (size_t i = 0; i < 50; ++i) {
      CHECK(r[2 * i + 1] == r[2 * i] + 1000); // rows move as a whole
      firsts.push_back(r[2 * i]);
      moved |= r[2 * i] != i;
    }
    std::sort(firsts.begin(), firsts.end());
    for (uint64_t i = 0; i < 50; ++i)
      CHECK(firsts[i] == i);
  }
  CHECK(moved); // 3 identity permutations of 50 rows: probability 50!^-3
}

TEST_CASE("clear shuffle: each order of 3 rows about equally often") {
  // 6 orders, 1200 shuffles from libsodium's CSPRNG (no seed to fix): a
  // chi-square with 5 degrees of freedom exceeds 35 with probability 1.6e-6.
  std::map<std::vector<uint64_t>, int> seen;
  const int runs = 1200;
  for (int i = 0; i < runs; ++i)
    ++seen[permOp(Op::ShuffleS, true, {10, 20, 30}, 3, 1)];
  CHECK(seen.size() == 6);
  double chi2 = 0;
  for (const auto &[order, count] : seen) {
    CHECK(std::is_permutation(order.begin(), order.end(), u({10, 20, 30}).begin()));
    const double d = count - runs / 6.0;
    chi2 += d * d / (runs / 6.0);
  }
  CHECK(chi2 < 35.0);
}

TEST_CASE("bit: bit C as 0/1 for every position") {
  const std::vector<uint64_t> x = u({0b1011, INT64_MIN, -1, 6});
  CHECK(permOp(Op::BitS, true, x, 4, 0) == u({1, 0, 1, 0}));
  CHECK(permOp(Op::BitS, true, x, 4, 1) == u({1, 0, 1, 1}));
  CHECK(permOp(Op::BitS, true, x, 4, 3) == u({1, 0, 1, 0}));
  CHECK(permOp(Op::BitS, true, x, 4, 63) == u({0, 1, 1, 0}));
}
