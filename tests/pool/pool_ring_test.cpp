//===- pool_ring_test.cpp - wiping ring and pool command encoding ---------===//
#include "runtime/preproc/pool/pool_command.h"
#include "runtime/preproc/pool/pool_estimate.h"
#include "runtime/preproc/pool/pool_ring.h"

#include <doctest/doctest.h>
#include <stdexcept>
#include <string>
#include <vector>

using namespace smpc::preproc;
namespace bc = smpc::bc;

TEST_CASE("pool ring: FIFO order, each record handed out once, consumed slots zeroed") {
  PoolRing ring(3, 4);
  uint64_t next = 1;
  std::vector<uint64_t> seen;
  for (int round = 0; round < 50; ++round) {
    std::vector<uint64_t> batch(3 * (1 + round % 5)); // sometimes beyond capacity: grows
    for (auto &w : batch)
      w = next++;
    ring.push(batch);
    std::vector<uint64_t> out(3 * 4);
    const std::size_t got = ring.pop(1 + round % 4, out);
    for (std::size_t i = 0; i < 3 * got; ++i)
      seen.push_back(out[i]);
  }
  std::vector<uint64_t> rest(3 * ring.size());
  const std::size_t left = ring.size();
  CHECK(ring.pop(left, rest) == left);
  seen.insert(seen.end(), rest.begin(), rest.end());
  REQUIRE(seen.size() == next - 1);
  for (std::size_t i = 0; i < seen.size(); ++i)
    CHECK(seen[i] == i + 1); // in order, no repeats
  for (auto w : ring.raw())
    CHECK(w == 0); // everything wiped
  CHECK(ring.pop(1, rest) == 0);
}

TEST_CASE("pool ring: a partial record is refused") {
  PoolRing ring(2, 4);
  std::vector<uint64_t> three(3, 1);
  CHECK_THROWS_WITH_AS(ring.push(three), "PoolRing: partial record", std::invalid_argument);
}

TEST_CASE("pool command: round trip and malformed input") {
  PoolCommand c{PoolOp::Matrix, PoolKind::Triple, 0, 3, 4, 5, 0};
  auto d = pool_command_decode(pool_command_encode(c));
  CHECK(d.op == PoolOp::Matrix);
  CHECK(d.m == 3);
  CHECK(d.k == 4);
  CHECK(d.n == 5);
  PoolCommand g{PoolOp::Generate, PoolKind::EdaBit, 1000};
  auto e = pool_command_decode(pool_command_encode(g));
  CHECK(e.kind == PoolKind::EdaBit);
  CHECK(e.count == 1000);

  auto bytes = pool_command_encode(g);
  bytes.pop_back();
  CHECK_THROWS_WITH(pool_command_decode(bytes), "malformed pool command");
  bytes = pool_command_encode(g);
  bytes[0] = 10;
  CHECK_THROWS_WITH(pool_command_decode(bytes), "malformed pool command");
  PoolCommand huge{PoolOp::Matrix, PoolKind::Triple, 0, 1u << 20, 1u << 20, 1, 0};
  CHECK_THROWS_WITH(pool_command_decode(pool_command_encode(huge)), "malformed pool command");
}

TEST_CASE("pool ring: an output span that is too small is refused") {
  PoolRing ring(2, 4);
  std::vector<uint64_t> rec(4, 1), out(3);
  ring.push(rec);
  CHECK_THROWS_WITH_AS(ring.pop(2, out), "PoolRing: output too small", std::invalid_argument);
}

TEST_CASE("pool kinds are the pooled rows of material.def, in order, with their names") {
  std::size_t k = 0;
  for (bc::Material m : bc::kAllMaterials) {
    if (!bc::isPooled(m)) continue;
    REQUIRE(k < kPoolKinds);
    CHECK(material(PoolKind(k)) == m);
    CHECK(std::string(poolKindName(PoolKind(k))) == bc::info(m).name);
    CHECK(poolRecordWords(PoolKind(k)) >= 2);
    CHECK(kDefaultPoolCapacity[k] == bc::info(m).poolCapacity);
    ++k;
  }
  CHECK(k == kPoolKinds);
  // Every pool kind survives a command round trip.
  for (std::size_t i = 0; i < kPoolKinds; ++i) {
    PoolCommand g{PoolOp::Generate, PoolKind(i), 5};
    CHECK(pool_command_decode(pool_command_encode(g)).kind == PoolKind(i));
  }
}
