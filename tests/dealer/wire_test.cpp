//===- wire_test.cpp - dealer messages are validated with clear errors ----===//
#include "runtime/preproc/dealer/client.h"
#include "runtime/preproc/dealer/dealer.h"
#include "runtime/preproc/dealer/wire.h"
#include "tests/support/local_channel.h"

#include <doctest/doctest.h>

using namespace smpc;
using namespace smpc::dealer;

namespace {
std::string errorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const DealerError &e) {
    return e.what();
  }
  return "no error";
}
} // namespace

TEST_CASE("seed messages") {
  SeedMsg m{1, 3, crypto::seed_keygen()};
  auto bytes = encodeSeed(m);
  CHECK(bytes.size() == kSeedMsgBytes);
  SeedMsg d = decodeSeed(bytes);
  CHECK(d.party == 1);
  CHECK(d.parties == 3);
  CHECK(d.seed == m.seed);

  const std::vector<uint8_t> shortMsg(bytes.begin(), bytes.end() - 1);
  CHECK(errorOf([&] { decodeSeed(shortMsg); }) ==
        "dealer seed message has the wrong length (41 bytes, expected 42)");
  auto badVersion = bytes;
  badVersion[1] = 9;
  CHECK(errorOf([&] { decodeSeed(badVersion); }) == "dealer speaks wire version 9, expected 1");
  CHECK(errorOf([&] { decodeSeed(encodeDone()); }) == "expected a seed message from the dealer");
  CHECK(errorOf([&] { decodeSeed({}); }) == "expected a seed message from the dealer");
}

TEST_CASE("request messages") {
  RequestMsg r{{Kind::Trunc, 16}, 1000}, out;
  auto bytes = encodeRequest(r);
  REQUIRE(decodeRequest(bytes, out));
  CHECK(out.key == r.key);
  CHECK(out.count == 1000);
  CHECK_FALSE(decodeRequest(encodeDone(), out));

  CHECK(errorOf([&] { decodeRequest(std::vector<uint8_t>{}, out); }) ==
        "empty message sent to the dealer");
  CHECK(errorOf([&] { decodeRequest(std::vector<uint8_t>{7}, out); }) ==
        "unexpected message type 7 sent to the dealer");
  CHECK(errorOf([&] {
          decodeRequest(std::vector<uint8_t>{2, 1, 0}, out);
        }) == "dealer request message is too short (3 bytes)");
  CHECK(errorOf([&] {
          decodeRequest(encodeRequest({{Kind(bc::kNumMaterials + 1)}, 1}), out);
        }) == "invalid dealer request: unknown material kind");
  CHECK(errorOf([&] {
          decodeRequest(encodeRequest({{Kind::Trunc, 63}, 1}), out);
        }) == "invalid dealer request: truncation shift must be between 1 and 62");
  CHECK(errorOf([&] {
          decodeRequest(encodeRequest({{Kind::Triple, 1}, 1}), out);
        }) == "invalid dealer request: this material kind takes no parameters");
  CHECK(errorOf([&] {
          decodeRequest(encodeRequest({{Kind::MatTriple, 0, 2, 2}, 1}), out);
        }) == "invalid dealer request: matrix triple dimensions must be positive");
  CHECK(errorOf([&] {
          decodeRequest(encodeRequest({{Kind::MatTriple, 1u << 16, 1u << 16, 1}, 1}), out);
        }) == "invalid dealer request: matrix triple is too large");
  CHECK(errorOf([&] {
          decodeRequest(encodeRequest({{Kind::Shuffle, 1024, 10, 1}, 1}), out);
        }) == "invalid dealer request: shuffle permuter is not a valid party");
  CHECK(errorOf([&] {
          decodeRequest(encodeRequest({{Kind::Shuffle, 0, 0, 1}, 1}), out);
        }) == "invalid dealer request: shuffle rows and width must be positive");
  CHECK(errorOf([&] {
          decodeRequest(encodeRequest({{Kind::Shuffle, 0, 1u << 23, 4}, 1}), out);
        }) == "invalid dealer request: shuffle is too large");
  CHECK(errorOf([&] {
          decodeRequest(encodeRequest({{Kind::Shuffle, 0, 1u << 20, 4}, 5}), out);
        }) == "invalid dealer request: count exceeds the batch limit");
  CHECK(errorOf([&] {
          decodeRequest(encodeRequest({{Kind::Triple}, 0}), out);
        }) == "invalid dealer request: count is zero");
  CHECK(errorOf([&] {
          decodeRequest(encodeRequest({{Kind::Triple}, uint64_t(1) << 40}), out);
        }) == "invalid dealer request: count exceeds the batch limit");
  auto longer = bytes;
  longer.push_back(0);
  CHECK(errorOf([&] { decodeRequest(longer, out); }) ==
        "dealer request message has the wrong length");
  CHECK(errorOf([&] {
          decodeRequest(std::vector<uint8_t>{4, 0}, out);
        }) == "dealer done message has the wrong length");
}

TEST_CASE("every kind of material.def is a dealer stream, wire id = row + 1") {
  for (bc::Material m : bc::kAllMaterials) {
    INFO(bc::info(m).name);
    CHECK(uint8_t(kindOf(m)) == bc::materialIndex(m) + 1);
    CHECK(validateKey({kindOf(m)}) != "unknown material kind");
  }
  CHECK(validateKey({Kind(0)}) == "unknown material kind");
}

TEST_CASE("batch messages") {
  RequestMsg r{{Kind::Trunc, 16}, 3};
  std::vector<uint64_t> corr{1, 2, 3, 4, 5, 6}, out;
  auto bytes = encodeBatch(r, corr);
  decodeBatch(bytes, r, out);
  CHECK(out == corr);

  const std::vector<uint8_t> cut(bytes.begin(), bytes.end() - 8);
  CHECK(errorOf([&] { decodeBatch(cut, r, out); }) ==
        "dealer batch message has the wrong length (62 bytes, expected 70)");
  CHECK(errorOf([&] {
          decodeBatch(bytes, RequestMsg{{Kind::Trunc, 16}, 4}, out);
        }) == "dealer batch does not answer the pending request");
  CHECK(errorOf([&] {
          decodeBatch(bytes, RequestMsg{{Kind::Trunc, 17}, 3}, out);
        }) == "dealer batch does not answer the pending request");
  CHECK(errorOf([&] { decodeBatch(encodeRequest(r), r, out); }) ==
        "expected a batch message from the dealer");
}

TEST_CASE("the dealer refuses a malformed request and a client refuses a misaddressed seed") {
  testing::LocalNetwork net(3);
  std::string what;
  testing::runParallel(2, [&](uint32_t i) {
    if (i == 0) {
      what = errorOf([&] { serveJob(net.channel(2), 2); });
    } else {
      net.channel(0).recv(2);
      const std::vector<uint8_t> bad{2, 1, 0, 0};
      net.channel(0).send(2, bad);
    }
  });
  CHECK(what == "dealer request message is too short (4 bytes)");
  CHECK(errorOf([&] { serveJob(net.channel(1), 2); }) ==
        "the dealer must be node 2 of a job with at least 2 parties");
  CHECK(errorOf([&] { DealerClient c(net.channel(2), 2); }) ==
        "a dealer client must be one of at least 2 parties");

  testing::LocalNetwork net2(3);
  net2.channel(2).send(0, encodeSeed({1, 2, crypto::seed_keygen()}));
  CHECK(errorOf([&] { DealerClient c(net2.channel(0), 2); }) ==
        "dealer seed is addressed to party 1 of 2, but this is party 0 of 2");
}

TEST_CASE("party 0 fails cleanly when the dealer stops answering") {
  // A dealer that hands out the seeds and then never answers a request.
  testing::LocalNetwork net(3, std::chrono::milliseconds(200));
  for (uint32_t p = 0; p < 2; ++p)
    net.channel(2).send(p, encodeSeed({p, 2, crypto::seed_keygen()}));
  DealerClient c(net.channel(0), 2);
  std::vector<uint64_t> a(10), b(10), cc(10);
  std::string what;
  try {
    c.triples(a, b, cc);
  } catch (const vm::NetError &e) {
    what = e.what();
  }
  CHECK(what == "timed out waiting for a message from party 2");
}

TEST_CASE("material cannot be drawn after the job was finished") {
  testing::LocalNetwork net(3);
  net.channel(2).send(0, encodeSeed({0, 2, crypto::seed_keygen()}));
  DealerClient c(net.channel(0), 2);
  c.finish();
  std::vector<uint64_t> a(10), b(10), cc(10);
  CHECK(errorOf([&] { c.triples(a, b, cc); }) ==
        "material requested after the dealer job was finished");
  CHECK(errorOf([&] { c.truncPairs(0, a, b, cc); }) ==
        "bad material request: truncation shift must be between 1 and 62");
  CHECK(errorOf([&] { c.triples(a, b, std::span<uint64_t>(cc).subspan(1)); }) ==
        "preprocessing request has inconsistent buffer sizes");
}
