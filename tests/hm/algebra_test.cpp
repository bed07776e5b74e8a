//===- algebra_test.cpp - bit slicing, GR(2^64, d), GF(2^d), Lagrange ------===//
#include "vm/protocols/common/bits.h"
#include "vm/protocols/shamir/galois.h"
#include "vm/protocols/shamir/params.h"

#include <doctest/doctest.h>
#include <random>
#include <vector>

using namespace smpc;
using namespace smpc::shamir;

TEST_CASE("transpose64 and sliceBits put bit b of element e at word b*W + e/64") {
  std::mt19937_64 rng(7);
  uint64_t a[64], orig[64];
  for (auto &x : a)
    x = rng();
  std::copy(a, a + 64, orig);
  protocols::transpose64(a);
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < 64; ++j)
      REQUIRE(((a[i] >> j) & 1) == ((orig[j] >> i) & 1));
  std::vector<uint64_t> v(100);
  for (auto &x : v)
    x = rng();
  const size_t W = protocols::wordsFor(v.size());
  std::vector<uint64_t> s(64 * W);
  protocols::sliceBits(v.data(), v.size(), s.data());
  for (size_t e = 0; e < 128; ++e)
    for (unsigned b = 0; b < 64; ++b) {
      const uint64_t want = e < v.size() ? (v[e] >> b) & 1 : 0;
      REQUIRE(((s[b * W + e / 64] >> (e % 64)) & 1) == want);
    }
  CHECK(protocols::laneMask(100, 0) == ~uint64_t(0));
  CHECK(protocols::laneMask(100, 1) == (uint64_t(1) << 36) - 1);
  CHECK(protocols::laneMask(128, 1) == ~uint64_t(0));
}

TEST_CASE("the extension degree covers the parties and the point 0") {
  CHECK(degreeFor(3) == 2);
  CHECK(degreeFor(4) == 3);
  CHECK(degreeFor(7) == 3);
  CHECK(degreeFor(8) == 4);
  CHECK(degreeFor(255) == 8);
  CHECK(degreeFor(256) == 0);
}

TEST_CASE("GR(2^64, d): inverses of units, and vector ops match scalar ones") {
  std::mt19937_64 rng(11);
  for (uint32_t d = 2; d <= kMaxDegree; ++d) {
    INFO("degree " << d);
    const Ext e = makeExt(d);
    for (int trial = 0; trial < 20; ++trial) {
      Gr a;
      for (uint32_t j = 0; j < d; ++j)
        a.c[j] = rng();
      a.c[0] |= 1; // odd constant term: a unit (nonzero mod 2)
      Gr one;
      one.c[0] = 1;
      CHECK(grMul(e, a, grInv(e, a)) == one);
    }
    const size_t n = 300;
    std::vector<uint64_t> x(d * n), y(d * n), z(d * n), s(d * n, 0), sc(n);
    for (auto &v : x)
      v = rng();
    for (auto &v : y)
      v = rng();
    grMulVec(e, x.data(), y.data(), z.data(), n);
    Gr c;
    for (uint32_t j = 0; j < d; ++j)
      c.c[j] = rng();
    grScaleVec(e, c, x.data(), s.data(), n, false);
    coef0Vec(e, coef0Row(e, c), x.data(), sc.data(), n);
    for (size_t i = 0; i < n; ++i) {
      Gr xi, yi;
      for (uint32_t j = 0; j < d; ++j)
        xi.c[j] = x[j * n + i], yi.c[j] = y[j * n + i];
      const Gr p = grMul(e, xi, yi), q = grMul(e, c, xi);
      for (uint32_t j = 0; j < d; ++j) {
        REQUIRE(z[j * n + i] == p.c[j]);
        REQUIRE(s[j * n + i] == q.c[j]);
      }
      REQUIRE(sc[i] == q.c[0]);
    }
    // GF(2^d), bit-sliced, is GR reduced mod 2.
    const size_t nw = 5;
    std::vector<uint64_t> bx(d * nw), by(d * nw), bz(d * nw), bs(d * nw), b0(nw);
    for (auto &v : bx)
      v = rng();
    for (auto &v : by)
      v = rng();
    gfMulVec(e, bx.data(), by.data(), bz.data(), nw);
    gfScaleVec(e, c, bx.data(), bs.data(), nw, false);
    gfCoef0Vec(e, c, bx.data(), b0.data(), nw);
    for (size_t w = 0; w < nw; ++w)
      for (unsigned lane = 0; lane < 64; lane += 7) {
        Gr xi, yi;
        for (uint32_t j = 0; j < d; ++j)
          xi.c[j] = (bx[j * nw + w] >> lane) & 1, yi.c[j] = (by[j * nw + w] >> lane) & 1;
        const Gr p = grMul(e, xi, yi), q = grMul(e, c, xi);
        for (uint32_t j = 0; j < d; ++j) {
          REQUIRE(((bz[j * nw + w] >> lane) & 1) == (p.c[j] & 1));
          REQUIRE(((bs[j * nw + w] >> lane) & 1) == (q.c[j] & 1));
        }
        REQUIRE(((b0[w] >> lane) & 1) == (q.c[0] & 1));
      }
  }
}

TEST_CASE("Lagrange coefficients reconstruct a polynomial's constant") {
  std::mt19937_64 rng(13);
  for (uint32_t N : {3u, 4u, 5u, 7u, 9u}) {
    const Params P = Params::make(N);
    INFO("parties " << N << ", d " << P.d());
    CHECK(P.t == (N - 1) / 2);
    const Ext &e = P.ext;
    for (uint32_t deg : {P.t, 2 * P.t}) {
      std::vector<Gr> coef(deg + 1);
      for (auto &g : coef)
        for (uint32_t j = 0; j < P.d(); ++j)
          g.c[j] = rng();
      coef[0] = Gr{};
      coef[0].c[0] = rng(); // the secret: a constant
      auto eval = [&](const Gr &x) {
        Gr acc, pw;
        pw.c[0] = 1;
        for (const Gr &g : coef)
          acc = grAdd(acc, grMul(e, g, pw)), pw = grMul(e, pw, x);
        return acc;
      };
      const auto &lam = deg == P.t ? P.lamQ : P.lamO;
      uint64_t sum = 0;
      for (uint32_t i = 0; i < lam.size(); ++i)
        sum += grMul(e, lam[i], eval(P.alpha[i])).c[0];
      CHECK(sum == coef[0].c[0]);
    }
  }
  CHECK_THROWS_WITH(Params::make(2), "shamir needs between 3 and 255 parties, the job has 2");
  CHECK_THROWS_WITH(Params::make(256), "shamir needs between 3 and 255 parties, the job has 256");
}
