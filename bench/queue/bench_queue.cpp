//===- bench_queue.cpp - job dispatch rate through NATS JetStream ---------===//
//
// A node publishes N small jobs to its party's work queue; 1 or 2 workers
// (own connections, own threads) take them until it is empty. Prints the
// publish rate and the take rate per worker count: the queue's own cost per
// job, to set against a job's run time (docs/benchmarks.md).
//
// usage: bench_queue [JOBS]   (starts its own nats-server -js on loopback)
//===----------------------------------------------------------------------===//
#include "nats_server.h"
#include "runtime/queue/nats_queue.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

using namespace smpc::queue;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

int main(int argc, char **argv) {
  const int jobs = argc > 1 ? std::atoi(argv[1]) : 2000;
  smpc::testing::NatsServer srv;
  for (int workers : {1, 2}) {
    const std::string cluster = "bench" + std::to_string(workers);
    Connection node(srv.url(), 5s);
    JobQueue q(node, cluster, 0, jobs + 1);
    const std::string payload(256, 'j'); // a job description: program hash, bindings
    auto t0 = Clock::now();
    for (int i = 0; i < jobs; ++i) {
      std::string id = "job";
      id += std::to_string(i);
      q.publish(id, payload);
    }
    double pub = std::chrono::duration<double>(Clock::now() - t0).count();
    std::atomic<int> taken{0};
    std::vector<std::thread> ts;
    t0 = Clock::now();
    for (int w = 0; w < workers; ++w)
      ts.emplace_back([&] {
        Connection c(srv.url(), 5s);
        JobQueue wq(c, cluster, 0, jobs + 1);
        while (wq.take(300ms))
          ++taken;
      });
    for (auto &t : ts)
      t.join();
    // The last take waited 300 ms for nothing: not part of the rate.
    double took = std::chrono::duration<double>(Clock::now() - t0).count() - 0.3;
    if (taken != jobs) {
      std::fprintf(stderr, "bench_queue: %d of %d jobs taken\n", taken.load(), jobs);
      return 1;
    }
    std::printf("queue.publish.workers%d %.0f jobs/s\n", workers, jobs / pub);
    std::printf("queue.take.workers%d %.0f jobs/s\n", workers, jobs / took);
    std::fflush(stdout);
  }
  return 0;
}
