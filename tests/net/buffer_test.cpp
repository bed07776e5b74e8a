//===- buffer_test.cpp - bounded buffering and heartbeats under load ------===//
//
// A peer that sends on a channel nobody reads is cut off at the configured
// limits (docs/network.md), and the node's memory stays bounded while the
// flood goes on; a node whose I/O thread is slow to process a burst of
// frames keeps sending heartbeats, so nobody takes it for a dead node.
//===----------------------------------------------------------------------===//
#include "runtime/net/mesh.h"
#include "runtime/net/mesh_impl.h" // kMinFrameCharge
#include "tests/net/net_test_util.h"

#include <chrono>
#include <csignal>
#include <doctest/doctest.h>
#include <fstream>
#include <optional>
#include <sys/wait.h>
#include <thread>

using namespace smpc::net;
using namespace smpc::net::test;
using smpc::vm::NetError;
using Clock = std::chrono::steady_clock;

namespace {

constexpr uint64_t kMiB = uint64_t(1) << 20;

// A field of /proc/self/status in bytes (VmRSS, VmHWM).
uint64_t statusBytes(const std::string &field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1)) * 1024;
  return 0;
}

const char *const kChannelCut =
    "party 1 sent more than 8 MiB on channel 3 that this node has not read; it is cut off "
    "(raise limits.channel_buffer_mib in the cluster configuration if the program sends "
    "messages this large)";

// Two connected nodes whose buffers are limited per channel and per peer.
struct LimitedPair {
  TestCluster t;
  std::optional<Mesh> m0, m1;
  LimitedPair(uint32_t channelMib, uint32_t peerMib) : t(makeCluster(2, false, 5000)) {
    t.cfg.limits.channelBufferMib = channelMib;
    t.cfg.limits.peerBufferMib = peerMib;
    m0.emplace(t.cfg, 0, t.keys[0]);
    m1.emplace(t.cfg, 1, t.keys[1]);
    m0->waitReady();
    m1->waitReady();
  }
};

} // namespace

TEST_CASE("a peer flooding a channel nobody reads is cut off and the node's memory stays bounded") {
  auto t = makeCluster(2, false, 5000);
  t.cfg.limits.channelBufferMib = 8;
  t.cfg.limits.peerBufferMib = 16;
  constexpr uint64_t kFlood = 256 * kMiB; // 1 MiB messages on channel 3
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) { // the flooding peer, in its own process
    try {
      Mesh m(t.cfg, 1, t.keys[1]);
      m.waitReady();
      auto ch = m.channel(3);
      std::vector<uint8_t> msg(kMiB, 0x5a);
      for (uint64_t sent = 0; sent < kFlood; sent += msg.size())
        ch->send(0, msg);
      for (;;)
        std::this_thread::sleep_for(std::chrono::seconds(1));
    } catch (...) {
    }
    std::_Exit(3);
  }
  // Peak RSS from here on (writing 5 to clear_refs resets VmHWM).
  { std::ofstream("/proc/self/clear_refs") << "5"; }
  const uint64_t base = statusBytes("VmRSS");
  std::string err;
  uint64_t received = 0, peak = 0;
  {
    Mesh m(t.cfg, 0, t.keys[0]);
    m.waitReady();
    auto ch = m.channel(kOnlineChannel);
    err = recvError(*ch, 1);
    // Let the whole flood arrive: the node keeps reading and discarding it.
    auto deadline = Clock::now() + std::chrono::seconds(60);
    while (m.bytesReceived() < kFlood && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    received = m.bytesReceived();
    peak = m.bufferedPeak();
  }
  const uint64_t hwm = statusBytes("VmHWM");
  ::kill(pid, SIGKILL);
  int status;
  ::waitpid(pid, &status, 0);
  CHECK(err == kChannelCut);
  CHECK(received >= kFlood);
  CHECK(peak <= 8 * kMiB);
  // Buffers: 8 MiB of ours, ZeroMQ's bounded queue, allocator slack; far
  // below the 256 MiB sent.
  INFO("peak RSS grew by " << (hwm - base) / kMiB << " MiB");
  CHECK(hwm - base < 96 * kMiB);
}

TEST_CASE("a message up to the channel limit passes, unread messages past the peer limit cut the "
          "peer off") {
  LimitedPair p(8, 12);
  auto r = p.m0->channel(kOnlineChannel);
  auto s0 = p.m1->channel(kOnlineChannel), s3 = p.m1->channel(3), s4 = p.m1->channel(4);
  s0->send(0, std::vector<uint8_t>(8 * kMiB, 1)); // exactly the channel limit, read at once
  CHECK(r->recv(1).size() == 8 * kMiB);
  std::vector<uint8_t> mib(kMiB, 2);
  for (int i = 0; i < 7; ++i) // 7 MiB on channel 3 and 7 on channel 4: 14 > 12 in all
    s3->send(0, mib);
  for (int i = 0; i < 7; ++i)
    s4->send(0, mib);
  CHECK(recvError(*r, 1) ==
        "party 1 sent more than 12 MiB that this node has not read; it is cut off (raise "
        "limits.peer_buffer_mib in the cluster configuration if the program sends this much "
        "at once)");
  CHECK(p.m0->bufferedPeak() <= 12 * kMiB);
}

TEST_CASE("a message larger than the channel limit cuts the peer off") {
  LimitedPair p(8, 16);
  auto r = p.m0->channel(3);
  p.m1->channel(3)->send(0, std::vector<uint8_t>(8 * kMiB + 1, 1));
  CHECK(recvError(*r, 1) == kChannelCut);
}

TEST_CASE("empty messages count against the channel limit: a flood of them cuts the peer off") {
  LimitedPair p(8, 16);
  auto r = p.m0->channel(kOnlineChannel);
  auto s3 = p.m1->channel(3); // nobody reads channel 3 at node 0
  // Each frame counts at least kMinFrameCharge bytes, so 8 MiB of limit
  // holds 32,768 empty messages; without that they counted nothing and
  // the node queued them until memory ran out.
  const uint64_t flood = 8 * kMiB / kMinFrameCharge + 1000;
  for (uint64_t i = 0; i < flood; ++i)
    s3->send(0, {});
  CHECK(recvError(*r, 1) == kChannelCut);
  CHECK(p.m0->bufferedPeak() <= 8 * kMiB);
}

TEST_CASE("a node slow to process a burst of frames keeps its heartbeats flowing") {
  // Every frame costs party 0's I/O thread 4 ms: 500 frames keep it busy for
  // 2 s, twice peer_ms. Party 1 waits for the reply meanwhile and hears
  // nothing else from party 0 but heartbeats.
  auto t = makeCluster(2, false, 1000);
  MeshOptions slow;
  slow.slowReceiveForTest = std::chrono::milliseconds(4);
  Mesh m0(t.cfg, 0, t.keys[0], slow), m1(t.cfg, 1, t.keys[1]);
  m0.waitReady();
  m1.waitReady();
  auto c0 = m0.channel(kOnlineChannel), c1 = m1.channel(kOnlineChannel);
  constexpr int kBurst = 500;
  for (int i = 0; i < kBurst; ++i)
    c1->send(0, bytes(std::to_string(i)));
  std::string got, reply = "(none)";
  std::thread party1([&] {
    try {
      reply = str(c1->recv(0));
    } catch (const NetError &e) {
      reply = e.what();
    }
  });
  try {
    for (int i = 0; i < kBurst; ++i)
      if (str(c0->recv(1)) != std::to_string(i)) got = "out of order at " + std::to_string(i);
    c0->send(1, bytes("all received"));
  } catch (const NetError &e) {
    got = e.what();
  }
  party1.join();
  CHECK(got == "");
  CHECK(reply == "all received");
}
