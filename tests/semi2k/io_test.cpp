//===- io_test.cpp - semi2k open, input and output to a subset ------------===//
#include "tests/semi2k/harness.h"
#include "vm/bytecode/cost.h"

#include <doctest/doctest.h>
#include <mutex>

using namespace smpc;
using namespace smpc::testing;

TEST_CASE("open reveals the value to every party") {
  for (uint32_t n : {2u, 3u}) {
    const uint64_t seed = 4000 + n;
    INFO("parties " << n << ", seed " << seed);
    std::mt19937_64 rng(seed);
    auto x = randomVec(500, rng);
    auto xs = shareOut(x, n, rng);
    std::vector<std::vector<uint64_t>> outs(n, std::vector<uint64_t>(x.size()));
    runSemi2k(n, [&](uint32_t p, semi2k::Semi2k &proto) {
      auto op = makeOp(bc::Op::Open, xs[p], {}, outs[p]);
      proto.runGroup(std::span(&op, 1));
      CHECK(proto.stats().bytesSent == bc::opCost(bc::Op::Open, {.len = 500}, n).bytesPerParty);
    });
    for (uint32_t p = 0; p < n; ++p)
      CHECK(outs[p] == x);
  }
}

TEST_CASE("input: the owner's value is shared, the others only get shares") {
  for (uint32_t n : {2u, 3u}) {
    for (uint32_t owner = 0; owner < n; ++owner) {
      const uint64_t seed = 5000 + 10 * n + owner;
      INFO("parties " << n << ", owner " << owner << ", seed " << seed);
      std::mt19937_64 rng(seed);
      auto x = randomVec(300, rng);
      std::vector<std::vector<uint64_t>> outs(n, std::vector<uint64_t>(x.size()));
      std::vector<uint64_t> sent(n);
      runSemi2k(n, [&](uint32_t p, semi2k::Semi2k &proto) {
        vm::InteractiveOp op;
        op.op = bc::Op::Input;
        op.owner = owner;
        if (p == owner) op.x = x;
        op.out = outs[p];
        proto.runGroup(std::span(&op, 1));
        sent[p] = proto.stats().bytesSent;
      });
      CHECK(reconstruct(outs) == x);
      for (uint32_t p = 0; p < n; ++p) {
        if (p != owner) CHECK(outs[p] != x); // a share, not the value
        CHECK(sent[p] ==
              (p == owner ? bc::opCost(bc::Op::Input, {.len = 300}, n).bytesPerParty : 0));
      }
    }
  }
}

TEST_CASE("output.s to a subset: recipients learn the value, the others nothing") {
  const uint32_t n = 3;
  const uint64_t seed = 6000;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  auto x = randomVec(64, rng);
  auto xs = shareOut(x, n, rng);
  const std::vector<uint64_t> untouched(x.size(), 0xdeadbeef);
  std::vector<std::vector<uint64_t>> outs(n, untouched);
  std::vector<char> receives(n); // not vector<bool>: each party's thread writes its own element
  std::vector<uint64_t> recvBytes(n), sentBytes(n);
  runSemi2k(n, [&](uint32_t p, semi2k::Semi2k &proto) {
    auto op = makeOp(bc::Op::OutputS, xs[p], {}, outs[p]);
    op.recipients = {0, 2};
    proto.runGroup(std::span(&op, 1));
    receives[p] = op.receives;
    recvBytes[p] = proto.stats().bytesReceived;
    sentBytes[p] = proto.stats().bytesSent;
  });
  CHECK(receives == std::vector<char>{1, 0, 1});
  CHECK(outs[0] == x);
  CHECK(outs[2] == x);
  CHECK(outs[1] == untouched);
  CHECK(recvBytes[1] == 0); // party 1 was sent nothing at all
  const uint32_t to[] = {0, 2};
  const bc::OpShape shape{.len = 64, .recipients = to};
  const auto cost = bc::opCost(bc::Op::OutputS, shape, n);
  CHECK(*std::max_element(sentBytes.begin(), sentBytes.end()) == cost.bytesPerParty);
  // Each party's own figure: a recipient sends to the other recipient only.
  for (uint32_t p = 0; p < n; ++p)
    CHECK(sentBytes[p] == bc::opBytesSent(bc::Op::OutputS, shape, n, p));
}

TEST_CASE("output.s with no recipient list goes to everyone") {
  const uint32_t n = 2;
  std::mt19937_64 rng(6100);
  auto x = randomVec(10, rng);
  auto xs = shareOut(x, n, rng);
  std::vector<std::vector<uint64_t>> outs(n, std::vector<uint64_t>(x.size()));
  runSemi2k(n, [&](uint32_t p, semi2k::Semi2k &proto) {
    auto op = makeOp(bc::Op::OutputS, xs[p], {}, outs[p]);
    proto.runGroup(std::span(&op, 1));
    CHECK(op.receives);
  });
  CHECK(outs[0] == x);
  CHECK(outs[1] == x);
}

TEST_CASE("classify and addPublic: party 0 holds the public part") {
  runSemi2k(2, [&](uint32_t p, semi2k::Semi2k &proto) {
    std::vector<uint64_t> pub{5, 7}, s(2), t(2);
    proto.classify(pub, s);
    CHECK(s == (p == 0 ? pub : std::vector<uint64_t>{0, 0}));
    proto.addPublic(s, pub, t);
    CHECK(t == (p == 0 ? std::vector<uint64_t>{10, 14} : std::vector<uint64_t>{0, 0}));
  });
}
