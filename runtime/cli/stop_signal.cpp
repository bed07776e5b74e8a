//===- stop_signal.cpp - SIGINT and SIGTERM stop a long-running command ---===//
#include "runtime/cli/stop_signal.h"

#include <csignal>

namespace smpc::cli {

namespace {
std::atomic<bool> gStop{false};
void onSignal(int) {
  gStop = true;
}
} // namespace

const std::atomic<bool> &stopOnSignals() {
  struct sigaction sa {};
  sa.sa_handler = onSignal;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  return gStop;
}

} // namespace smpc::cli
