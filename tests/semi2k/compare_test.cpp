//===- compare_test.cpp - semi2k ltz and eqz, edge cases and random -------===//
#include "tests/semi2k/harness.h"
#include "vm/bytecode/cost.h"

#include <doctest/doctest.h>
#include <limits>

using namespace smpc;
using namespace smpc::testing;

namespace {

std::vector<uint64_t> edgeValues() {
  const int64_t mn = std::numeric_limits<int64_t>::min(), mx = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> v{0,
                         1,
                         -1,
                         2,
                         -2,
                         mn,
                         mx,
                         mn + 1,
                         mx - 1,
                         int64_t(1) << 62,
                         -(int64_t(1) << 62),
                         (int64_t(1) << 62) - 1,
                         -(int64_t(1) << 62) + 1};
  std::vector<uint64_t> u;
  for (auto e : v)
    u.push_back(static_cast<uint64_t>(e));
  return u;
}

std::vector<uint64_t> runCompare(uint32_t n, bc::Op kind, const std::vector<uint64_t> &x,
                                 std::mt19937_64 &rng, vm::ProtocolStats *st0) {
  auto xs = shareOut(x, n, rng);
  std::vector<std::vector<uint64_t>> outs(n, std::vector<uint64_t>(x.size()));
  runSemi2k(n, [&](uint32_t p, semi2k::Semi2k &proto) {
    auto op = makeOp(kind, xs[p], {}, outs[p]);
    proto.runGroup(std::span(&op, 1));
    if (p == 0) *st0 = proto.stats();
  });
  return reconstruct(outs);
}

} // namespace

TEST_CASE("ltz.s is exact for every 64-bit value, including the extremes") {
  for (uint32_t n : {2u, 3u}) {
    for (size_t len : {size_t(1), size_t(63), size_t(64), size_t(65), size_t(1000)}) {
      const uint64_t seed = 7000 + 10 * n + len;
      INFO("parties " << n << ", length " << len << ", seed " << seed);
      std::mt19937_64 rng(seed);
      auto x = randomVec(len, rng);
      auto edges = edgeValues();
      for (size_t i = 0; i < std::min(len, edges.size()); ++i)
        x[i] = edges[i];
      // Values near 2^63 in magnitude and near 0.
      for (size_t i = edges.size(); i < len; i += 4)
        x[i] = (uint64_t(1) << 63) + (rng() % 5) - 2;
      for (size_t i = edges.size() + 1; i < len; i += 4)
        x[i] = (rng() % 9) - 4;
      vm::ProtocolStats st;
      auto z = runCompare(n, bc::Op::LtzS, x, rng, &st);
      for (size_t i = 0; i < len; ++i) {
        INFO("element " << i);
        REQUIRE(z[i] == (static_cast<int64_t>(x[i]) < 0 ? 1u : 0u));
      }
      const auto cost = bc::opCost(bc::Op::LtzS, {.len = len}, n);
      CHECK(st.rounds == cost.rounds);
      CHECK(st.bytesSent == cost.bytesPerParty);
      // What the protocol drew is what the cost model says it draws.
      CHECK(st.material == cost.material);
      CHECK(st.material[bc::Material::EdaBit] == len);
    }
  }
}

TEST_CASE("eqz.s is exact, including 0, -1 and the extremes") {
  for (uint32_t n : {2u, 3u}) {
    for (size_t len : {size_t(1), size_t(64), size_t(130)}) {
      const uint64_t seed = 8000 + 10 * n + len;
      INFO("parties " << n << ", length " << len << ", seed " << seed);
      std::mt19937_64 rng(seed);
      auto x = randomVec(len, rng);
      auto edges = edgeValues();
      for (size_t i = 0; i < std::min(len, edges.size()); ++i)
        x[i] = edges[i];
      for (size_t i = edges.size(); i < len; i += 3)
        x[i] = 0; // many zeros
      for (size_t i = edges.size() + 1; i < len; i += 3)
        x[i] = uint64_t(1) << (rng() % 64);
      vm::ProtocolStats st;
      auto z = runCompare(n, bc::Op::EqzS, x, rng, &st);
      for (size_t i = 0; i < len; ++i) {
        INFO("element " << i);
        REQUIRE(z[i] == (x[i] == 0 ? 1u : 0u));
      }
      const auto cost = bc::opCost(bc::Op::EqzS, {.len = len}, n);
      CHECK(st.rounds == cost.rounds);
      CHECK(st.bytesSent == cost.bytesPerParty);
    }
  }
}

TEST_CASE("ltz and eqz on an empty vector still take their rounds") {
  vm::ProtocolStats st;
  std::mt19937_64 rng(8500);
  auto z = runCompare(2, bc::Op::LtzS, {}, rng, &st);
  CHECK(z.empty());
  CHECK(st.rounds == bc::opRounds(bc::Op::LtzS, 2));
}
