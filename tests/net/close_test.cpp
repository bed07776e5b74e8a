//===- close_test.cpp - a closing node's last frames reach a slow reader --===//
//
// A node that sends a large last message and closes must not exit before
// the peer has read it: closing waits for each live peer's ByeAck (or its
// own Bye) rather than for a linger timeout. The reader runs in a forked
// child (forked before this process starts any ZeroMQ thread) and is
// stopped (SIGSTOP) for longer than the sockets' linger while the message
// is in flight.
//===----------------------------------------------------------------------===//
#include "runtime/net/mesh.h"
#include "tests/net/net_test_util.h"

#include <chrono>
#include <csignal>
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace smpc::net;
using namespace smpc::net::test;

namespace {

constexpr size_t kBig = size_t(48) << 20; // far beyond the kernel's socket buffers

uint8_t pattern(size_t i) {
  return uint8_t(i * 131 + (i >> 20));
}

// Child: party 0 reads party 1's one large message, checks it, exits 0 if
// it arrived whole (1 if it did not, 2 on any other failure).
[[noreturn]] void reader(const TestCluster &t, int ready) {
  int rc = 2;
  try {
    Mesh m(t.cfg, 0, t.keys[0]);
    auto ch = m.channel(kOnlineChannel);
    m.waitReady();
    const char one = 1;
    if (::write(ready, &one, 1) != 1) std::_Exit(2);
    auto msg = ch->recv(1);
    bool whole = msg.size() == kBig;
    for (size_t i = 0; whole && i < msg.size(); i += 4093)
      whole = msg[i] == pattern(i);
    rc = whole ? 0 : 1;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "reader: %s\n", e.what());
    rc = 1;
  }
  std::_Exit(rc);
}

} // namespace

TEST_CASE("a node that closes after a large last message waits until a stalled reader has it") {
  // peer_ms well above the stall, so neither side takes the other for dead;
  // the sockets' linger (at most 2 s) is below it.
  auto t = makeCluster(2, false, 15000);
  t.cfg.timeouts.recvMs = 60000;
  int p[2];
  REQUIRE(::pipe(p) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(p[0]);
    reader(t, p[1]);
  }
  ::close(p[1]);
  std::thread resume;
  {
    Mesh m(t.cfg, 1, t.keys[1]);
    auto ch = m.channel(kOnlineChannel);
    m.waitReady();
    char one = 0;
    REQUIRE(::read(p[0], &one, 1) == 1); // the reader is connected too
    ::close(p[0]);
    std::vector<uint8_t> big(kBig);
    for (size_t i = 0; i < big.size(); ++i)
      big[i] = pattern(i);
    ::kill(pid, SIGSTOP); // the reader stalls (a loaded machine, a slow disk)
    ch->send(0, big);
    resume = std::thread([pid] {
      std::this_thread::sleep_for(std::chrono::milliseconds(3500));
      ::kill(pid, SIGCONT);
    });
  } // closes while most of the message is still queued
  resume.join();
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0); // 1: the message was cut off
}
