//===- bench_worker.cpp - small jobs per second through NATS workers ------===//
//
// Three parties, each with 1 and then 2 workers (own threads, own NATS
// connections) on loopback; JOBS small jobs (a secret dot product of two
// 4-vectors: one round of multiplication plus OT preprocessing) are queued
// for every party, and the workers run them to the end. Prints jobs per
// second for each worker count: the cost of a job through the queue, the
// job board, a fresh job mesh and fresh OT setups (docs/benchmarks.md).
//
// usage: bench_worker [JOBS]   (starts its own nats-server -js on loopback)
//===----------------------------------------------------------------------===//
#include "nats_server.h"
#include "runtime/net/free_port.h"
#include "tests/worker/dot_job.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <thread>

using namespace smpc;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

int run(int jobs) {
  const uint32_t n = 3;
  testing::NatsServer srv;
  const bc::Program prog = testing::dotProgram();
  for (uint32_t perParty : {1u, 2u}) {
    net::ClusterConfig peers;
    peers.jobId = "bench" + std::to_string(perParty);
    std::vector<net::SecretKey> keys;
    std::vector<std::unique_ptr<testing::FakeNode>> nodes;
    auto sa = testing::additiveShares(testing::kDotA, n);
    auto sb = testing::additiveShares(testing::kDotB, n);
    for (uint32_t p = 0; p < n; ++p) {
      keys.push_back(net::net_key_keygen());
      net::NodeConfig nc;
      nc.id = p;
      nc.endpoint = nc.bind = "tcp://127.0.0.1:1";
      nc.publicKey = keys[p].publicKey();
      peers.parties.push_back(nc);
      auto fn = std::make_unique<testing::FakeNode>();
      fn->party = p;
      fn->prog = prog;
      fn->a = sa[p];
      fn->b = sb[p];
      nodes.push_back(std::move(fn));
    }
    {
      queue::Connection c(srv.url(), 5s);
      for (uint32_t p = 0; p < n; ++p) {
        queue::JobQueue q(c, peers.jobId, p, jobs + 1);
        for (int j = 0; j < jobs; ++j)
          q.publish("job-" + std::to_string(j), "{}");
      }
    }
    std::atomic<bool> stop{false};
    std::vector<std::unique_ptr<queue::Connection>> conns;
    std::vector<std::unique_ptr<worker::Worker>> workers;
    std::vector<std::thread> threads;
    auto t0 = Clock::now();
    for (uint32_t p = 0; p < n; ++p)
      for (uint32_t w = 0; w < perParty; ++w) {
        worker::WorkerConfig wc;
        wc.party = p;
        wc.peers = peers;
        wc.key = keys[p];
        wc.listen = wc.advertise = "tcp://127.0.0.1:" + std::to_string(net::freePort());
        wc.name = "w" + std::to_string(w);
        conns.push_back(std::make_unique<queue::Connection>(srv.url(), 5s));
        workers.push_back(std::make_unique<worker::Worker>(*conns.back(), wc, *nodes[p]));
        threads.emplace_back([&stop, wk = workers.back().get()] { wk->run(stop); });
      }
    for (;;) {
      bool all = true;
      for (auto &fn : nodes)
        all = all && fn->ended() >= std::size_t(jobs);
      if (all) break;
      std::this_thread::sleep_for(5ms);
    }
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    stop = true;
    for (auto &t : threads)
      t.join();
    std::size_t failed = 0;
    for (auto &fn : nodes)
      failed += fn->failures.size();
    if (failed) {
      std::fprintf(stderr, "bench_worker: %zu job runs failed\n", failed);
      return 1;
    }
    std::printf("worker.small_jobs_per_s_%u_per_party %.1f jobs/s\n", perParty, jobs / s);
    std::fflush(stdout);
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  const int jobs = argc > 1 ? std::atoi(argv[1]) : 40;
  if (jobs < 1) {
    std::fprintf(stderr, "usage: bench_worker [JOBS]   (JOBS: a positive number of jobs)\n");
    return 2;
  }
  try {
    return run(jobs);
  } catch (const std::exception &e) { // nats-server missing, no free port, ...
    std::fprintf(stderr, "bench_worker: %s\n", e.what());
    return 1;
  }
}
