//===- worker_test.cpp - workers of three parties on a real nats-server ---===//
//
// Real nats-server -js, real CurveZMQ meshes between the workers on
// loopback, OT preprocessing, a compiled program. Each party's node is
// stood in for by a JobSource holding that party's shares of the inputs.
//===----------------------------------------------------------------------===//
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "compiler/api.h"
#include "runtime/net/free_port.h"
#include "runtime/net/mesh.h"
#include "runtime/queue/nats_queue.h"
#include "runtime/worker/worker.h"
#include "tests/queue/nats_server.h"
#include "tests/worker/dot_job.h"

#include <atomic>
#include <doctest/doctest.h>
#include <sodium.h>
#include <thread>

using namespace smpc;
using namespace std::chrono_literals;

namespace {

using testing::FakeNode;

struct Setup {
  testing::NatsServer nats;
  uint32_t n = 3;
  net::ClusterConfig peers;
  std::vector<net::SecretKey> keys;
  std::vector<std::unique_ptr<FakeNode>> nodes;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<queue::Connection>> conns;
  std::vector<std::unique_ptr<worker::Worker>> workers;
  std::vector<std::string> log;
  std::mutex logMu;

  Setup() {
    unsigned char r[4];
    randombytes_buf(r, sizeof r);
    char hex[9];
    sodium_bin2hex(hex, sizeof hex, r, sizeof r);
    peers.jobId = std::string("wt-") + hex;
    peers.timeouts.connectMs = 5000;
    peers.timeouts.peerMs = 1500;
    bc::Program prog = testing::dotProgram();
    auto sa = testing::additiveShares(testing::kDotA, n);
    auto sb = testing::additiveShares(testing::kDotB, n);
    for (uint32_t p = 0; p < n; ++p) {
      keys.push_back(net::net_key_keygen());
      net::NodeConfig nc;
      nc.id = p;
      nc.endpoint = nc.bind = "tcp://127.0.0.1:1"; // the workers' own come from the board
      nc.publicKey = keys[p].publicKey();
      peers.parties.push_back(nc);
      auto fn = std::make_unique<FakeNode>();
      fn->party = p;
      fn->prog = prog;
      fn->a = sa[p];
      fn->b = sb[p];
      nodes.push_back(std::move(fn));
    }
  }
  ~Setup() {
    stop = true;
    for (auto &t : threads)
      t.join();
  }

  worker::WorkerConfig config(uint32_t p, const std::string &name) {
    worker::WorkerConfig c;
    c.party = p;
    c.peers = peers;
    c.key = keys[p];
    const std::string ep = "tcp://127.0.0.1:" + std::to_string(net::freePort());
    c.listen = c.advertise = ep;
    c.meetTimeout = 3000ms;
    c.name = name;
    c.log = [this, p](const std::string &l) {
      std::lock_guard lk(logMu);
      log.push_back("p" + std::to_string(p) + ": " + l);
    };
    return c;
  }

  /// Starts `perParty` workers for every party, each on its own thread and
  /// NATS connection.
  void startWorkers(uint32_t perParty) {
    for (uint32_t p = 0; p < n; ++p)
      for (uint32_t w = 0; w < perParty; ++w) {
        conns.push_back(std::make_unique<queue::Connection>(nats.url(), 5000ms));
        // Appended, not "w" + std::string: GCC 12 reports a false -Wrestrict
        // on that operator+ once inlined here (GCC PR105329).
        std::string name = "w";
        name += std::to_string(w);
        workers.push_back(
            std::make_unique<worker::Worker>(*conns.back(), config(p, name), *nodes[p]));
        threads.emplace_back([this, wk = workers.back().get()] { wk->run(stop); });
      }
  }

  void publish(const std::vector<std::string> &jobs) {
    queue::Connection c(nats.url(), 5000ms);
    for (uint32_t p = 0; p < n; ++p) {
      queue::JobQueue q(c, peers.jobId, p);
      for (const auto &j : jobs)
        REQUIRE(q.publish(j, "{}"));
    }
  }

  void waitEnded(size_t jobs) {
    for (int i = 0; i < 600; ++i) {
      bool all = true;
      for (auto &fn : nodes)
        all = all && fn->ended() >= jobs;
      if (all) return;
      std::this_thread::sleep_for(100ms);
    }
    std::lock_guard lk(logMu);
    std::string l;
    for (auto &s : log)
      l += s + "\n";
    FAIL("jobs did not end within 60 s; worker log:\n" << l);
  }

  uint64_t opened(const std::string &job) {
    uint64_t sum = 0;
    for (auto &fn : nodes)
      sum += fn->outputs.at(job).at(0);
    return sum;
  }
};

std::vector<std::string> jobIds(int count) {
  std::vector<std::string> ids;
  ids.reserve(std::size_t(count));
  for (int i = 0; i < count; ++i)
    ids.push_back("job-" + std::to_string(i));
  return ids;
}

} // namespace

TEST_CASE("jobs queued before any worker runs start when the workers come up, each runs once") {
  Setup s;
  auto jobs = jobIds(3);
  s.publish(jobs);
  s.startWorkers(1);
  s.waitEnded(jobs.size());
  for (const auto &j : jobs) {
    for (auto &fn : s.nodes) {
      INFO("party " << fn->party << ", " << j);
      CHECK(fn->failures.count(j) == 0);
      CHECK(fn->finishes[j] == 1);
      CHECK(fn->fetched[j] == 1);
    }
    CHECK(s.opened(j) == testing::kDotResult);
  }
  for (auto &w : s.workers)
    CHECK(w->jobsDone() == jobs.size());
}

TEST_CASE("two workers per party: every job runs exactly once in every party, and both work") {
  Setup s;
  auto jobs = jobIds(8);
  s.startWorkers(2);
  s.publish(jobs);
  s.waitEnded(jobs.size());
  for (const auto &j : jobs) {
    for (auto &fn : s.nodes) {
      INFO("party " << fn->party << ", " << j);
      CHECK(fn->failures.count(j) == 0);
      CHECK(fn->finishes[j] == 1);
    }
    CHECK(s.opened(j) == testing::kDotResult);
  }
  uint64_t total = 0;
  for (auto &w : s.workers)
    total += w->jobsDone();
  CHECK(total == 3 * jobs.size());
}

TEST_CASE(
    "a worker that vanishes mid-job fails the job at every other party and never runs again") {
  Setup s;
  const std::string job = "job-vanish";
  s.publish({job});
  // Party 2's "worker" takes the job, claims it, meets the others and is
  // gone once their mesh is up (its sockets close, as when its process
  // dies), before the job's first round.
  std::thread vanish([&] {
    queue::Connection c(s.nats.url(), 5000ms);
    queue::JobQueue q(c, s.peers.jobId, 2);
    auto t = q.take(10s);
    REQUIRE(t);
    REQUIRE(t->jobId == job);
    queue::JobBoard board(c, s.peers.jobId, job);
    REQUIRE(board.claim(2, "worker", "doomed"));
    worker::WorkerConfig wc = s.config(2, "doomed");
    board.put(2, "endpoint", wc.advertise);
    auto eps = board.waitAll("endpoint", 3, 10s);
    net::ClusterConfig mc = s.peers;
    mc.jobId = job;
    for (uint32_t p = 0; p < 3; ++p) {
      mc.parties[p].endpoint = eps.at(p);
      mc.parties[p].bind = p == 2 ? wc.listen : eps.at(p);
    }
    net::Mesh mesh(mc, 2, s.keys[2]);
    mesh.waitReady();
    mesh.close();
  });
  // Only parties 0 and 1 run real workers.
  for (uint32_t p = 0; p < 2; ++p) {
    s.conns.push_back(std::make_unique<queue::Connection>(s.nats.url(), 5000ms));
    s.workers.push_back(
        std::make_unique<worker::Worker>(*s.conns.back(), s.config(p, "w"), *s.nodes[p]));
    s.threads.emplace_back([&s, wk = s.workers.back().get()] { wk->run(s.stop); });
  }
  vanish.join();
  for (int i = 0; i < 300 && (s.nodes[0]->ended() < 1 || s.nodes[1]->ended() < 1); ++i)
    std::this_thread::sleep_for(100ms);
  for (uint32_t p = 0; p < 2; ++p) {
    INFO("party " << p);
    REQUIRE(s.nodes[p]->failures.count(job) == 1);
    CHECK(s.nodes[p]->failures[job].find("party 2") != std::string::npos);
    CHECK(s.nodes[p]->finishes.count(job) == 0);
  }
  // Not redelivered: a fresh worker of party 2 finds nothing to take, and
  // no queue holds the job any more.
  queue::Connection c(s.nats.url(), 5000ms);
  worker::Worker late(c, s.config(2, "late"), *s.nodes[2]);
  CHECK_FALSE(late.runOne(500ms));
  for (uint32_t p = 0; p < 3; ++p)
    CHECK(queue::JobQueue(c, s.peers.jobId, p).waiting() == 0);
}

TEST_CASE("a worker that fails a job tells the other parties' workers why") {
  Setup s;
  const std::string job = "job-limit";
  s.nodes[2]->maxSteps = 1; // party 2's run stops at its second instruction
  s.publish({job});
  s.startWorkers(1);
  s.waitEnded(1);
  CHECK(s.nodes[2]->failures[job].find("step limit of 1 instructions exceeded") !=
        std::string::npos);
  for (uint32_t p = 0; p < 2; ++p) {
    // The root cause, not merely that party 2's worker left (possibly
    // relayed by the other party's worker, which heard it first).
    INFO("party " << p << ": " << s.nodes[p]->failures[job]);
    CHECK(s.nodes[p]->failures[job].find("party 2 failed the job: ") != std::string::npos);
    CHECK(s.nodes[p]->failures[job].find("step limit of 1 instructions exceeded") !=
          std::string::npos);
  }
}

TEST_CASE("a job whose other parties' workers never show up fails naming them") {
  Setup s;
  const std::string job = "job-alone";
  s.publish({job});
  queue::Connection c(s.nats.url(), 5000ms);
  worker::Worker w(c, s.config(0, "w"), *s.nodes[0]);
  REQUIRE(w.runOne(5s));
  REQUIRE(s.nodes[0]->failures.count(job) == 1);
  CHECK(s.nodes[0]->failures[job].find("1, 2") != std::string::npos);
  CHECK(w.jobsFailed() == 1);
}

TEST_CASE("a worker refuses a key that is not its party's") {
  Setup s;
  queue::Connection c(s.nats.url(), 5000ms);
  worker::WorkerConfig wc = s.config(1, "w");
  wc.key = s.keys[0];
  CHECK_THROWS_WITH(worker::Worker(c, wc, *s.nodes[1]),
                    "the worker's key is not the key the cluster file pins for party 1: give the "
                    "worker its node's key");
  wc = s.config(1, "w");
  wc.peers.jobId = "bad name";
  CHECK_THROWS_WITH_AS(worker::Worker(c, wc, *s.nodes[1]), doctest::Contains("bad name"),
                       queue::QueueError);
}
