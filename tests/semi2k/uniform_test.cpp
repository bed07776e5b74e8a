//===- uniform_test.cpp - a party's shares do not depend on the input -----===//
//
// Party 1's shares of party 0's input, and of the masked values it receives,
// must be uniform whatever the input: chi-square over byte values, and over
// each of the 64 bit positions, for two very different inputs.
//===----------------------------------------------------------------------===//
#include "tests/semi2k/harness.h"

#include <array>
#include <cmath>
#include <cstring>
#include <doctest/doctest.h>

using namespace smpc;
using namespace smpc::testing;

namespace {

// Party 1's shares after party 0 inputs `len` copies of `value`.
std::vector<uint64_t> sharesOfInput(uint64_t value, size_t len, uint32_t n) {
  std::vector<uint64_t> x(len, value), mine(len);
  runSemi2k(n, [&](uint32_t p, semi2k::Semi2k &proto) {
    std::vector<uint64_t> out(len);
    vm::InteractiveOp op;
    op.op = bc::Op::Input;
    op.owner = 0;
    if (p == 0) op.x = x;
    op.out = out;
    proto.runGroup(std::span(&op, 1));
    if (p == 1) mine = out;
  });
  return mine;
}

// Chi-square statistic of the byte histogram (255 degrees of freedom).
double chiBytes(const std::vector<uint64_t> &v) {
  std::array<double, 256> h{};
  for (uint64_t w : v)
    for (int b = 0; b < 8; ++b)
      h[(w >> (8 * b)) & 0xff] += 1;
  const double expect = double(v.size()) * 8 / 256;
  double chi = 0;
  for (double c : h)
    chi += (c - expect) * (c - expect) / expect;
  return chi;
}

// Largest |z| of the 64 per-bit frequencies.
double worstBitZ(const std::vector<uint64_t> &v) {
  double worst = 0;
  for (int b = 0; b < 64; ++b) {
    double ones = 0;
    for (uint64_t w : v)
      ones += (w >> b) & 1;
    const double z = (ones - v.size() / 2.0) / std::sqrt(v.size() / 4.0);
    worst = std::max(worst, std::abs(z));
  }
  return worst;
}

} // namespace

TEST_CASE("shares of a fixed input are uniform and input-independent") {
  for (uint32_t n : {2u, 3u}) {
    INFO("parties " << n);
    const size_t len = 40000;
    for (uint64_t value : {uint64_t(0), uint64_t(0x0123456789abcdef), ~uint64_t(0)}) {
      INFO("input value " << value);
      auto s = sharesOfInput(value, len, n);
      // 255 dof: mean 255, sd ~22.6; 400 is beyond 6 sd (false alarm < 1e-9).
      CHECK(chiBytes(s) < 400);
      CHECK(worstBitZ(s) < 6.5);
    }
  }
}

TEST_CASE("shares of two different inputs have the same distribution") {
  // Two-sample chi-square over byte values: 0 versus all-ones inputs.
  const size_t len = 40000;
  auto s0 = sharesOfInput(0, len, 2), s1 = sharesOfInput(~uint64_t(0), len, 2);
  std::array<double, 256> h0{}, h1{};
  for (uint64_t w : s0)
    for (int b = 0; b < 8; ++b)
      h0[(w >> (8 * b)) & 0xff] += 1;
  for (uint64_t w : s1)
    for (int b = 0; b < 8; ++b)
      h1[(w >> (8 * b)) & 0xff] += 1;
  double chi = 0;
  for (int v = 0; v < 256; ++v)
    if (h0[v] + h1[v] > 0) chi += (h0[v] - h1[v]) * (h0[v] - h1[v]) / (h0[v] + h1[v]);
  CHECK(chi < 400); // 255 degrees of freedom
}

TEST_CASE("the masked values a party sees in mul and trunc are uniform") {
  const size_t len = 40000;
  std::vector<uint64_t> zero(len, 0);
  // Party 0 truncates zeros; party 1 records the masked c = x + 2^62 + r it
  // receives, which must look uniform although x is fixed.
  std::vector<uint64_t> seen;
  LocalNetwork online(2), dn(3);
  runParallel(3, [&](uint32_t i) {
    if (i == 2) {
      dealer::serveJob(dn.channel(2), 2);
      return;
    }
    dealer::DealerClient pre(dn.channel(i), 2);
    if (i == 0) {
      semi2k::Semi2k proto(online.channel(0), pre);
      std::vector<uint64_t> out(len);
      auto op = makeOp(bc::Op::TruncS, zero, {}, out);
      op.shift = 16;
      proto.runGroup(std::span(&op, 1));
      pre.finish();
    } else {
      // Party 1 plays honestly but records what party 0 sent it.
      std::vector<uint64_t> r(len), msb(len), high(len);
      pre.truncPairs(16, r, msb, high);
      auto msg = online.channel(1).recv(0);
      seen.resize(msg.size() / 8);
      std::memcpy(seen.data(), msg.data(), msg.size());
      std::vector<uint64_t> mine(len);
      for (size_t k = 0; k < len; ++k)
        mine[k] = r[k];
      online.channel(1).send(0, std::span(reinterpret_cast<const uint8_t *>(mine.data()), len * 8));
    }
  });
  REQUIRE(seen.size() == len);
  CHECK(chiBytes(seen) < 400);
  CHECK(worstBitZ(seen) < 6.5);
}
