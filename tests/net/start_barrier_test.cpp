//===- start_barrier_test.cpp - startTogether over a real mesh ------------===//
#include "runtime/net/mesh.h"
#include "runtime/net/start_barrier.h"
#include "tests/net/net_test_util.h"

#include <atomic>
#include <chrono>
#include <doctest/doctest.h>
#include <memory>
#include <thread>

using namespace smpc::net;
using namespace smpc::net::test;

TEST_CASE("startTogether returns only once every party has reached it") {
  auto t = makeCluster(3, false, 5000);
  std::vector<std::unique_ptr<Mesh>> mesh;
  for (uint32_t i = 0; i < 3; ++i)
    mesh.push_back(std::make_unique<Mesh>(t.cfg, i, t.keys[i]));
  std::vector<std::unique_ptr<smpc::vm::Channel>> ch;
  ch.reserve(mesh.size());
  for (auto &m : mesh)
    ch.push_back(m->channel(kOnlineChannel));
  std::atomic<bool> lateArrived{false};
  std::vector<std::string> failures(3);
  std::vector<char> sawLate(3, 0); // not vector<bool>: each thread writes its own element
  std::vector<std::thread> threads;
  for (uint32_t i = 0; i < 3; ++i)
    threads.emplace_back([&, i] {
      try {
        if (i == 2) { // the slow party: loads its job late
          std::this_thread::sleep_for(std::chrono::milliseconds(300));
          lateArrived = true;
        }
        startTogether(*ch[i]);
        sawLate[i] = lateArrived.load();
        // The channel goes on in order after the barrier.
        for (uint32_t p = 0; p < 3; ++p)
          if (p != i) ch[i]->send(p, bytes("after " + std::to_string(i)));
        for (uint32_t p = 0; p < 3; ++p)
          if (p != i && str(ch[i]->recv(p)) != "after " + std::to_string(p))
            throw std::runtime_error("wrong message after the barrier");
      } catch (const std::exception &e) {
        failures[i] = e.what();
      }
    });
  for (auto &th : threads)
    th.join();
  for (uint32_t i = 0; i < 3; ++i) {
    CHECK_MESSAGE(failures[i].empty(), failures[i]);
    CHECK(sawLate[i]);
  }
}

TEST_CASE("startTogether refuses a malformed start message, naming the party") {
  auto t = makeCluster(2, false, 5000);
  Mesh m0(t.cfg, 0, t.keys[0]), m1(t.cfg, 1, t.keys[1]);
  auto c0 = m0.channel(kOnlineChannel), c1 = m1.channel(kOnlineChannel);
  // Party 1 skips the barrier and sends program data straight away.
  c1->send(0, bytes("data"));
  std::string err;
  try {
    startTogether(*c0);
  } catch (const smpc::vm::NetError &e) {
    err = e.what();
  }
  CHECK(err == "party 1 sent a malformed start message (4 bytes): it runs another version of "
               "smpc or another program");
}
