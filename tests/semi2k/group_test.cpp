//===- group_test.cpp - round groups: lockstep, max rounds, one message ---===//
#include "tests/semi2k/harness.h"
#include "vm/bytecode/cost.h"

#include <doctest/doctest.h>

using namespace smpc;
using namespace smpc::testing;

TEST_CASE("a group mixing op kinds takes max(rounds) and costs the sum of its ops") {
  for (uint32_t n : {2u, 3u}) {
    const uint64_t seed = 9000 + n;
    INFO("parties " << n << ", seed " << seed);
    std::mt19937_64 rng(seed);
    const size_t len = 100;
    auto a = randomVec(len, rng), b = randomVec(len, rng);
    std::vector<uint64_t> small(len);
    for (auto &v : small)
      v = static_cast<uint64_t>(static_cast<int64_t>(rng()) >> 20);
    auto as = shareOut(a, n, rng), bs = shareOut(b, n, rng), ss = shareOut(small, n, rng);
    std::vector<std::vector<uint64_t>> mul(n, std::vector<uint64_t>(len)), lt = mul, eq = mul,
                                                                           tr = mul, op = mul;
    std::vector<vm::ProtocolStats> st(n);
    std::vector<std::size_t> chSent(n);
    runSemi2k(n, [&](uint32_t p, semi2k::Semi2k &proto) {
      std::vector<vm::InteractiveOp> ops{
          makeOp(bc::Op::MulSS, as[p], bs[p], mul[p]), makeOp(bc::Op::LtzS, ss[p], {}, lt[p]),
          makeOp(bc::Op::EqzS, ss[p], {}, eq[p]), makeOp(bc::Op::TruncS, ss[p], {}, tr[p]),
          makeOp(bc::Op::Open, as[p], {}, op[p])};
      ops[3].shift = 16;
      proto.runGroup(ops);
      st[p] = proto.stats();
    });
    auto m = reconstruct(mul), l = reconstruct(lt), e = reconstruct(eq), t = reconstruct(tr);
    for (size_t i = 0; i < len; ++i) {
      REQUIRE(m[i] == a[i] * b[i]);
      REQUIRE(l[i] == (static_cast<int64_t>(small[i]) < 0));
      REQUIRE(e[i] == (small[i] == 0));
      const int64_t fl = static_cast<int64_t>(small[i]) >> 16;
      REQUIRE((static_cast<int64_t>(t[i]) - fl) <= 1);
      REQUIRE((static_cast<int64_t>(t[i]) - fl) >= 0);
    }
    for (uint32_t p = 0; p < n; ++p)
      CHECK(op[p] == a);
    uint64_t bytes = 0, rounds = 0;
    for (auto k : {bc::Op::MulSS, bc::Op::LtzS, bc::Op::EqzS, bc::Op::TruncS, bc::Op::Open}) {
      const auto c = bc::opCost(k, {.len = len}, n);
      bytes += c.bytesPerParty;
      rounds = std::max<uint64_t>(rounds, c.rounds);
    }
    for (uint32_t p = 0; p < n; ++p) {
      CHECK(st[p].rounds == rounds); // 8, not 1 + 8 + 8 + 1 + 1
      CHECK(st[p].bytesSent == bytes);
    }
  }
}

TEST_CASE("consecutive groups add up their rounds") {
  std::mt19937_64 rng(9100);
  auto a = randomVec(10, rng);
  auto as = shareOut(a, 2, rng);
  runSemi2k(2, [&](uint32_t p, semi2k::Semi2k &proto) {
    std::vector<uint64_t> o1(10), o2(10);
    auto op1 = makeOp(bc::Op::MulSS, as[p], as[p], o1);
    proto.runGroup(std::span(&op1, 1));
    auto op2 = makeOp(bc::Op::MulSS, o1, as[p], o2);
    proto.runGroup(std::span(&op2, 1));
    CHECK(proto.stats().rounds == 2);
    CHECK(proto.stats().material[bc::Material::Triple] == 20);
  });
}
