//===- job_material_test.cpp - a job's pool lots, then OT on demand -------===//
//
// Two parties draw lots from an OT generator (standing in for the shared
// pool) and serve a job's requests from them across the end of each lot:
// every record served must be valid material (c = a*b, daBit arith = bit,
// edaBit r = its bits), and none may be served twice.
//===----------------------------------------------------------------------===//
#include "runtime/node/job_material.h"
#include "runtime/preproc/ot/ot_preprocessing.h"
#include "tests/support/local_channel.h"

#include <doctest/doctest.h>
#include <set>

using smpc::node::drawLots;
using smpc::node::makeJobMaterial;
using smpc::preproc::kPoolKinds;
using smpc::preproc::PoolKind;
using smpc::testing::LocalNetwork;
using smpc::testing::runParallel;
using Vec = std::vector<uint64_t>;

namespace {

constexpr uint32_t kParties = 2;
constexpr std::size_t kLot = 10, kAsk = 6, kCalls = 3; // the 2nd call crosses the lot's end

struct Served {
  Vec a, b, c;     // triples, concatenated over the calls
  Vec arith, bits; // daBits: one bit per element (unpacked)
  Vec r, rbits;    // edaBits: r and its 64 bits packed back into a word
  smpc::node::MaterialStats stats;
};

Served serveJob(uint32_t party, LocalNetwork &poolNet, LocalNetwork &jobNet) {
  smpc::preproc::OtPreprocessing pool(poolNet.channel(party));
  std::array<uint64_t, kPoolKinds> counts{};
  counts[std::size_t(PoolKind::Triple)] = kLot;
  counts[std::size_t(PoolKind::DaBit)] = kLot;
  counts[std::size_t(PoolKind::EdaBit)] = kLot;
  auto m = makeJobMaterial(drawLots(pool, counts, 16), jobNet.channel(party), kParties, 16, 0);
  Served s;
  for (std::size_t call = 0; call < kCalls; ++call) {
    Vec a(kAsk), b(kAsk), c(kAsk), arith(kAsk), bits(1), r(kAsk), eb(64);
    m->triples(a, b, c);
    m->daBits(arith, bits);
    m->edaBits(r, eb);
    for (std::size_t i = 0; i < kAsk; ++i) {
      s.a.push_back(a[i]), s.b.push_back(b[i]), s.c.push_back(c[i]);
      s.arith.push_back(arith[i]), s.bits.push_back((bits[0] >> i) & 1);
      uint64_t w = 0;
      for (std::size_t bit = 0; bit < 64; ++bit)
        w |= ((eb[bit] >> i) & 1) << bit;
      s.r.push_back(r[i]), s.rbits.push_back(w);
    }
  }
  s.stats = m->stats();
  return s;
}

} // namespace

TEST_CASE("job material: records past the end of a pool lot come from OT, valid and fresh") {
  LocalNetwork poolNet(kParties), jobNet(kParties);
  std::array<Served, kParties> out;
  runParallel(kParties, [&](uint32_t i) { out[i] = serveJob(i, poolNet, jobNet); });
  const std::size_t n = kAsk * kCalls;
  std::set<uint64_t> seen;
  for (std::size_t i = 0; i < n; ++i) {
    CAPTURE(i);
    const uint64_t a = out[0].a[i] + out[1].a[i], b = out[0].b[i] + out[1].b[i],
                   c = out[0].c[i] + out[1].c[i];
    CHECK(c == a * b);
    CHECK(a != 0); // a wiped (zero) record would be a valid but public triple
    CHECK(seen.insert(a).second);
    const uint64_t arith = out[0].arith[i] + out[1].arith[i], bit = out[0].bits[i] ^ out[1].bits[i];
    CHECK(arith == bit);
    const uint64_t r = out[0].r[i] + out[1].r[i], rbits = out[0].rbits[i] ^ out[1].rbits[i];
    CHECK(r == rbits);
    CHECK(r != 0);
    CHECK(seen.insert(r).second);
  }
  for (const Served &s : out) {
    CHECK(s.stats.fromPool[std::size_t(PoolKind::Triple)] == kLot);
    CHECK(s.stats.used[std::size_t(PoolKind::Triple)] == n);
    CHECK(s.stats.onDemandCalls == 3 * (kCalls - 1)); // calls 2 and 3 of each kind
  }
}
