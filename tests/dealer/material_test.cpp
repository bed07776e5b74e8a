//===- material_test.cpp - dealer material reconstructs correctly, once ---===//
#include "runtime/preproc/dealer/client.h"
#include "runtime/preproc/dealer/dealer.h"
#include "runtime/preproc/dealer/wire.h"
#include "tests/support/local_channel.h"

#include <doctest/doctest.h>
#include <set>

using namespace smpc;
using namespace smpc::dealer;
using smpc::testing::LocalNetwork;
using smpc::testing::runParallel;

namespace {

using Fn = std::function<void(uint32_t, DealerClient &)>;

DealerStats withDealer(uint32_t n, const Fn &fn) {
  LocalNetwork net(n + 1);
  DealerStats st;
  runParallel(n + 1, [&](uint32_t i) {
    if (i == n) {
      st = serveJob(net.channel(n), n);
      return;
    }
    DealerClient c(net.channel(i), n);
    fn(i, c);
    c.finish();
  });
  return st;
}

using PerParty = std::vector<std::vector<uint64_t>>;
std::vector<uint64_t> sum(const PerParty &v) {
  std::vector<uint64_t> s(v[0].size(), 0);
  for (auto &p : v)
    for (size_t i = 0; i < s.size(); ++i)
      s[i] += p[i];
  return s;
}
std::vector<uint64_t> xorAll(const PerParty &v) {
  std::vector<uint64_t> s(v[0].size(), 0);
  for (auto &p : v)
    for (size_t i = 0; i < s.size(); ++i)
      s[i] ^= p[i];
  return s;
}

} // namespace

TEST_CASE("every kind of material reconstructs to the right relation") {
  for (uint32_t n : {2u, 3u, 4u}) {
    INFO("parties " << n);
    const size_t len = 333, words = (len + 63) / 64;
    PerParty a(n), b(n), c(n), ba(n), bb(n), bc(n), ma(n), mb(n), mc(n), da(n), db(n), er(n), eb(n),
        tr(n), tm(n), th(n);
    withDealer(n, [&](uint32_t p, DealerClient &cl) {
      a[p].resize(len), b[p].resize(len), c[p].resize(len);
      cl.triples(a[p], b[p], c[p]);
      ba[p].resize(words), bb[p].resize(words), bc[p].resize(words);
      cl.boolTriples(ba[p], bb[p], bc[p]);
      ma[p].resize(6), mb[p].resize(12), mc[p].resize(8);
      cl.matrixTriple(2, 3, 4, ma[p], mb[p], mc[p]);
      da[p].resize(len), db[p].resize(words);
      cl.daBits(da[p], db[p]);
      er[p].resize(len), eb[p].resize(64 * words);
      cl.edaBits(er[p], eb[p]);
      tr[p].resize(len), tm[p].resize(len), th[p].resize(len);
      cl.truncPairs(16, tr[p], tm[p], th[p]);
    });
    auto A = sum(a), B = sum(b), C = sum(c);
    for (size_t i = 0; i < len; ++i)
      REQUIRE(C[i] == A[i] * B[i]);
    auto BA = xorAll(ba), BB = xorAll(bb), BC = xorAll(bc);
    for (size_t i = 0; i < words; ++i)
      REQUIRE(BC[i] == (BA[i] & BB[i]));
    auto MA = sum(ma), MB = sum(mb), MC = sum(mc);
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 4; ++j) {
        uint64_t acc = 0;
        for (int t = 0; t < 3; ++t)
          acc += MA[i * 3 + t] * MB[t * 4 + j];
        REQUIRE(MC[i * 4 + j] == acc);
      }
    auto DA = sum(da), DB = xorAll(db);
    for (size_t i = 0; i < len; ++i)
      REQUIRE(DA[i] == ((DB[i / 64] >> (i % 64)) & 1));
    auto ER = sum(er), EB = xorAll(eb);
    for (size_t i = 0; i < len; ++i)
      for (unsigned bit = 0; bit < 64; ++bit)
        REQUIRE(((ER[i] >> bit) & 1) == ((EB[bit * words + i / 64] >> (i % 64)) & 1));
    auto TR = sum(tr), TM = sum(tm), TH = sum(th);
    for (size_t i = 0; i < len; ++i) {
      REQUIRE(TM[i] == TR[i] >> 63);
      REQUIRE(TH[i] == (TR[i] & ~(uint64_t(1) << 63)) >> 16);
    }
  }
}

TEST_CASE("shuffle turns: shares of pi(sum of the masks), pi a permutation") {
  for (uint32_t n : {2u, 3u}) {
    const uint32_t rows = 50, width = 3, words = rows * width;
    // [party][permuter]
    std::vector<std::vector<std::vector<uint32_t>>> perm(n, std::vector<std::vector<uint32_t>>(n));
    std::vector<PerParty> mask(n, PerParty(n)), share(n, PerParty(n));
    withDealer(n, [&](uint32_t p, DealerClient &cl) {
      for (uint32_t j = 0; j < n; ++j) {
        perm[p][j].resize(p == j ? rows : 0);
        mask[p][j].resize(p == j ? 0 : words);
        share[p][j].resize(words);
        cl.shuffleTurn(j, rows, width, perm[p][j], mask[p][j], share[p][j]);
      }
    });
    for (uint32_t j = 0; j < n; ++j) {
      INFO("parties " << n << ", permuter " << j);
      const auto &pi = perm[j][j];
      REQUIRE(std::set<uint32_t>(pi.begin(), pi.end()).size() == rows);
      std::vector<uint64_t> sm(words, 0), ss(words, 0);
      for (uint32_t p = 0; p < n; ++p)
        for (uint32_t k = 0; k < words; ++k) {
          ss[k] += share[p][j][k];
          if (p != j) sm[k] += mask[p][j][k];
        }
      for (uint32_t r = 0; r < rows; ++r)
        for (uint32_t c = 0; c < width; ++c)
          REQUIRE(ss[r * width + c] == sm[pi[r] * width + c]);
    }
  }
}

TEST_CASE("a shuffle turn naming a party outside the job is refused") {
  LocalNetwork net(3);
  std::string err;
  runParallel(3, [&](uint32_t i) {
    if (i == 2) {
      try {
        serveJob(net.channel(2), 2);
      } catch (const DealerError &e) {
        err = e.what();
      }
      return;
    }
    DealerClient c(net.channel(i), 2);
    if (i != 0) return;
    // The client refuses it itself...
    std::vector<uint32_t> perm;
    std::vector<uint64_t> mask(4), share(4);
    CHECK_THROWS_WITH_AS(c.shuffleTurn(5, 4, 1, perm, mask, share),
                         "preprocessing request has inconsistent buffer sizes", DealerError);
    // ... and the dealer refuses such a request from a misbehaving party 0.
    net.channel(0).send(2, encodeRequest({{Kind::Shuffle, 5, 4, 1}, 1}));
  });
  CHECK(err == "shuffle permuter 5 is not a party of this job");
}

TEST_CASE("material is never handed out twice") {
  const uint32_t n = 3;
  const size_t rounds = 20, len = 500;
  PerParty all(n);
  std::vector<uint64_t> used0(n);
  withDealer(n, [&](uint32_t p, DealerClient &cl) {
    // Mixed request sizes, interleaved with another kind, crossing the
    // client's batch boundaries.
    for (size_t r = 0; r < rounds; ++r) {
      const size_t k = len + r * 37;
      std::vector<uint64_t> a(k), b(k), c(k), d(k), bits((k + 63) / 64);
      cl.triples(a, b, c);
      cl.daBits(d, bits);
      all[p].insert(all[p].end(), a.begin(), a.end());
    }
    used0[p] = cl.used(Kind::Triple);
  });
  auto A = sum(all);
  std::set<uint64_t> distinct(A.begin(), A.end());
  CHECK(distinct.size() == A.size()); // 64-bit collisions: negligible
  for (auto u : used0)
    CHECK(u == A.size());
}

TEST_CASE("prefetch asks for the predicted material, more is requested on demand") {
  bc::PreprocNeeds needs;
  needs.material[bc::Material::Triple] = 10000;
  needs.material[bc::Material::Trunc] = 100;
  std::vector<uint64_t> c0;
  PerParty a(2), b(2), c(2);
  auto st = withDealer(2, [&](uint32_t p, DealerClient &cl) {
    cl.prefetch(needs, 16);
    a[p].resize(15000), b[p].resize(15000), c[p].resize(15000); // beyond the prediction
    cl.triples(a[p], b[p], c[p]);
  });
  auto A = sum(a), B = sum(b), C = sum(c);
  for (size_t i = 0; i < A.size(); ++i)
    REQUIRE(C[i] == A[i] * B[i]);
  CHECK(st.requests >= 3); // triples prefetch, trunc prefetch, the on-demand rest
  CHECK(st.elements >= 15000 + 100);
}

TEST_CASE("material streams within a bounded window: a huge prediction is not fetched up front") {
  // The header predicts 10^8 triples and truncation pairs; the run draws
  // 300,000 of each in small steps.
  // Party 0 never has more than the window in flight, and the dealer makes
  // only what was drawn plus the read-ahead, not the whole prediction.
  bc::PreprocNeeds needs;
  needs.material[bc::Material::Triple] = 100000000;
  needs.material[bc::Material::Trunc] = 100000000;
  constexpr size_t kDraws = 300, kPer = 1000;
  uint64_t peak = 0;
  bool ok = true;
  auto st = withDealer(2, [&](uint32_t p, DealerClient &cl) {
    cl.prefetch(needs, 16);
    std::vector<uint64_t> a(kPer), b(kPer), c(kPer);
    for (size_t i = 0; i < kDraws; ++i) {
      cl.triples(a, b, c);
      cl.truncPairs(16, a, b, c);
    }
    if (p == 0) peak = cl.inflightPeak();
    ok = ok && cl.used(Kind::Triple) == kDraws * kPer && cl.used(Kind::Trunc) == kDraws * kPer;
  });
  CHECK(ok);
  CHECK(peak > 0);
  CHECK(peak <= DealerClient::kMaxInflightWords);
  // Drawn, plus at most one stream window each of read-ahead.
  CHECK(st.elements <= 2 * (kDraws * kPer + DealerClient::kStreamWindowWords));
}

TEST_CASE("a request larger than the dealer's work chunk is generated in pieces") {
  const size_t len = 200000; // > 2^18 / 3 triples per chunk
  PerParty a(2), b(2), c(2);
  withDealer(2, [&](uint32_t p, DealerClient &cl) {
    a[p].resize(len), b[p].resize(len), c[p].resize(len);
    cl.triples(a[p], b[p], c[p]);
  });
  auto A = sum(a), B = sum(b), C = sum(c);
  for (size_t i = 0; i < len; ++i)
    REQUIRE(C[i] == A[i] * B[i]);
}

TEST_CASE("prefetch(program) reads ahead the truncation stream of every shift the code draws") {
  // bit.s draws its own shift (vm::Preprocessing::kBitShift), trunc.s the
  // instruction's: both are read ahead, so nothing is asked for on demand
  // (which would round up to kMinRequest) and the dealer makes exactly the
  // predicted elements.
  bc::Program prog;
  prog.sregLen = {1000, 500};
  bc::Instr bit;
  bit.op = bc::Op::BitS;
  bit.a = {0, 0, 5};
  bc::Instr trunc;
  trunc.op = bc::Op::TruncS;
  trunc.a = {1, 1, 16};
  prog.code = {bit, trunc};
  prog.needs.material[bc::Material::Trunc] = 1500;
  uint64_t requested = 0;
  auto st = withDealer(2, [&](uint32_t p, DealerClient &cl) {
    cl.prefetch(prog);
    if (p == 0) requested = cl.inflightPeak();
    std::vector<uint64_t> r(1000), m(1000), h(1000);
    cl.truncPairs(vm::Preprocessing::kBitShift, r, m, h);
    r.resize(500), m.resize(500), h.resize(500);
    cl.truncPairs(16, r, m, h);
  });
  CHECK(requested == 2 * 1500); // two correction words per pair, all asked for up front
  CHECK(st.requests == 2);
  CHECK(st.elements == 1500);
}
