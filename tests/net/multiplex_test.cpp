//===- multiplex_test.cpp - one long-lived mesh carrying many jobs --------===//
//
// Real sockets, real CURVE: concurrent jobs on one mesh keep their messages
// apart, frames of jobs not open are dropped, a restarted peer fails the
// jobs it was part of but not the next ones, abort() unblocks a receiver,
// and an unsequenced control channel survives the restart.
//===----------------------------------------------------------------------===//
#include "runtime/net/mesh.h"
#include "tests/net/net_test_util.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <doctest/doctest.h>
#include <mutex>
#include <sys/wait.h>
#include <thread>

using namespace smpc::net;
using namespace smpc::net::test;
using smpc::vm::NetError;
using Clock = std::chrono::steady_clock;

namespace {

MeshOptions multiplexed(std::function<void(uint32_t, bool, const std::string &)> onPeer = {}) {
  MeshOptions o;
  o.multiplex = true;
  o.onPeer = std::move(onPeer);
  return o;
}

} // namespace

TEST_CASE("multiplexed: concurrent jobs on one mesh keep their messages apart") {
  auto t = makeCluster(3);
  t.cfg.jobId = "cluster-a";
  std::vector<std::unique_ptr<Mesh>> mesh;
  for (uint32_t i = 0; i < 3; ++i)
    mesh.push_back(std::make_unique<Mesh>(t.cfg, i, t.keys[i], multiplexed()));
  for (auto &m : mesh)
    m->waitReady();
  const int kJobs = 4;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::vector<std::string> failures;
  for (int j = 0; j < kJobs; ++j)
    for (uint32_t i = 0; i < 3; ++i)
      threads.emplace_back([&, i, j] {
        try {
          const std::string job = "job-" + std::to_string(j);
          auto ch = mesh[i]->openJob(job, kOnlineChannel);
          for (int r = 0; r < 30; ++r) {
            for (uint32_t p = 0; p < 3; ++p)
              if (p != i)
                ch->send(p, bytes(job + ":" + std::to_string(i) + "#" + std::to_string(r)));
            for (uint32_t p = 0; p < 3; ++p)
              if (p != i) {
                auto got = str(ch->recv(p));
                auto want = job + ":" + std::to_string(p) + "#" + std::to_string(r);
                if (got != want) throw std::runtime_error("got " + got + " want " + want);
              }
          }
          // Stay open until every peer has read everything of this job.
          for (uint32_t p = 0; p < 3; ++p)
            if (p != i) ch->send(p, bytes("done"));
          for (uint32_t p = 0; p < 3; ++p)
            if (p != i) (void)ch->recv(p);
        } catch (const std::exception &e) {
          std::lock_guard lk(mu);
          failures.push_back(e.what());
        }
      });
  for (auto &th : threads)
    th.join();
  CHECK(failures.empty());
  for (auto &f : failures)
    MESSAGE(f);
}

TEST_CASE("multiplexed: early frames wait for the job to open, late ones are dropped") {
  auto t = makeCluster(2);
  Mesh m0(t.cfg, 0, t.keys[0], multiplexed()), m1(t.cfg, 1, t.keys[1], multiplexed());
  m0.waitReady();
  m1.waitReady();
  auto a1 = m1.openJob("j", kOnlineChannel);
  a1->send(0, bytes("early"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  {
    auto a0 = m0.openJob("j", kOnlineChannel);
    CHECK(str(a0->recv(1)) == "early");
    CHECK_THROWS_AS(m0.openJob("j", kOnlineChannel), std::logic_error);
  } // closed at party 0
  a1->send(0, bytes("late"));
  for (int i = 0; i < 100 && m0.droppedFrames() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(m0.droppedFrames() == 1);
  CHECK_THROWS_AS(m0.channel(kOnlineChannel), std::logic_error);
}

TEST_CASE("multiplexed: abort unblocks a receiver and names the reason") {
  auto t = makeCluster(2);
  Mesh m0(t.cfg, 0, t.keys[0], multiplexed()), m1(t.cfg, 1, t.keys[1], multiplexed());
  m0.waitReady();
  auto ch = m0.openJob("j", kOnlineChannel);
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ch->abort("job j was cancelled by its submitter");
  });
  CHECK(recvError(*ch, 1) == "job j was cancelled by its submitter");
  canceller.join();
  CHECK_THROWS_WITH_AS(ch->recvAny(std::chrono::milliseconds(10)),
                       "job j was cancelled by its submitter", NetError);
}

TEST_CASE("multiplexed: waitReady gives up after connect_ms and names the missing peer") {
  // The mesh itself waits for its peers as long as it takes; a caller that
  // waits for all of them gets an error instead of a hang.
  auto t = makeCluster(2);
  t.cfg.timeouts.connectMs = 300;
  Mesh m0(t.cfg, 0, t.keys[0], multiplexed());
  CHECK_THROWS_WITH_AS(m0.waitReady(),
                       "party 1 did not come up within 300 ms (timeouts.connect_ms): check that "
                       "they run and are reachable",
                       NetError);
}

TEST_CASE("multiplexed: a restarted peer fails its old jobs, new jobs work, control survives") {
  auto t = makeCluster(3, false, 1000);
  std::mutex mu;
  std::vector<std::string> events;
  auto onPeer = [&](uint32_t p, bool up, const std::string &why) {
    std::lock_guard lk(mu);
    events.push_back(std::to_string(p) + (up ? " up" : " down: " + why));
  };
  Mesh m0(t.cfg, 0, t.keys[0], multiplexed(onPeer));
  Mesh m2(t.cfg, 2, t.keys[2], multiplexed());
  auto ctl0 = m0.openJob("control", kOnlineChannel, false);
  auto old0 = std::unique_ptr<JobChannel>();
  {
    auto m1 = std::make_unique<Mesh>(t.cfg, 1, t.keys[1], multiplexed());
    m0.waitReady();
    m1->waitReady();
    old0 = m0.openJob("old", kOnlineChannel);
    auto ctl1 = m1->openJob("control", kOnlineChannel, false);
    ctl1->send(0, bytes("hello from the first life"));
    auto got = ctl0->recvAny(std::chrono::seconds(5));
    REQUIRE(got);
    CHECK(got->first == 1);
    CHECK(str(got->second) == "hello from the first life");
  } // party 1 shuts down (Bye)
  CHECK(recvError(*old0, 1) == "party 1 shut down");
  CHECK(m0.peers()[1].up == false);
  CHECK(m0.peers()[1].down == "party 1 shut down");
  // While it is down, a new job cannot start.
  CHECK(recvError(*m0.openJob("while-down", kOnlineChannel), 1) == "party 1 shut down");

  Mesh m1b(t.cfg, 1, t.keys[1], multiplexed());
  m1b.waitReady();
  m0.waitReady();
  auto ctl1b = m1b.openJob("control", kOnlineChannel, false);
  ctl1b->send(0, bytes("hello again"));
  auto got = ctl0->recvAny(std::chrono::seconds(5));
  REQUIRE(got);
  CHECK(str(got->second) == "hello again");
  auto n0 = m0.openJob("new", kOnlineChannel), n1 = m1b.openJob("new", kOnlineChannel);
  n1->send(0, bytes("fresh"));
  CHECK(str(n0->recv(1)) == "fresh");
  CHECK(m0.peers()[1].downs == 1);
  std::lock_guard lk(mu);
  REQUIRE(events.size() >= 4);
  CHECK(events[0].find(" up") != std::string::npos);
  CHECK(std::count(events.begin(), events.end(), "1 down: party 1 shut down") == 1);
  CHECK(events.back().find(" up") != std::string::npos);
}

TEST_CASE("multiplexed: a peer that crashes and restarts is noticed") {
  auto t = makeCluster(2, false, 1000);
  // The first life of party 1 runs in a child forked before this process
  // starts any ZeroMQ thread; SIGKILL means no Bye.
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    try {
      Mesh m1(t.cfg, 1, t.keys[1], multiplexed());
      for (;;)
        std::this_thread::sleep_for(std::chrono::seconds(1));
    } catch (...) {
    }
    std::_Exit(3);
  }
  Mesh m0(t.cfg, 0, t.keys[0], multiplexed());
  m0.waitReady();
  auto old = m0.openJob("old", kOnlineChannel);
  ::kill(pid, SIGKILL);
  int status;
  ::waitpid(pid, &status, 0);
  Mesh m1b(t.cfg, 1, t.keys[1], multiplexed());
  std::string err = recvError(*old, 1);
  CHECK((err == "party 1 restarted" ||
         err == "party 1 disconnected (its process exited or the network failed)"));
  m0.waitReady();
  m1b.waitReady();
  auto a = m0.openJob("after", kOnlineChannel), b = m1b.openJob("after", kOnlineChannel);
  b->send(0, bytes("ok"));
  CHECK(str(a->recv(1)) == "ok");
  CHECK(m0.peers()[1].downs == 1);
}
