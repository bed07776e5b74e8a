//===- perm_test.cpp - semi2k shuffle.s and bit.s -------------------------===//
#include "runtime/preproc/ot/ot_preprocessing.h"
#include "tests/semi2k/harness.h"
#include "vm/bytecode/cost.h"

#include <algorithm>
#include <doctest/doctest.h>

using namespace smpc;
using namespace smpc::testing;

namespace {

// Shuffles rows of `width` of the shared x on n parties; returns the opened
// result and party 0's stats.
std::vector<uint64_t> runShuffle(uint32_t n, const std::vector<uint64_t> &x, uint32_t width,
                                 std::mt19937_64 &rng, vm::ProtocolStats *st0) {
  auto xs = shareOut(x, n, rng);
  std::vector<std::vector<uint64_t>> outs(n, std::vector<uint64_t>(x.size()));
  runSemi2k(n, [&](uint32_t p, semi2k::Semi2k &proto) {
    auto op = makeOp(bc::Op::ShuffleS, xs[p], {}, outs[p]);
    op.width = width;
    proto.runGroup(std::span(&op, 1));
    if (p == 0) *st0 = proto.stats();
  });
  return reconstruct(outs);
}

// Rows of `width` as sortable vectors.
std::vector<std::vector<uint64_t>> rowsOf(const std::vector<uint64_t> &v, uint32_t width) {
  std::vector<std::vector<uint64_t>> r;
  for (size_t i = 0; i < v.size(); i += width)
    r.emplace_back(v.begin() + i, v.begin() + i + width);
  std::sort(r.begin(), r.end());
  return r;
}

} // namespace

TEST_CASE("shuffle.s permutes whole rows: 2, 3 and 4 parties, widths 1 and 3") {
  for (uint32_t n : {2u, 3u, 4u}) {
    for (uint32_t width : {1u, 3u}) {
      const uint64_t seed = 9100 + 10 * n + width;
      INFO("parties " << n << ", width " << width << ", seed " << seed);
      std::mt19937_64 rng(seed);
      auto x = randomVec(300 * width, rng);
      vm::ProtocolStats st;
      auto y = runShuffle(n, x, width, rng, &st);
      CHECK(rowsOf(y, width) == rowsOf(x, width));
      CHECK(y != x); // the identity has probability 1/300!
      // One round per party; every other party's masked rows in each.
      CHECK(st.rounds == bc::opRounds(bc::Op::ShuffleS, n));
      bc::OpShape sh;
      sh.len = x.size();
      sh.width = width;
      CHECK(st.bytesSent == bc::opCost(bc::Op::ShuffleS, sh, n).bytesPerParty);
    }
  }
}

TEST_CASE("shuffle.s of one row and of an empty vector") {
  std::mt19937_64 rng(9200);
  vm::ProtocolStats st;
  CHECK(runShuffle(2, {7, 8}, 2, rng, &st) == std::vector<uint64_t>{7, 8});
  CHECK(runShuffle(3, {}, 1, rng, &st).empty());
}

TEST_CASE("bit.s extracts bit i of values whose lower bits are zero") {
  for (uint32_t n : {2u, 3u}) {
    const uint64_t seed = 9300 + n;
    INFO("parties " << n << ", seed " << seed);
    std::mt19937_64 rng(seed);
    for (uint32_t i : {0u, 1u, 17u, 62u, 63u}) {
      auto x = randomVec(200, rng);
      for (auto &v : x)
        v = i == 0 ? v : (v >> i) << i; // clear bits 0..i-1
      x[0] = 0;
      x[1] = uint64_t(1) << i;
      auto xs = shareOut(x, n, rng);
      std::vector<std::vector<uint64_t>> outs(n, std::vector<uint64_t>(x.size()));
      runSemi2k(n, [&](uint32_t p, semi2k::Semi2k &proto) {
        auto op = makeOp(bc::Op::BitS, xs[p], {}, outs[p]);
        op.shift = i;
        proto.runGroup(std::span(&op, 1));
      });
      auto b = reconstruct(outs);
      bool ok = true;
      for (size_t k = 0; k < x.size(); ++k)
        ok &= b[k] == ((x[k] >> i) & 1);
      CHECK_MESSAGE(ok, "bit " << i);
    }
  }
}

TEST_CASE("shuffle.s on OT-based material") {
  const uint32_t n = 2;
  std::mt19937_64 rng(9400);
  INFO("seed 9400");
  auto x = randomVec(2 * 70, rng);
  auto xs = shareOut(x, n, rng);
  std::vector<std::vector<uint64_t>> outs(n, std::vector<uint64_t>(x.size()));
  LocalNetwork online(n), pre(n);
  runParallel(n, [&](uint32_t p) {
    preproc::OtPreprocessing ot(pre.channel(p));
    semi2k::Semi2k proto(online.channel(p), ot);
    auto op = makeOp(bc::Op::ShuffleS, xs[p], {}, outs[p]);
    op.width = 2;
    proto.runGroup(std::span(&op, 1));
  });
  auto y = reconstruct(outs);
  CHECK(rowsOf(y, 2) == rowsOf(x, 2));
  CHECK(y != x);
}
