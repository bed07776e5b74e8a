//===- identity_test.cpp - one connection per pinned key, quiet refusals --===//
//
// Raw CURVE clients (real sockets, real keys) act as a second process that
// holds a party's key: the node admits one connection per key, refuses and
// logs the second, and the real party's job goes on. A client retrying a
// refused handshake is logged once per window, not on every retry.
//===----------------------------------------------------------------------===//
#include "runtime/net/frame.h"
#include "runtime/net/mesh.h"
#include "tests/net/net_test_util.h"

#include <chrono>
#include <cstring>
#include <doctest/doctest.h>
#include <mutex>
#include <thread>
#include <zmq.hpp>

using namespace smpc::net;
using namespace smpc::net::test;
using Clock = std::chrono::steady_clock;

namespace {

struct Logs {
  std::mutex mu;
  std::vector<std::string> lines;
  MeshOptions options() {
    MeshOptions o;
    o.log = [this](const std::string &s) {
      std::lock_guard lk(mu);
      lines.push_back(s);
    };
    return o;
  }
  size_t count(const std::string &prefix) {
    std::lock_guard lk(mu);
    size_t n = 0;
    for (auto &l : lines)
      n += l.rfind(prefix, 0) == 0;
    return n;
  }
  std::string first(const std::string &prefix) {
    std::lock_guard lk(mu);
    for (auto &l : lines)
      if (l.rfind(prefix, 0) == 0) return l;
    return "";
  }
};

// A CURVE client with `key` toward node `to` of `t`, with a monitor.
struct RawClient {
  zmq::socket_t sock, mon;
  RawClient(zmq::context_t &ctx, const TestCluster &t, uint32_t to, const SecretKey &key,
            const std::string &name, int reconnectMs = 100) {
    sock = zmq::socket_t(ctx, zmq::socket_type::dealer);
    sock.set(zmq::sockopt::curve_serverkey, z85Encode(t.cfg.node(to).publicKey.data()));
    sock.set(zmq::sockopt::curve_publickey, z85Encode(key.publicKey().data()));
    sock.set(zmq::sockopt::curve_secretkey, z85Encode(key.secretBytes()));
    sock.set(zmq::sockopt::linger, 0);
    sock.set(zmq::sockopt::reconnect_ivl, reconnectMs);
    std::string ep = "inproc://" + name;
    REQUIRE(zmq_socket_monitor(sock.handle(), ep.c_str(), ZMQ_EVENT_ALL) == 0);
    mon = zmq::socket_t(ctx, zmq::socket_type::pair);
    mon.connect(ep);
    mon.set(zmq::sockopt::rcvtimeo, 200);
    sock.connect(t.cfg.node(to).endpoint);
  }
  // Waits (up to 5 s) for a monitor event `want`; false if it never comes.
  bool await(uint16_t want) {
    auto deadline = Clock::now() + std::chrono::seconds(5);
    while (Clock::now() < deadline) {
      zmq::message_t ev, ep;
      if (!mon.recv(ev)) continue;
      (void)mon.recv(ep);
      uint16_t id;
      std::memcpy(&id, ev.data(), 2);
      if (id == want) return true;
    }
    return false;
  }
  void sendHeartbeat(const TestCluster &t) {
    FrameHeader h;
    h.type = FrameType::Heartbeat;
    h.job = hashJobId(t.cfg.jobId);
    h.length = kIncarnationBytes;
    std::vector<uint8_t> f(kHeaderBytes + kIncarnationBytes, 7);
    encodeHeader(h, f.data());
    (void)sock.send(zmq::buffer(f), zmq::send_flags::dontwait);
  }
};

template <class Pred> bool waitFor(Pred p) {
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!p() && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return p();
}

const char *const kSecondSuffix = "party 1 is already connected (only one connection per key is "
                                  "admitted; check that no other process uses its key)";

} // namespace

TEST_CASE("a second connection with a party's key is refused and logged while the job goes on") {
  auto t = makeCluster(2, false, 5000);
  Logs logs;
  Mesh m0(t.cfg, 0, t.keys[0], logs.options()), m1(t.cfg, 1, t.keys[1]);
  m0.waitReady();
  m1.waitReady();
  auto c0 = m0.channel(kOnlineChannel), c1 = m1.channel(kOnlineChannel);
  c1->send(0, bytes("before"));
  CHECK(str(c0->recv(1)) == "before");

  zmq::context_t ctx;
  RawClient dup(ctx, t, 0, t.keys[1], "dup-mon");
  CHECK(dup.await(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH));
  CHECK(m0.refusedConnections() >= 1);
  const std::string line = logs.first("refused a second connection with party 1's key from ");
  CHECK(line.size() > std::strlen(kSecondSuffix));
  CHECK(line.ends_with(kSecondSuffix));

  c1->send(0, bytes("after"));
  CHECK(str(c0->recv(1)) == "after");
  c0->send(1, bytes("reply"));
  CHECK(str(c1->recv(0)) == "reply");
}

TEST_CASE("of two connections that passed the handshake at once, the second one's frames are "
          "dropped") {
  auto t = makeCluster(2, false, 5000);
  Logs logs;
  Mesh m0(t.cfg, 0, t.keys[0], logs.options());
  zmq::context_t ctx;
  RawClient a(ctx, t, 0, t.keys[1], "a-mon"), b(ctx, t, 0, t.keys[1], "b-mon");
  REQUIRE(a.await(ZMQ_EVENT_HANDSHAKE_SUCCEEDED));
  REQUIRE(b.await(ZMQ_EVENT_HANDSHAKE_SUCCEEDED));
  a.sendHeartbeat(t);
  CHECK(waitFor([&] { return m0.peers()[1].lastHeardMs >= 0; }));
  b.sendHeartbeat(t);
  CHECK(waitFor([&] { return m0.refusedConnections() >= 1; }));
  CHECK(logs.first("dropped a frame from a second connection") ==
        std::string("dropped a frame from a second connection with party 1's key: ") +
            kSecondSuffix);
}

TEST_CASE("a handshake failing on every retry is logged once per window") {
  // Party 1 pins a wrong key for party 0: its link to party 0 fails the
  // CURVE handshake and ZeroMQ retries every 100 ms.
  auto t = makeCluster(2, false, 5000);
  ClusterConfig wrong = t.cfg;
  wrong.parties[0].publicKey = net_key_keygen().publicKey();
  Logs logs;
  Mesh m0(t.cfg, 0, t.keys[0]), m1(wrong, 1, t.keys[1], logs.options());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // about 15 retries
  CHECK(logs.count("the CurveZMQ handshake with party 0 failed") +
            logs.count("party 0 refused this node's public key") ==
        1);
  CHECK(logs.first("the CurveZMQ handshake with party 0 failed") ==
        "the CurveZMQ handshake with party 0 failed; check that the configuration pins its "
        "current public key");
}
