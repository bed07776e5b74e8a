//===- pool_mesh_test.cpp - the pool on the real CurveZMQ mesh ------------===//
//
// The pool generates over the mesh's preprocessing channel while the
// "online phase" uses the online channel of the same mesh at the same time:
// here it opens every drawn triple between the parties and checks c = a * b.
//===----------------------------------------------------------------------===//
#include "runtime/preproc/ot/ot_preprocessing.h"
#include "runtime/preproc/pool/triple_pool.h"
#include "tests/support/mesh_cluster.h"

#include <cstring>
#include <doctest/doctest.h>
#include <vector>

using namespace smpc;

TEST_CASE("pool over CurveZMQ: background OT generation alongside online traffic, 2 parties") {
  constexpr uint32_t n = 2;
  constexpr std::size_t kDraws = 30, kPer = 1000;
  std::vector<std::size_t> bad(n, 0);
  std::vector<preproc::PoolStatus> st(n);
  testing::runOnMesh(n, [&](uint32_t node, vm::Channel *online, vm::Channel &pre) {
    if (node == n) return; // the mesh helper's dealer node stays idle
    preproc::OtOptions opt;
    opt.parties = n;
    preproc::PoolConfig cfg;
    cfg.parties = n;
    cfg.capacity = {4000, 64, 256, 256, 256};
    cfg.log = [](const std::string &) {};
    preproc::TriplePool pool(pre, preproc::makeOtPreprocessing(pre, opt), cfg);
    const uint32_t peer = 1 - node;
    for (std::size_t d = 0; d < kDraws; ++d) {
      std::vector<uint64_t> abc(3 * kPer);
      std::span<uint64_t> a(abc.data(), kPer), b(abc.data() + kPer, kPer),
          c(abc.data() + 2 * kPer, kPer);
      pool.triples(a, b, c);
      std::vector<uint8_t> mine(abc.size() * 8);
      std::memcpy(mine.data(), abc.data(), mine.size());
      online->send(peer, mine);
      auto theirs = online->recv(peer);
      REQUIRE(theirs.size() == mine.size());
      std::vector<uint64_t> other(abc.size());
      std::memcpy(other.data(), theirs.data(), theirs.size());
      for (std::size_t i = 0; i < kPer; ++i) {
        const uint64_t A = a[i] + other[i], B = b[i] + other[kPer + i],
                       C = c[i] + other[2 * kPer + i];
        bad[node] += C != A * B;
      }
    }
    st[node] = pool.status();
  });
  for (uint32_t i = 0; i < n; ++i) {
    CHECK(bad[i] == 0);
    CHECK(st[i].kinds[0].drawn == kDraws * kPer);
    CHECK(st[i].kinds[0].generated == st[i].kinds[0].drawn + st[i].kinds[0].level);
    CHECK_FALSE(st[i].failed);
  }
}
