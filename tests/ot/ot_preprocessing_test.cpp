//===- ot_preprocessing_test.cpp - OT preprocessing for 2 and 3 parties ---===//
//
// Parties run as threads over tests/support's in-process channel (a test
// double for runtime/net). Shares are opened here and checked.
//===----------------------------------------------------------------------===//
#include "runtime/preproc/ot/ot_preprocessing.h"
#include "tests/support/local_channel.h"

#include <atomic>
#include <doctest/doctest.h>
#include <string>
#include <thread>
#include <vector>

using smpc::preproc::OtOptions;
using smpc::preproc::OtPreprocessing;
using smpc::testing::LocalNetwork;
using smpc::testing::runParallel;
using Vec = std::vector<uint64_t>;

namespace {

Vec openAdd(const std::vector<Vec> &s) {
  Vec r(s[0].size(), 0);
  for (auto &v : s)
    for (std::size_t i = 0; i < v.size(); ++i)
      r[i] += v[i];
  return r;
}
Vec openXor(const std::vector<Vec> &s) {
  Vec r(s[0].size(), 0);
  for (auto &v : s)
    for (std::size_t i = 0; i < v.size(); ++i)
      r[i] ^= v[i];
  return r;
}

struct Material {
  std::vector<Vec> ta, tb, tc, ba, bb, bc, ma, mb, mc, da, db, er, eb, tr, tm, th;
};

constexpr uint32_t kM = 5, kK = 7, kN = 3;
constexpr std::size_t kTriples = 20000, kBoolWords = 300, kDa = 1000, kEda = 130, kTrunc = 100;
constexpr uint32_t kShift = 16;

Material runAll(uint32_t parties) {
  LocalNetwork net(parties);
  Material M;
  for (auto *v : {&M.ta, &M.tb, &M.tc, &M.ba, &M.bb, &M.bc, &M.ma, &M.mb, &M.mc, &M.da, &M.db,
                  &M.er, &M.eb, &M.tr, &M.tm, &M.th})
    v->resize(parties);
  runParallel(parties, [&](uint32_t i) {
    OtOptions opt;
    opt.batchProducts = 4096; // several batches per call
    OtPreprocessing pre(net.channel(i), opt);
    M.ta[i].resize(kTriples), M.tb[i].resize(kTriples), M.tc[i].resize(kTriples);
    pre.triples(M.ta[i], M.tb[i], M.tc[i]);
    M.ba[i].resize(kBoolWords), M.bb[i].resize(kBoolWords), M.bc[i].resize(kBoolWords);
    pre.boolTriples(M.ba[i], M.bb[i], M.bc[i]);
    M.ma[i].resize(kM * kK), M.mb[i].resize(kK * kN), M.mc[i].resize(kM * kN);
    pre.matrixTriple(kM, kK, kN, M.ma[i], M.mb[i], M.mc[i]);
    M.da[i].resize(kDa), M.db[i].resize((kDa + 63) / 64);
    pre.daBits(M.da[i], M.db[i]);
    M.er[i].resize(kEda), M.eb[i].resize(64 * ((kEda + 63) / 64));
    pre.edaBits(M.er[i], M.eb[i]);
    M.tr[i].resize(kTrunc), M.tm[i].resize(kTrunc), M.th[i].resize(kTrunc);
    pre.truncPairs(kShift, M.tr[i], M.tm[i], M.th[i]);
  });
  return M;
}

void checkAll(uint32_t parties) {
  INFO(parties << " parties");
  auto M = runAll(parties);
  {
    auto a = openAdd(M.ta), b = openAdd(M.tb), c = openAdd(M.tc);
    std::size_t bad = 0, zero = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
      bad += c[i] != a[i] * b[i], zero += a[i] == 0;
    CHECK(bad == 0);
    CHECK(zero < 2); // a is uniform, not degenerate
  }
  {
    auto a = openXor(M.ba), b = openXor(M.bb), c = openXor(M.bc);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
      bad += c[i] != (a[i] & b[i]);
    CHECK(bad == 0);
    CHECK(a != b);
  }
  {
    auto A = openAdd(M.ma), B = openAdd(M.mb), C = openAdd(M.mc);
    std::size_t bad = 0;
    for (uint32_t r = 0; r < kM; ++r)
      for (uint32_t c = 0; c < kN; ++c) {
        uint64_t s = 0;
        for (uint32_t t = 0; t < kK; ++t)
          s += A[r * kK + t] * B[t * kN + c];
        bad += C[r * kN + c] != s;
      }
    CHECK(bad == 0);
  }
  {
    auto a = openAdd(M.da), b = openXor(M.db);
    std::size_t bad = 0, ones = 0;
    for (std::size_t i = 0; i < kDa; ++i) {
      bad += a[i] > 1 || a[i] != ((b[i / 64] >> (i % 64)) & 1);
      ones += a[i] == 1;
    }
    CHECK(bad == 0);
    CHECK(ones > kDa / 4);
    CHECK(ones < 3 * kDa / 4);
    CHECK((b.back() >> (kDa % 64)) == 0); // padding bits are zero
  }
  {
    auto r = openAdd(M.er), bits = openXor(M.eb);
    const std::size_t words = (kEda + 63) / 64;
    std::size_t bad = 0;
    for (std::size_t e = 0; e < kEda; ++e)
      for (std::size_t b = 0; b < 64; ++b)
        bad += ((r[e] >> b) & 1) != ((bits[b * words + e / 64] >> (e % 64)) & 1);
    CHECK(bad == 0);
  }
  {
    auto r = openAdd(M.tr), msb = openAdd(M.tm), high = openAdd(M.th);
    std::size_t bad = 0;
    for (std::size_t e = 0; e < kTrunc; ++e) {
      bad += msb[e] != (r[e] >> 63);
      bad += high[e] != ((r[e] & ~(uint64_t{1} << 63)) >> kShift);
    }
    CHECK(bad == 0);
  }
}

} // namespace

TEST_CASE("OT preprocessing: all material is consistent for 2 parties") {
  checkAll(2);
}
TEST_CASE("OT preprocessing: all material is consistent for 3 parties") {
  checkAll(3);
}
TEST_CASE("OT preprocessing: all material is consistent for 4 parties") {
  checkAll(4);
}

TEST_CASE("OT preprocessing: wrong span sizes are refused") {
  LocalNetwork net(2);
  OtPreprocessing pre(net.channel(0));
  Vec a(3), b(3), c(2), bits(1);
  CHECK_THROWS_WITH_AS(pre.triples(a, b, c), "triples: a, b and c must have the same length",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(pre.matrixTriple(2, 2, 2, a, b, c),
                       "matrixTriple: span sizes do not match m x k and k x n",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(pre.truncPairs(64, a, b, a), "truncPairs: shift must be at most 63 bits",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(pre.edaBits(a, bits),
                       "edaBits: bits must hold 64 * ceil(r.size() / 64) words",
                       std::invalid_argument);
}

namespace {
// Runs 3 parties; party 2 runs `dying` instead of the job. Returns the
// error texts of parties 0 and 1 (empty if they did not fail).
std::vector<std::string>
runWithFault(const std::function<void(OtPreprocessing &, smpc::vm::Channel &)> &dying) {
  LocalNetwork net(3, std::chrono::milliseconds(400));
  std::vector<std::string> errs(3);
  std::vector<std::thread> ts;
  for (uint32_t i = 0; i < 3; ++i)
    ts.emplace_back([&, i] {
      OtPreprocessing pre(net.channel(i));
      try {
        if (i == 2) return dying(pre, net.channel(i));
        pre.setup();
        Vec a(1000), b(1000), c(1000);
        pre.triples(a, b, c);
      } catch (const smpc::vm::NetError &e) {
        errs[i] = e.what();
      }
    });
  for (auto &t : ts)
    t.join();
  return errs;
}
} // namespace

TEST_CASE("OT preprocessing: a party that dies during setup makes the others fail cleanly") {
  auto errs = runWithFault([](OtPreprocessing &, smpc::vm::Channel &) {});
  CHECK(errs[0] == "timed out waiting for a message from party 2");
  CHECK(errs[1] == "timed out waiting for a message from party 2");
}

TEST_CASE("OT preprocessing: a party that dies after setup makes the others fail cleanly") {
  auto errs = runWithFault([](OtPreprocessing &pre, smpc::vm::Channel &) { pre.setup(); });
  CHECK(errs[0] == "timed out waiting for a message from party 2");
  CHECK(errs[1] == "timed out waiting for a message from party 2");
}

TEST_CASE("OT preprocessing: a malformed message names the sending party") {
  auto errs = runWithFault([](OtPreprocessing &, smpc::vm::Channel &ch) {
    const std::vector<uint8_t> junk(5, 0xff);
    ch.send(0, junk);
    ch.send(1, junk);
  });
  CHECK(errs[0] == "OT preprocessing: party 2 sent a malformed message");
  CHECK(errs[1] == "OT preprocessing: party 2 sent a malformed message");
}
