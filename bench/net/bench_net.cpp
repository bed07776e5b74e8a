//===- bench_net.cpp - CurveZMQ mesh throughput and round-trip latency ----===//
//
// Two parties in one process over real loopback TCP with real CURVE. Prints
// `name value unit` lines (docs/benchmarks.md). Usage: bench_net [MiB]
// (total bytes per throughput figure, default 256).
//===----------------------------------------------------------------------===//
#include "runtime/net/free_port.h"
#include "runtime/net/mesh.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <unistd.h>

using namespace smpc::net;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

} // namespace

int main(int argc, char **argv) {
  const uint64_t total = (argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 256) << 20;
  ClusterConfig cfg;
  cfg.jobId = "bench";
  std::vector<SecretKey> keys;
  for (uint32_t i = 0; i < 2; ++i) {
    NodeConfig n;
    n.id = i;
    n.endpoint = n.bind = "tcp://127.0.0.1:" + std::to_string(freePort());
    keys.push_back(net_key_keygen());
    n.publicKey = keys.back().publicKey();
    cfg.parties.push_back(n);
  }
  Mesh a(cfg, 0, keys[0]), b(cfg, 1, keys[1]);
  a.waitReady();
  b.waitReady();
  auto ca = a.channel(kOnlineChannel), cb = b.channel(kOnlineChannel);

  // One-way throughput: party 0 streams messages of one size, party 1 reads.
  for (size_t size : {size_t(1) << 10, size_t(64) << 10, size_t(1) << 20, size_t(16) << 20}) {
    uint64_t count = std::max<uint64_t>(1, total / size);
    if (size == 1024) count = std::min<uint64_t>(count, 100000);
    std::vector<uint8_t> msg(size, 0x5a);
    auto t = Clock::now();
    std::thread reader([&] {
      for (uint64_t i = 0; i < count; ++i)
        (void)cb->recv(0);
    });
    for (uint64_t i = 0; i < count; ++i)
      ca->send(1, msg);
    reader.join();
    double s = seconds(t);
    std::printf("net.curve.throughput.%zuKiB %.1f MB/s\n", size >> 10, count * size / s / 1e6);
  }

  // Round trip: an 8-byte ping and pong, like one round of a small protocol.
  std::vector<uint8_t> ping(8, 1);
  const int rounds = 2000;
  auto t = Clock::now();
  std::thread echo([&] {
    for (int i = 0; i < rounds; ++i)
      cb->send(0, cb->recv(0));
  });
  for (int i = 0; i < rounds; ++i) {
    ca->send(1, ping);
    (void)ca->recv(1);
  }
  echo.join();
  std::printf("net.curve.roundtrip %.1f us\n", seconds(t) / rounds * 1e6);
  ca.reset();
  cb.reset();
  a.close();
  b.close();

  // The same round trip with the transport's simulated one-way latency.
  cfg.latencyMs = 10;
  for (auto &p : cfg.parties)
    p.endpoint = p.bind = "tcp://127.0.0.1:" + std::to_string(freePort());
  Mesh la(cfg, 0, keys[0]), lb(cfg, 1, keys[1]);
  la.waitReady();
  lb.waitReady();
  auto cla = la.channel(kOnlineChannel), clb = lb.channel(kOnlineChannel);
  const int lrounds = 50;
  t = Clock::now();
  std::thread lecho([&] {
    for (int i = 0; i < lrounds; ++i)
      clb->send(0, clb->recv(0));
  });
  for (int i = 0; i < lrounds; ++i) {
    cla->send(1, ping);
    (void)cla->recv(1);
  }
  lecho.join();
  std::printf("net.curve.roundtrip.latency10ms %.2f ms\n", seconds(t) / lrounds * 1e3);
  return 0;
}
