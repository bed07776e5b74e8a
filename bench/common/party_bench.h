//===- party_bench.h - what the protocol benchmarks share -----------------===//
//
// bench_semi2k and bench_hm time the same scenarios the same way: every
// party's thread draws its operand shares (untimed), all start together,
// and the wall clock stops when the last one is done; beside it, the CPU
// time of the party's own thread (the transport's I/O threads and the other
// parties excluded), which a loaded machine inflates less, and the CPU time
// of the whole process (all parties, their transports and background
// threads), which bounds the wall clock from below on a machine of few cores.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/core/protocol.h"
#include "vm/crypto/prg.h"

#include <barrier>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <span>
#include <string>
#include <vector>

namespace smpc::bench {

/// One figure: `name value unit` (docs/benchmarks.md).
inline void line(const std::string &name, double value, const char *unit) {
  std::printf("%s %.6g %s\n", name.c_str(), value, unit);
  std::fflush(stdout);
}

/// CPU seconds of the calling thread.
inline double threadCpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

/// n operand words from a libsodium-seeded PRG, like every share.
inline std::vector<uint64_t> rnd(size_t n, crypto::Prg &g) {
  std::vector<uint64_t> v(n);
  g.fill(std::span<uint64_t>(v));
  return v;
}

inline vm::InteractiveOp op(bc::Op k, std::span<const uint64_t> x, std::span<const uint64_t> y,
                            std::span<uint64_t> out) {
  vm::InteractiveOp o;
  o.op = k;
  o.x = x;
  o.y = y;
  o.out = out;
  return o;
}

/// CPU seconds of the whole process: every party's threads, the transport's
/// I/O threads and any background thread.
inline double processCpu() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct Timing {
  double wall = 0;    // from the common start until every party is done
  double cpu = 0;     // this party's thread
  double process = 0; // the process between the two barriers (all parties' threads)
};

/// Runs `body` on this party between two barriers all parties pass.
template <class Body> Timing timeParties(std::barrier<> &sync, Body &&body) {
  sync.arrive_and_wait();
  const auto t0 = std::chrono::steady_clock::now();
  const double p0 = processCpu(), c0 = threadCpu();
  body();
  const double c1 = threadCpu();
  sync.arrive_and_wait();
  const double p1 = processCpu();
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), c1 - c0,
          p1 - p0};
}

} // namespace smpc::bench
