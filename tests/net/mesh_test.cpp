//===- mesh_test.cpp - the CurveZMQ mesh over real loopback sockets -------===//
//
// Real sockets, real CURVE: message exchange on several channels, refusal
// of unknown keys, the framing checks (job id, replay, skipped sequence,
// malformed header), clean shutdown, and timeouts.
//===----------------------------------------------------------------------===//
#include "runtime/net/frame.h"
#include "runtime/net/mesh.h"
#include "tests/net/net_test_util.h"

#include <chrono>
#include <doctest/doctest.h>
#include <thread>
#include <zmq.hpp>

using namespace smpc::net;
using namespace smpc::net::test;
using smpc::vm::NetError;
using Clock = std::chrono::steady_clock;

namespace {

long msSince(Clock::time_point t) {
  return long(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count());
}

} // namespace

TEST_CASE("three parties exchange messages on two channels at once") {
  // A generous peer timeout: 3 MiB messages under CURVE on a loaded machine
  // (ctest -j2 beside the fault tests) must not look like a dead peer.
  auto t = makeCluster(3, false, 5000);
  std::vector<std::unique_ptr<Mesh>> mesh;
  for (uint32_t i = 0; i < 3; ++i)
    mesh.push_back(std::make_unique<Mesh>(t.cfg, i, t.keys[i]));
  std::vector<std::thread> threads;
  std::vector<std::string> failures(6);
  for (uint32_t i = 0; i < 3; ++i) {
    // Channel 0: many small rounds. Channel 1: a few messages large enough
    // to be chunked. Both run concurrently on the same links.
    threads.emplace_back([&, i] {
      try {
        auto ch = mesh[i]->channel(kOnlineChannel);
        for (int r = 0; r < 50; ++r) {
          for (uint32_t p = 0; p < 3; ++p)
            if (p != i)
              ch->send(
                  p, bytes(std::to_string(i) + "->" + std::to_string(p) + "#" + std::to_string(r)));
          for (uint32_t p = 0; p < 3; ++p)
            if (p != i) {
              auto got = str(ch->recv(p));
              auto want = std::to_string(p) + "->" + std::to_string(i) + "#" + std::to_string(r);
              if (got != want) throw std::runtime_error("got " + got + " want " + want);
            }
        }
      } catch (const std::exception &e) {
        failures[i] = e.what();
      }
    });
    threads.emplace_back([&, i] {
      try {
        auto ch = mesh[i]->channel(kPreprocChannel);
        std::vector<uint8_t> big(3 * kChunkBytes + 123);
        for (size_t k = 0; k < big.size(); ++k)
          big[k] = uint8_t(k * 7 + i);
        for (uint32_t p = 0; p < 3; ++p)
          if (p != i) ch->send(p, big);
        for (uint32_t p = 0; p < 3; ++p)
          if (p != i) {
            auto got = ch->recv(p);
            if (got.size() != big.size()) throw std::runtime_error("wrong size");
            for (size_t k = 0; k < got.size(); ++k)
              if (got[k] != uint8_t(k * 7 + p)) throw std::runtime_error("wrong content");
          }
        auto empty = std::vector<uint8_t>{};
        for (uint32_t p = 0; p < 3; ++p)
          if (p != i) ch->send(p, empty);
        for (uint32_t p = 0; p < 3; ++p)
          if (p != i && !ch->recv(p).empty()) throw std::runtime_error("empty message changed");
        if (ch->bytesReceived() != 2 * big.size()) throw std::runtime_error("byte count");
      } catch (const std::exception &e) {
        failures[3 + i] = e.what();
      }
    });
  }
  for (auto &th : threads)
    th.join();
  for (auto &f : failures)
    CHECK(f == "");
}

// Round messages go out in parts (Channel::sendParts, joined into the
// frames) and come in straight into the reader's memory (recvInto, from the
// frames as ZeroMQ decrypted them): part and chunk boundaries must not show.
TEST_CASE("a message sent in parts arrives whole through recv and recvInto") {
  auto t = makeCluster(2, false, 5000);
  std::vector<std::unique_ptr<Mesh>> mesh;
  for (uint32_t i = 0; i < 2; ++i)
    mesh.push_back(std::make_unique<Mesh>(t.cfg, i, t.keys[i]));
  std::vector<uint8_t> whole(2 * kChunkBytes + 40012);
  for (size_t k = 0; k < whole.size(); ++k)
    whole[k] = uint8_t(k * 13 + 5);
  const std::span<const uint8_t> w(whole);
  // Boundaries inside the first frame, an empty part, one across frames.
  const std::vector<std::span<const uint8_t>> parts = {
      w.subspan(0, kChunkBytes - 5), w.subspan(kChunkBytes - 5, 17), w.subspan(0, 0),
      w.subspan(kChunkBytes + 12)};
  std::string failure;
  std::thread sender([&] {
    try {
      auto ch = mesh[0]->channel(kOnlineChannel);
      ch->sendParts(1, parts);
      ch->sendParts(1, parts);
      ch->sendParts(1, parts);
      ch->sendParts(1, {});
      ch->send(1, bytes("after"));
      (void)ch->recv(1); // until the reader is done
    } catch (const std::exception &e) {
      failure = e.what();
    }
  });
  auto ch = mesh[1]->channel(kOnlineChannel);
  std::vector<uint8_t> into;
  size_t asked = 0;
  const size_t n = ch->recvInto(0, [&](size_t size) {
    asked = size;
    into.assign(size, 0);
    return into.data();
  });
  CHECK(n == whole.size());
  CHECK(asked == whole.size());
  CHECK(into == whole);
  CHECK(ch->recv(0) == whole);
  // A reader that refuses the message (its size) loses only that message.
  CHECK_THROWS_WITH(ch->recvInto(0, [](size_t) -> uint8_t * { throw NetError("refused"); }),
                    "refused");
  CHECK(ch->recvInto(0, [](size_t) -> uint8_t * { return nullptr; }) == 0);
  CHECK(str(ch->recv(0)) == "after");
  CHECK(ch->bytesReceived() == 3 * whole.size() + 5);
  ch->send(0, bytes("done"));
  sender.join();
  CHECK(failure == "");
}

TEST_CASE("a client whose key is not pinned is refused (HANDSHAKE_FAILED_AUTH)") {
  auto t = makeCluster(2);
  Mesh m0(t.cfg, 0, t.keys[0]);
  zmq::context_t ctx;
  zmq::socket_t rogue(ctx, zmq::socket_type::dealer);
  auto rk = net_key_keygen();
  rogue.set(zmq::sockopt::curve_serverkey, z85Encode(t.cfg.parties[0].publicKey.data()));
  rogue.set(zmq::sockopt::curve_publickey, z85Encode(rk.publicKey().data()));
  rogue.set(zmq::sockopt::curve_secretkey, z85Encode(rk.secretBytes()));
  rogue.set(zmq::sockopt::linger, 0);
  REQUIRE(zmq_socket_monitor(rogue.handle(), "inproc://rogue-mon", ZMQ_EVENT_ALL) == 0);
  zmq::socket_t mon(ctx, zmq::socket_type::pair);
  mon.connect("inproc://rogue-mon");
  rogue.connect(t.cfg.parties[0].endpoint);
  (void)rogue.send(zmq::buffer(std::string("let me in")), zmq::send_flags::dontwait);
  bool refused = false;
  auto start = Clock::now();
  mon.set(zmq::sockopt::rcvtimeo, 200);
  while (!refused && msSince(start) < 5000) {
    zmq::message_t ev, ep;
    if (!mon.recv(ev)) continue;
    (void)mon.recv(ep);
    uint16_t id;
    std::memcpy(&id, ev.data(), 2);
    refused = id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
  }
  CHECK(refused);
  CHECK(m0.refusedConnections() >= 1);
  rogue.close();
  mon.close();
}

TEST_CASE("a node whose key the peer does not pin cannot join") {
  auto t = makeCluster(2);
  t.cfg.timeouts.connectMs = 1500;
  // Party 0 pins an old key for party 1; party 1 runs with its new key.
  auto stale = t.cfg;
  stale.parties[1].publicKey = net_key_keygen().publicKey();
  Mesh m0(stale, 0, t.keys[0]);
  Mesh m1(t.cfg, 1, t.keys[1]);
  std::string err;
  try {
    m1.waitReady();
  } catch (const NetError &e) {
    err = e.what();
  }
  INFO(err);
  CHECK(err.find("party 0 did not connect within 1500 ms (timeouts.connect_ms)") == 0);
  CHECK(err.find("party 0 refused this node's public key (CurveZMQ handshake failed: "
                 "HANDSHAKE_FAILED_AUTH)") != std::string::npos);
  CHECK(m0.refusedConnections() >= 1);
}

TEST_CASE("a secret key that does not match the configuration is refused") {
  auto t = makeCluster(2);
  CHECK_THROWS_WITH_AS(Mesh(t.cfg, 0, t.keys[1]),
                       "the secret key given for party 0 does not match the public key the "
                       "cluster configuration pins for it",
                       ConfigError);
}

namespace {
// Party 1 sends `frames` unchanged to party 0; returns what party 0's
// channel 0 then reads: messages, then the error.
std::vector<std::string> deliverRaw(std::vector<std::vector<uint8_t>> frames, uint32_t reads) {
  auto t = makeCluster(2);
  Mesh m0(t.cfg, 0, t.keys[0]), m1(t.cfg, 1, t.keys[1]);
  auto ch = m0.channel(kOnlineChannel);
  for (auto &f : frames)
    m1.sendRawForTest(0, f);
  std::vector<std::string> out;
  for (uint32_t i = 0; i < reads; ++i) {
    try {
      out.push_back("msg:" + str(ch->recv(1)));
    } catch (const NetError &e) {
      out.push_back(e.what());
    }
  }
  return out;
}

std::vector<uint8_t> frame(uint64_t seq, const std::string &payload,
                           const std::string &job = "test-job", uint16_t channel = 0) {
  FrameHeader h;
  h.type = FrameType::DataEnd;
  h.channel = channel;
  h.job = hashJobId(job);
  h.seq = seq;
  return encodeFrame(h, bytes(payload));
}
} // namespace

TEST_CASE("framing: in-order frames pass, replays are rejected naming the party") {
  auto r = deliverRaw({frame(0, "a"), frame(1, "b"), frame(1, "b")}, 3);
  CHECK(r[0] == "msg:a");
  CHECK(r[1] == "msg:b");
  CHECK(r[2] == "party 1 sent a replayed message on channel 0 (sequence 1, expected 2)");
}

TEST_CASE("framing: a skipped sequence number is rejected") {
  auto r = deliverRaw({frame(0, "a"), frame(2, "c")}, 2);
  CHECK(r[0] == "msg:a");
  CHECK(r[1] == "party 1 skipped messages on channel 0 (sequence 2, expected 1): a message was "
                "lost, reordered or tampered with");
}

TEST_CASE("framing: a frame of another job is rejected") {
  auto r = deliverRaw({frame(0, "a", "other-job")}, 1);
  CHECK(r[0] == "party 1 sent a frame of another job: its job id differs from this node's "
                "'test-job' (is it still running an earlier job, or was it started with an "
                "earlier job's configuration?); give every node the same cluster configuration");
}

TEST_CASE("framing: malformed headers are rejected") {
  CHECK(deliverRaw({bytes("xyz")}, 1)[0] ==
        "party 1 sent a malformed frame: 3 bytes is shorter than the header");
  auto f = frame(0, "abc");
  f[0] ^= 1;
  CHECK(deliverRaw({f}, 1)[0] == "party 1 sent a malformed frame: bad magic");
  f = frame(0, "abc");
  f.pop_back();
  CHECK(deliverRaw({f}, 1)[0] ==
        "party 1 sent a malformed frame: header says 3 payload bytes, frame has 2");
  f = frame(0, "abc", "test-job", 9);
  CHECK(deliverRaw({f}, 1)[0] == "party 1 sent a malformed frame: channel 9 out of range");
}

TEST_CASE("a peer that ends cleanly makes a later receive fail, not hang") {
  auto t = makeCluster(2);
  Mesh m0(t.cfg, 0, t.keys[0]);
  auto ch0 = m0.channel(kOnlineChannel);
  {
    Mesh m1(t.cfg, 1, t.keys[1]);
    auto ch1 = m1.channel(kOnlineChannel);
    ch1->send(0, bytes("last words"));
    ch1.reset();
  } // m1 says Bye and closes
  CHECK(str(ch0->recv(1)) == "last words");
  auto start = Clock::now();
  CHECK(recvError(*ch0, 1) ==
        "party 1 ended the job before sending the message this node waits for");
  CHECK(msSince(start) < 1000);
}

TEST_CASE("a party that never starts fails waitReady after the connect timeout") {
  auto t = makeCluster(3);
  t.cfg.timeouts.connectMs = 800;
  Mesh m0(t.cfg, 0, t.keys[0]), m1(t.cfg, 1, t.keys[1]);
  auto start = Clock::now();
  std::string err;
  try {
    m0.waitReady();
  } catch (const NetError &e) {
    err = e.what();
  }
  CHECK(err == "party 2 did not connect within 800 ms (timeouts.connect_ms): check that it runs, "
               "that " +
                   t.cfg.parties[2].endpoint + " is reachable and that the keys match");
  CHECK(msSince(start) < 3000);
}

TEST_CASE("a live but quiet peer hits the receive timeout") {
  auto t = makeCluster(2);
  t.cfg.timeouts.recvMs = 300;
  Mesh m0(t.cfg, 0, t.keys[0]), m1(t.cfg, 1, t.keys[1]);
  m0.waitReady();
  auto ch = m0.channel(kOnlineChannel);
  CHECK(recvError(*ch, 1) ==
        "timed out after 300 ms waiting for a message from party 1 (timeouts.recv_ms)");
}

TEST_CASE("the latency option delays every data frame by latency_ms") {
  auto t = makeCluster(2);
  t.cfg.latencyMs = 30;
  Mesh m0(t.cfg, 0, t.keys[0]), m1(t.cfg, 1, t.keys[1]);
  m0.waitReady();
  m1.waitReady();
  auto c0 = m0.channel(kOnlineChannel), c1 = m1.channel(kOnlineChannel);
  auto start = Clock::now();
  for (int i = 0; i < 5; ++i) {
    c0->send(1, bytes("ping"));
    CHECK(str(c1->recv(0)) == "ping");
    c1->send(0, bytes("pong"));
    CHECK(str(c0->recv(1)) == "pong");
  }
  CHECK(msSince(start) >= 300); // 10 one-way trips of >= 30 ms
}

TEST_CASE("the dealer is node N and talks to every party") {
  auto t = makeCluster(2, true);
  Mesh m0(t.cfg, 0, t.keys[0]), m1(t.cfg, 1, t.keys[1]), d(t.cfg, 2, t.keys[2]);
  auto c0 = m0.channel(kPreprocChannel), cd = d.channel(kPreprocChannel);
  CHECK(cd->self() == 2);
  CHECK(cd->parties() == 2);
  c0->send(2, bytes("need triples"));
  CHECK(str(cd->recv(0)) == "need triples");
  cd->send(0, bytes("seeds"));
  CHECK(str(c0->recv(2)) == "seeds");
  CHECK_THROWS_AS(c0->send(0, bytes("self")), std::logic_error);
  CHECK_THROWS_AS(c0->send(3, bytes("nobody")), std::logic_error);
}

TEST_CASE("an endpoint already in use is a clear error") {
  auto t = makeCluster(2);
  Mesh m0(t.cfg, 0, t.keys[0]);
  auto other = t.cfg;
  std::string err;
  try {
    Mesh again(other, 0, t.keys[0]);
  } catch (const NetError &e) {
    err = e.what();
  }
  CHECK(err ==
        "cannot listen on " + t.cfg.parties[0].endpoint + " for party 0: Address already in use");
}

TEST_CASE("receiving after close fails at once") {
  auto t = makeCluster(2);
  Mesh m0(t.cfg, 0, t.keys[0]), m1(t.cfg, 1, t.keys[1]);
  auto ch = m0.channel(kOnlineChannel);
  m0.close();
  auto start = Clock::now();
  CHECK(recvError(*ch, 1) ==
        "the network of party 0 was closed before the message from party 1 arrived");
  CHECK(msSince(start) < 500);
}
