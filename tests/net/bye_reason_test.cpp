//===- bye_reason_test.cpp - a failing node's reason travels in its Bye ---===//
//
// Real sockets, real CURVE: a node that fails its job says why in its Bye,
// so its peers report the root cause (a third party gone silent) rather than
// the failing node's departure. The reason comes from the network: a peer's
// oversized reason is refused as a malformed frame, and line breaks or bytes
// outside printable ASCII never reach an error text.
//===----------------------------------------------------------------------===//
#include "runtime/net/frame.h"
#include "runtime/net/mesh.h"
#include "tests/net/net_test_util.h"

#include <chrono>
#include <doctest/doctest.h>
#include <thread>

using namespace smpc::net;
using namespace smpc::net::test;
using smpc::vm::NetError;

namespace {

/// What node 0 reports when it next receives from node 1, after node 1
/// closed its mesh with `failure`.
std::string afterClose(const std::string &failure) {
  auto t = makeCluster(2);
  Mesh m0(t.cfg, 0, t.keys[0]);
  auto ch0 = m0.channel(kOnlineChannel);
  {
    Mesh m1(t.cfg, 1, t.keys[1]);
    m1.waitReady();
    m1.close(failure);
  }
  return recvError(*ch0, 1);
}

/// What node 0 reports when node 1 sends it a raw Bye with `payload`.
std::string afterRawBye(const std::vector<uint8_t> &payload) {
  auto t = makeCluster(2);
  Mesh m0(t.cfg, 0, t.keys[0]), m1(t.cfg, 1, t.keys[1]);
  auto ch0 = m0.channel(kOnlineChannel);
  FrameHeader h;
  h.type = FrameType::Bye;
  h.job = hashJobId(t.cfg.jobId);
  m1.sendRawForTest(0, encodeFrame(h, payload));
  return recvError(*ch0, 1);
}

} // namespace

TEST_CASE("bye: a failing node's reason reaches its peers, naming the root cause") {
  const std::string why = "party 2 has been silent for more than 1500 ms (timeouts.peer_ms): it "
                          "crashed, hangs or the network failed";
  CHECK(afterClose(why) == "party 1 failed the job: " + why);
}

TEST_CASE("bye: a node that ends normally gives no reason") {
  CHECK(afterClose("") == "party 1 ended the job before sending the message this node waits for");
}

TEST_CASE("bye: the sender sends one printable line, cut to the limit") {
  const std::string why = "line one\nline two\x1b[31m " + std::string(1000, 'x');
  const std::string sent =
      "line one?line two?[31m " + std::string(kMaxByeReasonBytes - 23 - 3, 'x') + "...";
  REQUIRE(sent.size() == kMaxByeReasonBytes);
  CHECK(afterClose(why) == "party 1 failed the job: " + sent);
}

TEST_CASE("bye: a peer's oversized reason is refused as a malformed frame") {
  CHECK(afterRawBye(std::vector<uint8_t>(kMaxByeReasonBytes + 1, 'a')) ==
        "party 1 sent a malformed frame: Bye with a 257-byte reason (at most 256)");
  CHECK(afterRawBye(std::vector<uint8_t>(1 << 20, 'a')) ==
        "party 1 sent a malformed frame: Bye with a 1048576-byte reason (at most 256)");
}

TEST_CASE("bye: a peer's reason with control or non-ASCII bytes is made printable") {
  std::vector<uint8_t> raw = bytes("evil\r\nparty 0: fake\x7f");
  raw.push_back(0);
  raw.push_back(0xc3);
  raw.push_back(0xa9);
  raw.resize(kMaxByeReasonBytes, 'z'); // exactly the limit: accepted whole
  CHECK(afterRawBye(raw) == "party 1 failed the job: evil??party 0: fake????" +
                                std::string(kMaxByeReasonBytes - 23, 'z'));
}

TEST_CASE("bye: a multiplexed node that shuts down failing says why") {
  auto t = makeCluster(2);
  MeshOptions mo;
  mo.multiplex = true;
  Mesh m0(t.cfg, 0, t.keys[0], mo);
  {
    Mesh m1(t.cfg, 1, t.keys[1], mo);
    m0.waitReady();
    m1.waitReady();
    m1.close("its store is unreadable");
  }
  std::string down;
  for (int i = 0; i < 100 && down.empty(); ++i) { // the Bye is on its way
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    down = m0.peers()[1].down;
  }
  CHECK(down == "party 1 shut down: its store is unreadable");
}
