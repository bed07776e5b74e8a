//===- local_channel.h - in-process vm::Channel for protocol unit tests ---===//
//
// TEST DOUBLE: stands in for runtime/net (ZeroMQ + CurveZMQ, tested on real
// sockets by its own suite) so protocol tests can run N parties as threads
// of one process. Messages are moved through mutex-protected queues, one per
// ordered pair of parties; recv times out instead of hanging forever.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/core/channel.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace smpc::testing {

/// A fully connected group of `parties` in-process channels.
class LocalNetwork {
public:
  explicit LocalNetwork(uint32_t parties,
                        std::chrono::milliseconds timeout = std::chrono::seconds(60));
  ~LocalNetwork();
  LocalNetwork(const LocalNetwork &) = delete;
  LocalNetwork &operator=(const LocalNetwork &) = delete;

  uint32_t parties() const;
  /// The endpoint of party `id`; each is used by one thread.
  vm::Channel &channel(uint32_t id);

  struct State;

private:
  std::shared_ptr<State> state_;
  std::vector<std::unique_ptr<vm::Channel>> channels_;
};

/// Runs fn(0) .. fn(n-1) on n threads and rethrows the first exception
/// (after joining all of them).
void runParallel(uint32_t n, const std::function<void(uint32_t)> &fn);

} // namespace smpc::testing
