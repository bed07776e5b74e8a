//===- pool_dealer_test.cpp - the pool in front of the dealer client ------===//
//
// The same pool fronts the seed-compressed dealer (runtime/preproc/dealer):
// node n of the in-process test network serves the job.
//===----------------------------------------------------------------------===//
#include "runtime/preproc/dealer/client.h"
#include "runtime/preproc/dealer/dealer.h"
#include "runtime/preproc/pool/triple_pool.h"
#include "tests/support/local_channel.h"

#include <doctest/doctest.h>
#include <set>
#include <thread>
#include <vector>

using namespace smpc;

TEST_CASE("pool: fronting the dealer, 3 parties, triples and truncation pairs") {
  constexpr uint32_t n = 3;
  constexpr std::size_t kDraws = 20, kPer = 500;
  testing::LocalNetwork net(n + 1);
  std::vector<std::vector<uint64_t>> A(n), B(n), C(n), R(n), M(n), H(n);
  std::thread dealer([&] { dealer::serveJob(net.channel(n), n); });
  testing::runParallel(n, [&](uint32_t i) {
    preproc::PoolConfig cfg;
    cfg.parties = n; // node n is the dealer, not a computing party
    cfg.capacity = {2000, 64, 256, 256, 512};
    cfg.log = [](const std::string &) {};
    preproc::TriplePool pool(net.channel(i),
                             std::make_unique<dealer::DealerClient>(net.channel(i), n), cfg);
    for (std::size_t d = 0; d < kDraws; ++d) {
      std::vector<uint64_t> a(kPer), b(kPer), c(kPer);
      pool.triples(a, b, c);
      A[i].insert(A[i].end(), a.begin(), a.end());
      B[i].insert(B[i].end(), b.begin(), b.end());
      C[i].insert(C[i].end(), c.begin(), c.end());
    }
    R[i].resize(300), M[i].resize(300), H[i].resize(300);
    pool.truncPairs(16, R[i], M[i], H[i]);
  });
  dealer.join();
  std::size_t bad = 0;
  std::set<uint64_t> seen;
  for (std::size_t t = 0; t < kDraws * kPer; ++t) {
    uint64_t a = 0, b = 0, c = 0;
    for (uint32_t i = 0; i < n; ++i)
      a += A[i][t], b += B[i][t], c += C[i][t];
    bad += c != a * b;
    seen.insert(a);
  }
  CHECK(bad == 0);
  CHECK(seen.size() == kDraws * kPer); // never reused
  bad = 0;
  for (std::size_t e = 0; e < 300; ++e) {
    uint64_t r = 0, m = 0, h = 0;
    for (uint32_t i = 0; i < n; ++i)
      r += R[i][e], m += M[i][e], h += H[i][e];
    bad += m != (r >> 63) || h != ((r << 1 >> 1) >> 16);
  }
  CHECK(bad == 0);
}
