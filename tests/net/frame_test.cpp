//===- frame_test.cpp - frame header encoding and hostile-input decoding --===//
#include "runtime/net/frame.h"

#include <doctest/doctest.h>
#include <random>

using namespace smpc::net;

TEST_CASE("frame headers round trip") {
  FrameHeader h;
  h.type = FrameType::Data;
  h.channel = 3;
  h.job = hashJobId("job-7");
  h.seq = 0x0102030405060708ull;
  std::vector<uint8_t> payload = {1, 2, 3, 4, 5};
  auto f = encodeFrame(h, payload);
  REQUIRE(f.size() == kHeaderBytes + payload.size());
  std::string why;
  auto d = decodeHeader(f, why);
  REQUIRE(d);
  CHECK(d->type == FrameType::Data);
  CHECK(d->channel == 3);
  CHECK(d->job == hashJobId("job-7"));
  CHECK(d->job != hashJobId("job-8"));
  CHECK(d->seq == h.seq);
  CHECK(d->length == payload.size());
}

TEST_CASE("decoding names what is wrong with a header") {
  FrameHeader h;
  h.job = hashJobId("j");
  auto good = encodeFrame(h, std::vector<uint8_t>{9});
  auto why = [](std::vector<uint8_t> f) {
    std::string w;
    return decodeHeader(f, w) ? std::string("(accepted)") : w;
  };
  auto f = good;
  f[4] = 2;
  CHECK(why(f) == "frame version 2 is not supported (expected 1)");
  f = good;
  f[5] = 9;
  CHECK(why(f) == "malformed frame: unknown frame type 9");
  f = good;
  f[5] = uint8_t(FrameType::Heartbeat);
  CHECK(why(f) == "malformed frame: control frame with a payload");
  f[5] = uint8_t(FrameType::ByeAck);
  CHECK(why(f) == "malformed frame: control frame with a payload");
  f = good;
  f[39] = 0x80; // a huge length must not be trusted
  CHECK(why(f) == "malformed frame: header says 9223372036854775809 payload bytes, frame has 1");
  CHECK(why({}) == "malformed frame: 0 bytes is shorter than the header");
}

TEST_CASE("a Bye carries a bounded reason") {
  FrameHeader h;
  h.type = FrameType::Bye;
  h.job = hashJobId("j");
  std::string why;
  CHECK(decodeHeader(encodeFrame(h, {}), why));
  CHECK(decodeHeader(encodeFrame(h, std::vector<uint8_t>(kMaxByeReasonBytes, 'a')), why));
  CHECK_FALSE(decodeHeader(encodeFrame(h, std::vector<uint8_t>(kMaxByeReasonBytes + 1, 'a')), why));
  CHECK(why == "malformed frame: Bye with a 257-byte reason (at most 256)");
}

TEST_CASE("byeReason keeps one printable line within the limit") {
  CHECK(byeReason("") == "");
  CHECK(byeReason("party 2 disconnected") == "party 2 disconnected");
  CHECK(byeReason("a\nb\tc\x1b\xff") == "a?b?c??");
  const std::string full(kMaxByeReasonBytes, 'x');
  CHECK(byeReason(full) == full);
  CHECK(byeReason(full + "y") == std::string(kMaxByeReasonBytes - 3, 'x') + "...");
  CHECK(byeReason(std::string(100000, '\n')) == std::string(kMaxByeReasonBytes - 3, '?') + "...");
  // The same rule with another limit (a node's error text on the client).
  CHECK(printableText("abcdef", 6) == "abcdef");
  CHECK(printableText("abc\aefg", 6) == "abc...");
  CHECK(printableText("a\x1b[2Jb", 1024) == "a?[2Jb");
}

TEST_CASE("random and mutated frames never crash the decoder") {
  // Test data only: a seeded generator so a failure can be replayed.
  const uint32_t seed = 20261125;
  std::mt19937 rng(seed);
  INFO("seed " << seed);
  FrameHeader h;
  h.job = hashJobId("j");
  auto good = encodeFrame(h, std::vector<uint8_t>(17, 0xab));
  size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> f = good;
    if (i % 2) {
      f.resize(rng() % 80);
      for (auto &b : f)
        b = uint8_t(rng());
    } else {
      for (int k = 0, n = 1 + int(rng() % 4); k < n; ++k)
        f[rng() % f.size()] ^= uint8_t(1 + rng() % 255);
    }
    std::string why;
    auto d = decodeHeader(f, why);
    if (d) {
      ++accepted;
      CHECK(d->length == f.size() - kHeaderBytes);
      CHECK(d->channel < kMaxChannels);
    } else {
      CHECK(!why.empty());
    }
  }
  CHECK(accepted > 0); // mutations of payload or sequence bytes stay well-formed
}
