//===- queue_test.cpp - the job queue and job board on a real nats-server -===//
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "nats_server.h"
#include "runtime/queue/nats_queue.h"

#include <atomic>
#include <doctest/doctest.h>
#include <mutex>
#include <netinet/in.h>
#include <set>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace smpc::queue;
using smpc::testing::NatsServer;
using namespace std::chrono_literals;

namespace {

// "<prefix><i>", built piecewise (GCC 12's -Wrestrict misfires on "x" + to_string).
std::string name(const char *prefix, int i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

std::string errorOf(auto &&f) {
  try {
    f();
  } catch (const QueueError &e) {
    return e.what();
  }
  return "";
}

// A loopback port nothing listens on (bound, then closed).
int closedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

} // namespace

TEST_CASE("jobs are taken in order, once, with their ids and payloads") {
  NatsServer srv;
  Connection node(srv.url(), 5s);
  JobQueue q(node, "acme", 1);
  CHECK(q.stream() == "SMPC_acme_P1");
  CHECK(q.subject() == "smpc.acme.p1.jobs");
  CHECK(q.publish("job-1", "first"));
  CHECK(q.publish("job-2", std::string("second\0binary", 13)));
  CHECK(q.waiting() == 2);
  Connection worker(srv.url(), 5s);
  JobQueue w(worker, "acme", 1);
  auto a = w.take(2s);
  REQUIRE(a);
  CHECK(a->jobId == "job-1");
  CHECK(a->payload == "first");
  auto b = w.take(2s);
  REQUIRE(b);
  CHECK(b->jobId == "job-2");
  CHECK(b->payload == std::string("second\0binary", 13));
  CHECK(b->sequence > a->sequence);
  CHECK_FALSE(w.take(200ms));
  CHECK(q.waiting() == 0); // work queue: a taken job leaves the stream
}

TEST_CASE("the same job published twice is queued once") {
  NatsServer srv;
  Connection c(srv.url(), 5s);
  JobQueue q(c, "acme", 0);
  CHECK(q.publish("job-7", "x"));
  CHECK_FALSE(q.publish("job-7", "x"));
  CHECK(q.waiting() == 1);
}

TEST_CASE("each job goes to exactly one of several workers") {
  NatsServer srv;
  Connection node(srv.url(), 5s);
  JobQueue q(node, "acme", 2);
  const int kJobs = 24;
  for (int i = 0; i < kJobs; ++i)
    REQUIRE(q.publish(name("j", i), std::to_string(i)));
  std::mutex mu;
  std::multiset<std::string> taken;
  std::vector<std::thread> workers;
  for (int k = 0; k < 3; ++k)
    workers.emplace_back([&] {
      Connection c(srv.url(), 5s);
      JobQueue w(c, "acme", 2);
      while (auto j = w.take(500ms)) {
        std::lock_guard<std::mutex> l(mu);
        taken.insert(j->jobId);
      }
    });
  for (auto &t : workers)
    t.join();
  CHECK(taken.size() == kJobs);
  for (int i = 0; i < kJobs; ++i)
    CHECK(taken.count(name("j", i)) == 1);
}

TEST_CASE("parties have separate queues") {
  NatsServer srv;
  Connection c(srv.url(), 5s);
  JobQueue p0(c, "acme", 0), p1(c, "acme", 1);
  p0.publish("job-a", "for 0");
  CHECK_FALSE(p1.take(200ms));
  auto j = p0.take(1s);
  REQUIRE(j);
  CHECK(j->payload == "for 0");
}

TEST_CASE("a job taken by a worker that died is never handed out again") {
  NatsServer srv;
  Connection node(srv.url(), 5s);
  JobQueue q(node, "acme", 0);
  q.publish("job-1", "material");
  q.publish("job-2", "next");
  {
    Connection dying(srv.url(), 5s);
    JobQueue w(dying, "acme", 0);
    auto j = w.take(2s);
    REQUIRE(j);
    CHECK(j->jobId == "job-1");
  } // the worker's connection is gone mid-job
  Connection other(srv.url(), 5s);
  JobQueue w2(other, "acme", 0);
  auto j = w2.take(2s);
  REQUIRE(j);
  CHECK(j->jobId == "job-2");
  CHECK_FALSE(w2.take(300ms));
}

TEST_CASE("jobs queued while no worker runs start when one comes up") {
  NatsServer srv;
  {
    Connection node(srv.url(), 5s);
    JobQueue q(node, "acme", 0);
    for (int i = 0; i < 3; ++i)
      q.publish(name("early-", i), "p");
  }
  std::this_thread::sleep_for(200ms);
  Connection worker(srv.url(), 5s);
  JobQueue w(worker, "acme", 0);
  int n = 0;
  while (w.take(500ms))
    ++n;
  CHECK(n == 3);
}

TEST_CASE("a full queue refuses new jobs with a clear error") {
  NatsServer srv;
  Connection c(srv.url(), 5s);
  JobQueue q(c, "acme", 0, 2);
  q.publish("a", "1");
  q.publish("b", "2");
  CHECK(errorOf([&] { q.publish("c", "3"); }) ==
        "the job queue SMPC_acme_P0 is full (2 jobs wait for a worker); start more workers or "
        "try again later");
  CHECK(q.take(1s));
  CHECK(q.publish("c", "3")); // room again
}

TEST_CASE("connection errors name the URL and say what to do") {
  const std::string url = name("nats://127.0.0.1:", closedPort());
  std::string e = errorOf([&] { Connection c(url, 500ms); });
  CHECK(e.rfind("cannot connect to NATS at " + url + ": ", 0) == 0);
  CHECK(e.find("; check --nats and that nats-server runs with JetStream (-js)") !=
        std::string::npos);

  NatsServer plain(false);
  e = errorOf([&] { Connection c(plain.url(), 2s); });
  CHECK(e.rfind("NATS at " + plain.url() + " has no JetStream: ", 0) == 0);
  CHECK(e.find("; start nats-server with -js") != std::string::npos);
}

TEST_CASE("names that cannot be NATS subjects are refused") {
  NatsServer srv;
  Connection c(srv.url(), 5s);
  CHECK(errorOf([&] { JobQueue q(c, "acme.corp", 0); }) ==
        "cluster name 'acme.corp' cannot name a NATS stream or bucket: use 1-64 characters of "
        "[A-Za-z0-9_-]");
  CHECK(errorOf([&] { JobQueue q(c, "", 0); }).rfind("cluster name '' cannot", 0) == 0);
  JobQueue q(c, "acme", 0);
  CHECK(errorOf([&] { q.publish("a b", "x"); }) ==
        "job id 'a b' cannot name a NATS stream or bucket: use 1-64 characters of "
        "[A-Za-z0-9_-]");
  CHECK(errorOf([&] { q.publish("job>", "x"); }).rfind("job id 'job>' cannot", 0) == 0);
  CHECK(errorOf([&] { JobBoard b(c, "acme", "*"); }).rfind("job id '*' cannot", 0) == 0);
}

TEST_CASE("the job board: endpoints of every party, claims, timeouts") {
  NatsServer srv;
  Connection c0(srv.url(), 5s), c1(srv.url(), 5s), c2(srv.url(), 5s);
  JobBoard b0(c0, "acme", "job-9");
  CHECK(b0.bucket() == "smpc-job-acme-job-9");
  CHECK_FALSE(b0.get(0, "endpoint"));

  // Only one worker of a party can claim the job.
  CHECK(b0.claim(1, "worker", "worker-a"));
  JobBoard b1(c1, "acme", "job-9");
  CHECK_FALSE(b1.claim(1, "worker", "worker-b"));
  CHECK(b1.get(1, "worker") == "worker-a");

  // Every party posts its endpoint; each waits for all three.
  std::thread t1([&] {
    std::this_thread::sleep_for(100ms);
    b1.put(1, "endpoint", "tcp://198.18.0.11:7000");
  });
  std::thread t2([&] {
    JobBoard b2(c2, "acme", "job-9");
    std::this_thread::sleep_for(200ms);
    b2.put(2, "endpoint", "tcp://198.18.0.12:7000");
  });
  b0.put(0, "endpoint", "tcp://198.18.0.10:7000");
  auto all = b0.waitAll("endpoint", 3, 5s);
  t1.join();
  t2.join();
  REQUIRE(all.size() == 3);
  CHECK(all[0] == "tcp://198.18.0.10:7000");
  CHECK(all[2] == "tcp://198.18.0.12:7000");

  // A party with no worker: the wait ends with the parties missing.
  CHECK(errorOf([&] { b0.waitAll("state", 3, 300ms); }) ==
        "no worker of party 0, 1, 2 posted 'state' on the job board smpc-job-acme-job-9 within "
        "300 ms; is a worker of every party running?");
  b0.put(0, "state", "running");
  CHECK(errorOf([&] {
          b0.waitAll("state", 2, 300ms);
        }).rfind("no worker of party 1 posted 'state'", 0) == 0);
  CHECK(errorOf([&] { b0.put(0, "Bad.Key", "x"); }) ==
        "job board key 'Bad.Key' must be 1-32 characters of [a-z_]");

  b0.remove();
  JobBoard again(c0, "acme", "job-9");
  CHECK_FALSE(again.get(0, "endpoint")); // a fresh, empty board
  again.remove();
}
