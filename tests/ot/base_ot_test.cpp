//===- base_ot_test.cpp - Chou-Orlandi base OT: outputs and bad messages --===//
#include "runtime/crypto/ot/base_ot.h"
#include "runtime/crypto/ot/ot_error.h"

#include <doctest/doctest.h>
#include <random>
#include <vector>

using namespace smpc::crypto;
using namespace smpc::crypto::ot;

TEST_CASE("base OT: the receiver gets exactly the chosen key") {
  const uint64_t seed = 20261125;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed); // test data only (choice bits)
  const std::size_t n = 300;
  std::vector<uint8_t> choices(n);
  for (auto &c : choices)
    c = rng() & 1;

  BaseOtSender sender;
  std::vector<BaseKey> kr(n), k0(n), k1(n);
  auto reply = base_ot_receive(sender.firstMessage(), choices, kr);
  CHECK(reply.size() == n * kPointBytes);
  sender.finish(reply, k0, k1);
  for (std::size_t i = 0; i < n; ++i) {
    CHECK(k0[i] != k1[i]);
    CHECK(kr[i] == (choices[i] ? k1[i] : k0[i]));
  }
}

TEST_CASE("base OT: malformed messages are refused with a clear error") {
  std::vector<uint8_t> choices(4, 0);
  std::vector<BaseKey> keys(4), k0(4), k1(4);
  std::vector<uint8_t> shortMsg(31, 1);
  CHECK_THROWS_WITH_AS(base_ot_receive(shortMsg, choices, keys),
                       "base OT: sender message is not a valid group element", OtError);
  std::vector<uint8_t> notAPoint(32, 0xff);
  CHECK_THROWS_WITH_AS(base_ot_receive(notAPoint, choices, keys),
                       "base OT: sender message is not a valid group element", OtError);

  BaseOtSender sender;
  std::vector<uint8_t> wrongLen(3 * kPointBytes);
  CHECK_THROWS_WITH_AS(sender.finish(wrongLen, k0, k1), "base OT: reply has the wrong length",
                       OtError);
  std::vector<uint8_t> bad(4 * kPointBytes, 0xff);
  CHECK_THROWS_WITH_AS(sender.finish(bad, k0, k1),
                       "base OT: reply contains an invalid group element", OtError);
}
