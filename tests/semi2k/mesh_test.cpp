//===- mesh_test.cpp - semi2k and the dealer over real CurveZMQ sockets ---===//
#include "tests/semi2k/harness.h"
#include "tests/support/mesh_cluster.h"
#include "vm/bytecode/cost.h"

#include <doctest/doctest.h>

using namespace smpc;
using namespace smpc::testing;

TEST_CASE("mul, ltz and output over an encrypted loopback mesh with a dealer node") {
  for (uint32_t n : {2u, 3u}) {
    const uint64_t seed = 11000 + n;
    INFO("parties " << n << ", seed " << seed);
    std::mt19937_64 rng(seed);
    const size_t len = 2000;
    auto x = randomVec(len, rng), y = randomVec(len, rng);
    auto xs = shareOut(x, n, rng), ys = shareOut(y, n, rng);
    std::vector<std::vector<uint64_t>> prod(n, std::vector<uint64_t>(len)), lt = prod;
    std::vector<uint64_t> opened0;
    std::vector<vm::ProtocolStats> st(n);
    runOnMesh(n, [&](uint32_t i, vm::Channel *online, vm::Channel &pre) {
      if (i == n) {
        dealer::serveJob(pre, n);
        return;
      }
      dealer::DealerClient dc(pre, n);
      semi2k::Semi2k proto(*online, dc);
      std::vector<vm::InteractiveOp> ops{makeOp(bc::Op::MulSS, xs[i], ys[i], prod[i]),
                                         makeOp(bc::Op::LtzS, xs[i], {}, lt[i])};
      proto.runGroup(ops);
      std::vector<uint64_t> out(len);
      auto o = makeOp(bc::Op::OutputS, prod[i], {}, out);
      o.recipients = {0};
      proto.runGroup(std::span(&o, 1));
      if (i == 0) opened0 = out;
      st[i] = proto.stats();
      dc.finish();
    });
    auto p = reconstruct(prod), l = reconstruct(lt);
    for (size_t k = 0; k < len; ++k) {
      REQUIRE(p[k] == x[k] * y[k]);
      REQUIRE(l[k] == (static_cast<int64_t>(x[k]) < 0));
    }
    CHECK(opened0 == p);
    CHECK(st[0].rounds == 8 + 1);
  }
}
