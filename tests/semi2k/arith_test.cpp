//===- arith_test.cpp - semi2k mul, matmul, trunc against plaintext -------===//
#include "tests/semi2k/harness.h"
#include "vm/bytecode/cost.h"

#include <doctest/doctest.h>

using namespace smpc;
using namespace smpc::testing;

namespace {

// Runs one op kind on shares of x (and y) and returns the reconstructed result.
std::vector<uint64_t> runBinary(uint32_t n, vm::InteractiveOp tmpl, const std::vector<uint64_t> &x,
                                const std::vector<uint64_t> &y, size_t outLen, std::mt19937_64 &rng,
                                vm::ProtocolStats *stats0 = nullptr) {
  auto xs = shareOut(x, n, rng), ys = shareOut(y, n, rng);
  std::vector<std::vector<uint64_t>> outs(n, std::vector<uint64_t>(outLen));
  runSemi2k(n, [&](uint32_t p, semi2k::Semi2k &proto) {
    vm::InteractiveOp op = tmpl;
    op.x = xs[p];
    op.y = ys[p];
    op.out = outs[p];
    proto.runGroup(std::span(&op, 1));
    if (p == 0 && stats0) *stats0 = proto.stats();
  });
  return reconstruct(outs);
}

} // namespace

TEST_CASE("mul.ss matches the plaintext product for 2 and 3 parties") {
  for (uint32_t n : {2u, 3u}) {
    const uint64_t seed = 1000 + n;
    INFO("parties " << n << ", seed " << seed);
    std::mt19937_64 rng(seed);
    const size_t len = 1000;
    auto x = randomVec(len, rng), y = randomVec(len, rng);
    x[0] = 0, y[1] = ~uint64_t(0), x[2] = uint64_t(1) << 63;
    vm::InteractiveOp op;
    op.op = bc::Op::MulSS;
    vm::ProtocolStats st;
    auto z = runBinary(n, op, x, y, len, rng, &st);
    for (size_t i = 0; i < len; ++i)
      REQUIRE(z[i] == x[i] * y[i]);
    CHECK(st.rounds == 1);
    const auto cost = bc::opCost(bc::Op::MulSS, {.len = len}, n);
    CHECK(st.bytesSent == cost.bytesPerParty);
    CHECK(st.material == cost.material);
    CHECK(st.material[bc::Material::Triple] == len);
  }
}

TEST_CASE("matmul.ss matches the plaintext matrix product") {
  for (uint32_t n : {2u, 3u}) {
    const uint64_t seed = 2000 + n;
    INFO("parties " << n << ", seed " << seed);
    std::mt19937_64 rng(seed);
    const uint32_t m = 7, k = 5, nn = 3;
    auto x = randomVec(m * k, rng), y = randomVec(k * nn, rng);
    vm::InteractiveOp op;
    op.op = bc::Op::MatMulSS;
    op.m = m, op.k = k, op.n = nn;
    vm::ProtocolStats st;
    auto z = runBinary(n, op, x, y, m * nn, rng, &st);
    for (uint32_t i = 0; i < m; ++i)
      for (uint32_t j = 0; j < nn; ++j) {
        uint64_t acc = 0;
        for (uint32_t t = 0; t < k; ++t)
          acc += x[i * k + t] * y[t * nn + j];
        REQUIRE(z[i * nn + j] == acc);
      }
    CHECK(st.rounds == 1);
    const auto cost = bc::opCost(bc::Op::MatMulSS, {.m = m, .k = k, .n = nn}, n);
    CHECK(st.bytesSent == cost.bytesPerParty);
    CHECK(st.material == cost.material);
  }
}

TEST_CASE("trunc.s gives floor or floor+1, never beyond, over the whole valid range") {
  for (uint32_t n : {2u, 3u}) {
    for (uint32_t f : {1u, 16u, 40u, 62u}) {
      const uint64_t seed = 3000 + 100 * n + f;
      INFO("parties " << n << ", shift " << f << ", seed " << seed);
      std::mt19937_64 rng(seed);
      const size_t len = 4000;
      std::vector<uint64_t> x(len);
      const int64_t lim = (int64_t(1) << 62) - 1;
      for (size_t i = 0; i < len; ++i) {
        // Mix of full-range, small and boundary values.
        const int64_t v = static_cast<int64_t>(rng()) >> 2; // |v| < 2^62
        x[i] = static_cast<uint64_t>(i % 3 == 0 ? v : v >> (rng() % 62));
      }
      const int64_t edges[] = {
          0, 1, -1, lim, -lim, -lim - 1, lim - 1, (int64_t(1) << f) - 1, -(int64_t(1) << f)};
      for (size_t i = 0; i < std::size(edges); ++i)
        x[i] = static_cast<uint64_t>(edges[i]);
      vm::InteractiveOp op;
      op.op = bc::Op::TruncS;
      op.shift = f;
      auto z = runBinary(n, op, x, x, len, rng);
      size_t plusOne = 0;
      for (size_t i = 0; i < len; ++i) {
        const int64_t fl = static_cast<int64_t>(x[i]) >> f; // arithmetic shift = floor
        const int64_t got = static_cast<int64_t>(z[i]);
        INFO("element " << i);
        REQUIRE((got == fl || got == fl + 1));
        if (got == fl + 1) ++plusOne;
        // An exact multiple of 2^f is never rounded up.
        if ((static_cast<int64_t>(x[i]) & ((int64_t(1) << f) - 1)) == 0) REQUIRE(got == fl);
      }
      if (f >= 16) { // random low bits: about half round up
        CHECK(plusOne > len / 3);
        CHECK(plusOne < 2 * len / 3);
      }
    }
  }
}

TEST_CASE("trunc.s rounds up with probability (x mod 2^f) / 2^f") {
  const uint64_t seed = 3500;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const uint32_t f = 16;
  const size_t len = 20000;
  // x = 5.25 in fixed point with 16 fractional bits: +1 a quarter of the time.
  std::vector<uint64_t> x(len, (uint64_t(5) << f) + (uint64_t(1) << (f - 2)));
  vm::InteractiveOp op;
  op.op = bc::Op::TruncS;
  op.shift = f;
  auto z = runBinary(2, op, x, x, len, rng);
  size_t up = 0;
  for (auto v : z)
    up += v == 6;
  CHECK(up > len * 0.22);
  CHECK(up < len * 0.28);
}
