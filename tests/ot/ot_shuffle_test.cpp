//===- ot_shuffle_test.cpp - Benes routing and OT-based shuffle material --===//
#include "runtime/preproc/ot/benes.h"
#include "runtime/preproc/ot/ot_preprocessing.h"
#include "tests/support/local_channel.h"
#include "vm/core/errors.h"

#include <algorithm>
#include <doctest/doctest.h>
#include <numeric>
#include <random>
#include <vector>

using smpc::preproc::benesEvaluate;
using smpc::preproc::benesRoute;
using smpc::preproc::benesSwitches;
using smpc::preproc::benesWires;
using smpc::preproc::OtPreprocessing;
using smpc::testing::LocalNetwork;
using smpc::testing::runParallel;
using Vec = std::vector<uint64_t>;

TEST_CASE("Benes network sizes") {
  CHECK(benesWires(1) == 2);
  CHECK(benesWires(2) == 2);
  CHECK(benesWires(3) == 4);
  CHECK(benesWires(1000) == 1024);
  CHECK(benesSwitches(2) == 1);
  CHECK(benesSwitches(4) == 6);
  CHECK(benesSwitches(8) == 20);
  CHECK(benesSwitches(1024) == 1024 * 10 - 512);
}

TEST_CASE("every permutation routed through a Benes network comes out right") {
  std::mt19937_64 rng(4242);
  INFO("seed 4242");
  for (uint64_t m : {2, 4, 8, 16, 64, 256, 1024}) {
    for (int rep = 0; rep < (m <= 8 ? 40 : 5); ++rep) {
      std::vector<uint32_t> p(m);
      std::iota(p.begin(), p.end(), 0u);
      std::shuffle(p.begin(), p.end(), rng);
      std::vector<uint8_t> bits = benesRoute(p);
      REQUIRE(bits.size() == benesSwitches(m));
      const uint64_t w = 2;
      Vec rows(m * w);
      for (uint64_t i = 0; i < m; ++i)
        rows[i * w] = i, rows[i * w + 1] = 1000 + i;
      uint64_t visited = 0;
      benesEvaluate(rows, m, w, [&](uint64_t id, uint64_t a, uint64_t b) {
        CHECK(id == visited++); // ids in evaluation order
        if (bits[id])
          std::swap_ranges(rows.begin() + a * w, rows.begin() + a * w + w, rows.begin() + b * w);
      });
      CHECK(visited == bits.size());
      bool ok = true;
      for (uint64_t r = 0; r < m; ++r)
        ok &= rows[r * w] == p[r] && rows[r * w + 1] == 1000 + p[r];
      CHECK_MESSAGE(ok, "m = " << m << ", repetition " << rep);
    }
  }
}

namespace {

// Runs one turn per permuter on `parties` parties and checks that the shares
// add up to pi(sum of the masks), with pi a permutation.
void checkTurns(uint32_t parties, uint32_t rows, uint32_t width) {
  LocalNetwork net(parties);
  struct Out {
    std::vector<uint32_t> perm;
    Vec mask, share;
  };
  std::vector<std::vector<Out>> out(parties, std::vector<Out>(parties));
  runParallel(parties, [&](uint32_t i) {
    OtPreprocessing pre(net.channel(i));
    for (uint32_t j = 0; j < parties; ++j) {
      Out &o = out[i][j];
      o.perm.resize(i == j ? rows : 0);
      o.mask.resize(i == j ? 0 : uint64_t(rows) * width);
      o.share.resize(uint64_t(rows) * width);
      pre.shuffleTurn(j, rows, width, o.perm, o.mask, o.share);
    }
  });
  for (uint32_t j = 0; j < parties; ++j) {
    INFO(parties << " parties, permuter " << j << ", " << rows << " x " << width);
    const std::vector<uint32_t> &p = out[j][j].perm;
    std::vector<uint32_t> sorted = p;
    std::sort(sorted.begin(), sorted.end());
    for (uint32_t r = 0; r < rows; ++r)
      REQUIRE(sorted[r] == r);
    Vec sumMask(uint64_t(rows) * width, 0), sumShare(uint64_t(rows) * width, 0);
    for (uint32_t i = 0; i < parties; ++i) {
      for (uint64_t k = 0; k < sumShare.size(); ++k) {
        sumShare[k] += out[i][j].share[k];
        if (i != j) sumMask[k] += out[i][j].mask[k];
      }
    }
    bool ok = true;
    for (uint32_t r = 0; r < rows; ++r)
      for (uint32_t c = 0; c < width; ++c)
        ok &= sumShare[uint64_t(r) * width + c] == sumMask[uint64_t(p[r]) * width + c];
    CHECK(ok);
  }
}

} // namespace

TEST_CASE("OT shuffle material: shares of pi(sum of masks), 2 and 3 parties") {
  checkTurns(2, 1, 1);
  checkTurns(2, 2, 3);
  checkTurns(2, 100, 2); // padded to 128 wires
  checkTurns(2, 512, 1);
  checkTurns(3, 37, 3);
}

TEST_CASE("OT shuffle material: wrong sizes and a malformed switch message are refused") {
  LocalNetwork net(2);
  runParallel(2, [&](uint32_t i) {
    OtPreprocessing pre(net.channel(i));
    std::vector<uint32_t> perm(i == 0 ? 8 : 0);
    Vec mask(i == 0 ? 0 : 8), share(8), wrong(7);
    CHECK_THROWS_WITH_AS(pre.shuffleTurn(0, 8, 1, perm, mask, wrong),
                         "shuffleTurn: sizes do not match rows x width", std::invalid_argument);
    CHECK_THROWS_WITH_AS(pre.shuffleTurn(2, 8, 1, perm, mask, share),
                         "shuffleTurn: sizes do not match rows x width", std::invalid_argument);
    if (i == 0) {
      CHECK_THROWS_WITH_AS(pre.shuffleTurn(0, 8, 1, perm, mask, share),
                           "OT preprocessing: party 1 sent a malformed message",
                           smpc::vm::NetError);
    } else {
      pre.setup();
      (void)net.channel(1).recv(0);                        // the permuter's OT message
      net.channel(1).send(0, std::vector<uint8_t>(24, 7)); // not 2 words per switch
    }
  });
}
