// Large products reuse the online phase's buffers between round groups
// (vm/protocols/common/word_cache.h): what a reused buffer held before must
// never leak into a later result.
#include "tests/hm/harness.h"
#include "vm/protocols/common/word_cache.h"
#include "vm/protocols/shamir/material.h"

#include <random>

namespace smpc::testing {
namespace {

using protocols::WordCache;
using protocols::Words;

TEST_CASE("the word cache hands back a large buffer of the same size, and keeps few") {
  WordCache cache;
  const size_t n = WordCache::kMinWords;
  Words a = cache.get(n);
  const uint64_t *first = a.data();
  cache.put(std::move(a));
  Words b = cache.get(n);
  CHECK(b.data() == first);
  CHECK(b.size() == n);
  Words other = cache.get(n); // none kept any more: a fresh one
  CHECK(other.data() != first);
  cache.put(std::move(b));
  CHECK(cache.get(n + 1).data() != first); // another size
  CHECK(cache.kept() == 1);
  cache.put(Words::uninit(16)); // too small to keep: freed
  CHECK(cache.kept() == 1);
  // At most kMaxBuffers kept: the oldest go first.
  std::vector<const uint64_t *> kept;
  for (size_t i = 0; i < WordCache::kMaxBuffers + 2; ++i) {
    Words w = Words::uninit(n + 2 + i);
    kept.push_back(w.data());
    cache.put(std::move(w));
  }
  CHECK(cache.kept() == WordCache::kMaxBuffers);
  CHECK(cache.get(n + 2 + WordCache::kMaxBuffers + 1).data() == kept.back());
  CHECK(cache.kept() == WordCache::kMaxBuffers - 1);
}

// z = (a * b) * a, each product larger than the cache's minimum, so the
// second product reuses the first one's buffers.
// At 4 parties party 3 is past 2t (it receives e without contributing,
// starting from a zeroed buffer); no opening reads its share, so the test
// checks that every party's share of z lies on the line (t = 1) through the
// shares of parties 0 and 1.
TEST_CASE("repeated large shamir products reuse buffers and stay exact") {
  const size_t n = WordCache::kMinWords + 1000;
  std::mt19937_64 rng(20261130);
  std::vector<uint64_t> a(n), b(n), want(n);
  for (size_t i = 0; i < n; ++i) {
    a[i] = rng(), b[i] = rng();
    want[i] = a[i] * b[i] * a[i];
  }
  for (uint32_t parties : {3u, 4u}) {
    INFO("shamir with " << parties << " parties (seed 20261130)");
    shamir::MaterialConfig cfg = smallPools();
    cfg.capacity[size_t(shamir::Kind::ArithDouble)] = 1 << 16;
    LocalNetwork online(parties), background(parties + 1);
    std::vector<std::vector<uint64_t>> opened(parties), shares(parties);
    runParallel(parties, [&](uint32_t i) {
      shamir::Shamir p(online.channel(i), background.channel(i), cfg);
      const uint32_t w = p.shareWidth();
      std::vector<uint64_t> sa(n * w), sb(n * w), ab(n * w), z(n * w), out(n);
      auto run = [&](vm::InteractiveOp op) { p.runGroup(std::span(&op, 1)); };
      {
        vm::InteractiveOp in;
        in.op = bc::Op::Input;
        in.owner = 0;
        in.x = i == 0 ? std::span<const uint64_t>(a) : std::span<const uint64_t>();
        in.out = sa;
        run(in);
        in.owner = 1;
        in.x = i == 1 ? std::span<const uint64_t>(b) : std::span<const uint64_t>();
        in.out = sb;
        run(in);
        vm::InteractiveOp mul;
        mul.op = bc::Op::MulSS;
        mul.x = sa, mul.y = sb, mul.out = ab;
        run(mul);
        mul.x = ab, mul.y = sa, mul.out = z;
        run(mul);
        vm::InteractiveOp open;
        open.op = bc::Op::Open;
        open.x = z, open.out = out;
        run(open);
        opened[i] = out;
        shares[i] = z;
      }
    });
    for (uint32_t i = 0; i < parties; ++i) {
      INFO("party " << i);
      REQUIRE(opened[i].size() == n);
      size_t wrong = 0;
      for (size_t k = 0; k < n; ++k)
        wrong += opened[i][k] != want[k];
      CHECK(wrong == 0);
    }
    if (parties != 4) continue;
    const shamir::Params P = shamir::Params::make(parties);
    const shamir::Ext &e = P.ext;
    const uint32_t d = P.d();
    auto at = [&](uint32_t party, size_t k) {
      shamir::Gr g{};
      for (uint32_t q = 0; q < d; ++q)
        g.c[q] = shares[party][q * n + k];
      return g;
    };
    for (uint32_t j = 2; j < parties; ++j) {
      INFO("share of party " << j);
      // f(a_j) = f(a_0) (a_j - a_1) / (a_0 - a_1) + f(a_1) (a_j - a_0) / (a_1 - a_0)
      const shamir::Gr l0 = grMul(e, grSub(P.alpha[j], P.alpha[1]),
                                  grInv(e, grSub(P.alpha[0], P.alpha[1]))),
                       l1 = grMul(e, grSub(P.alpha[j], P.alpha[0]),
                                  grInv(e, grSub(P.alpha[1], P.alpha[0])));
      size_t off = 0;
      for (size_t k = 0; k < n; ++k)
        off += !(grAdd(grMul(e, at(0, k), l0), grMul(e, at(1, k), l1)) == at(j, k));
      CHECK(off == 0);
    }
  }
}

// Products read their double sharings where the pool keeps them
// (shamir::Doubles): in pieces across the pool's batches, the first starting
// in the middle of one. Whatever the piece, [r]_t must lie on a polynomial of
// degree t and the words of [r]_2t (parties 0..2t) must add up to the same r.
TEST_CASE("double sharings read in place lie on their polynomials") {
  for (uint32_t parties : {3u, 5u}) {
    INFO("shamir with " << parties << " parties");
    const shamir::Params P = shamir::Params::make(parties);
    const uint32_t d = P.d(), t = P.t;
    std::vector<std::vector<crypto::Seed>> seeds(parties, std::vector<crypto::Seed>(parties));
    for (uint32_t i = 0; i < parties; ++i)
      for (uint32_t j = i + 1; j < parties; ++j)
        seeds[i][j] = seeds[j][i] = crypto::seed_keygen();
    shamir::MaterialConfig cfg;
    cfg.capacity[size_t(shamir::Kind::ArithDouble)] = 4096; // batches of 1024
    const size_t skip = 700, n = 2500;                      // a copy first, then two pieces of n
    LocalNetwork bg(parties);
    std::vector<std::vector<uint64_t>> rt(parties), w(parties);
    std::vector<size_t> pieces(parties);
    runParallel(parties, [&](uint32_t i) {
      shamir::Material m(bg.channel(i), P, seeds[i], cfg);
      std::vector<uint64_t> a(size_t(d) * skip), b(skip);
      m.take(shamir::Kind::ArithDouble, skip, a, b);
      for (int round = 0; round < 2; ++round) {
        shamir::Doubles r = m.takeDoubles(shamir::Kind::ArithDouble, n);
        REQUIRE(r.size() == n);
        pieces[i] += r.pieces().size();
        for (size_t k = 0; k < n; ++k)
          r.forRange(k, k + 1, [&](const shamir::Doubles::Piece &pc, size_t lo, size_t) {
            for (uint32_t p = 0; p < d; ++p)
              rt[i].push_back(*pc.plane(p, lo));
            w[i].push_back(*pc.plane(d, lo));
          });
      }
    });
    for (uint32_t i = 0; i < parties; ++i) {
      REQUIRE(rt[i].size() == 2 * n * d);
      CHECK(pieces[i] >= 6); // 2500 records from batches of 1024, twice
    }
    const shamir::Ext &e = P.ext;
    auto share = [&](uint32_t party, size_t k) {
      shamir::Gr g{};
      for (uint32_t p = 0; p < d; ++p)
        g.c[p] = rt[party][k * d + p];
      return g;
    };
    // The share of party j from those of parties 0..t (Lagrange at alpha_j).
    auto interpolate = [&](size_t k, uint32_t j) {
      shamir::Gr sum{};
      for (uint32_t a = 0; a <= t; ++a) {
        shamir::Gr l = shamir::grPoint(1);
        for (uint32_t b = 0; b <= t; ++b)
          if (b != a)
            l = grMul(
                e, l,
                grMul(e, grSub(P.alpha[j], P.alpha[b]), grInv(e, grSub(P.alpha[a], P.alpha[b]))));
        sum = grAdd(sum, grMul(e, l, share(a, k)));
      }
      return sum;
    };
    size_t offCurve = 0, wrongR = 0, notConstant = 0;
    for (size_t k = 0; k < 2 * n; ++k) {
      for (uint32_t j = t + 1; j < parties; ++j)
        offCurve += !(interpolate(k, j) == share(j, k));
      shamir::Gr r{};
      for (uint32_t j = 0; j <= t; ++j)
        r = grAdd(r, grMul(e, P.lamQ[j], share(j, k)));
      for (uint32_t p = 1; p < d; ++p)
        notConstant += r.c[p] != 0;
      uint64_t fromWords = 0;
      for (uint32_t j = 0; j <= 2 * t; ++j)
        fromWords += w[j][k];
      wrongR += fromWords != r.c[0];
    }
    CHECK(offCurve == 0);
    CHECK(notConstant == 0);
    CHECK(wrongR == 0);
  }
}

} // namespace
} // namespace smpc::testing
