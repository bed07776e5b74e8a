//===- ot_test.cpp - semi2k on dealer-free (OT-based) preprocessing -------===//
#include "runtime/preproc/ot/ot_preprocessing.h"
#include "tests/semi2k/harness.h"

#include <doctest/doctest.h>

using namespace smpc;
using namespace smpc::testing;

TEST_CASE("semi2k runs mul, trunc, ltz and eqz on OT-based material") {
  for (uint32_t n : {2u, 3u}) {
    const uint64_t seed = 12000 + n;
    INFO("parties " << n << ", seed " << seed);
    std::mt19937_64 rng(seed);
    const size_t len = 300;
    auto x = randomVec(len, rng), y = randomVec(len, rng);
    std::vector<uint64_t> small(len);
    for (auto &v : small)
      v = static_cast<uint64_t>(static_cast<int64_t>(rng()) >> 3);
    small[0] = 0;
    auto xs = shareOut(x, n, rng), ys = shareOut(y, n, rng), ss = shareOut(small, n, rng);
    std::vector<std::vector<uint64_t>> mul(n, std::vector<uint64_t>(len)), tr = mul, lt = mul,
                                                                           eq = mul;
    LocalNetwork online(n), pre(n);
    runParallel(n, [&](uint32_t p) {
      preproc::OtPreprocessing ot(pre.channel(p));
      semi2k::Semi2k proto(online.channel(p), ot);
      std::vector<vm::InteractiveOp> ops{
          makeOp(bc::Op::MulSS, xs[p], ys[p], mul[p]), makeOp(bc::Op::TruncS, ss[p], {}, tr[p]),
          makeOp(bc::Op::LtzS, ss[p], {}, lt[p]), makeOp(bc::Op::EqzS, ss[p], {}, eq[p])};
      ops[1].shift = 16;
      proto.runGroup(ops);
    });
    auto m = reconstruct(mul), t = reconstruct(tr), l = reconstruct(lt), e = reconstruct(eq);
    for (size_t i = 0; i < len; ++i) {
      INFO("element " << i);
      REQUIRE(m[i] == x[i] * y[i]);
      const int64_t d = static_cast<int64_t>(t[i]) - (static_cast<int64_t>(small[i]) >> 16);
      REQUIRE((d == 0 || d == 1));
      REQUIRE(l[i] == (static_cast<int64_t>(small[i]) < 0));
      REQUIRE(e[i] == (small[i] == 0));
    }
  }
}
