//===- ot_mesh_test.cpp - OT preprocessing over the real CurveZMQ mesh ----===//
//
// Loopback TCP with CurveZMQ (runtime/net); the mesh also has a dealer node,
// which OT preprocessing must leave out (OtOptions::parties).
//===----------------------------------------------------------------------===//
#include "runtime/preproc/ot/ot_preprocessing.h"
#include "tests/support/mesh_cluster.h"

#include <doctest/doctest.h>
#include <mutex>
#include <string>
#include <vector>

using namespace smpc;

TEST_CASE("OT preprocessing over CurveZMQ: triples and daBits for 3 parties") {
  constexpr uint32_t n = 3;
  constexpr std::size_t kT = 5000, kD = 500;
  std::vector<std::vector<uint64_t>> A(n), B(n), C(n), DA(n), DB(n);
  testing::runOnMesh(n, [&](uint32_t node, vm::Channel *, vm::Channel &pre) {
    if (node == n) return; // the dealer node takes no part
    preproc::OtOptions opt;
    opt.parties = n;
    preproc::OtPreprocessing ot(pre, opt);
    A[node].resize(kT), B[node].resize(kT), C[node].resize(kT);
    ot.triples(A[node], B[node], C[node]);
    DA[node].resize(kD), DB[node].resize((kD + 63) / 64);
    ot.daBits(DA[node], DB[node]);
  });
  std::size_t bad = 0;
  for (std::size_t t = 0; t < kT; ++t) {
    uint64_t a = 0, b = 0, c = 0;
    for (uint32_t i = 0; i < n; ++i)
      a += A[i][t], b += B[i][t], c += C[i][t];
    bad += c != a * b;
  }
  CHECK(bad == 0);
  bad = 0;
  for (std::size_t e = 0; e < kD; ++e) {
    uint64_t a = 0, b = 0;
    for (uint32_t i = 0; i < n; ++i)
      a += DA[i][e], b ^= (DB[i][e / 64] >> (e % 64)) & 1;
    bad += a != b;
  }
  CHECK(bad == 0);
}

TEST_CASE("OT preprocessing: a node outside the computing parties is refused") {
  testing::LocalNetwork net(3);
  preproc::OtOptions opt;
  opt.parties = 2;
  CHECK_THROWS_WITH_AS(preproc::OtPreprocessing(net.channel(2), opt),
                       "OT preprocessing: this node is not one of the computing parties",
                       std::invalid_argument);
}

TEST_CASE("OT preprocessing over CurveZMQ: a party that leaves mid-job makes the others fail") {
  constexpr uint32_t n = 3;
  std::vector<std::string> errs(n);
  std::mutex mu;
  testing::runOnMesh(n, [&](uint32_t node, vm::Channel *, vm::Channel &pre) {
    if (node == n) return;
    preproc::OtOptions opt;
    opt.parties = n;
    preproc::OtPreprocessing ot(pre, opt);
    ot.setup();
    if (node == 2) return; // party 2 closes its mesh after the base OTs
    try {
      std::vector<uint64_t> a(20000), b(20000), c(20000);
      for (int i = 0; i < 5; ++i)
        ot.triples(a, b, c);
    } catch (const vm::NetError &e) {
      std::lock_guard lk(mu);
      errs[node] = e.what();
    }
  });
  for (uint32_t i = 0; i < 2; ++i) {
    INFO("party " << i << ": " << errs[i]);
    CHECK(errs[i].find("party 2") != std::string::npos);
  }
}
