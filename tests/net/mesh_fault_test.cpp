//===- mesh_fault_test.cpp - a peer process that dies or hangs mid-job ----===//
//
// The peer runs in a forked child (forked before this process starts any
// ZeroMQ thread). Killing it, or stopping it so its heartbeats cease, must
// make the survivor's receive fail with an error naming the party within
// the configured timeout.
//===----------------------------------------------------------------------===//
#include "runtime/net/mesh.h"
#include "tests/net/net_test_util.h"

#include <chrono>
#include <csignal>
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <thread>

using namespace smpc::net;
using namespace smpc::net::test;
using smpc::vm::NetError;
using Clock = std::chrono::steady_clock;

namespace {

// Child: join as party 1, say hello, then idle until killed.
[[noreturn]] void childParty(const TestCluster &t) {
  try {
    Mesh m(t.cfg, 1, t.keys[1]);
    m.waitReady();
    auto ch = m.channel(kOnlineChannel);
    ch->send(0, bytes("hello"));
    for (;;)
      std::this_thread::sleep_for(std::chrono::seconds(1));
  } catch (...) {
  }
  std::_Exit(3);
}

struct Outcome {
  std::string error;
  long ms;
};

// Party 0 in this process: receive the hello, then `fault(pid)`, then wait
// for a second message that never comes.
template <class Fault> Outcome survive(const TestCluster &t, Fault fault) {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) childParty(t);
  Outcome o{"(no error)", 0};
  {
    Mesh m(t.cfg, 0, t.keys[0]);
    m.waitReady();
    auto ch = m.channel(kOnlineChannel);
    CHECK(str(ch->recv(1)) == "hello");
    fault(pid);
    auto start = Clock::now();
    try {
      (void)ch->recv(1);
    } catch (const NetError &e) {
      o.error = e.what();
    }
    o.ms =
        long(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
  }
  ::kill(pid, SIGKILL);
  ::kill(pid, SIGCONT);
  int status;
  ::waitpid(pid, &status, 0);
  return o;
}

} // namespace

TEST_CASE("a killed peer process makes receive fail quickly, naming the party") {
  auto t = makeCluster(2, false, 1500);
  auto o = survive(t, [](pid_t pid) { ::kill(pid, SIGKILL); });
  CHECK(o.error == "party 1 disconnected (its process exited or the network failed)");
  CHECK(o.ms < 1500); // the socket monitor notices before the heartbeat timeout
}

TEST_CASE("a hung peer (no heartbeats) makes receive fail after peer_ms") {
  auto t = makeCluster(2, false, 800);
  auto o = survive(t, [](pid_t pid) { ::kill(pid, SIGSTOP); });
  CHECK(o.error == "party 1 has been silent for more than 800 ms (timeouts.peer_ms): it crashed, "
                   "hangs or the network failed");
  CHECK(o.ms >= 500);
  CHECK(o.ms < 2500);
}
