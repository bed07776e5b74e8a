//===- stop_signal.h - SIGINT and SIGTERM stop a long-running command -----===//
#pragma once

#include <atomic>

namespace smpc::cli {

/// Installs handlers for SIGINT and SIGTERM that set the returned flag, which
/// a daemon's loop (`smpc node`, `smpc worker`) polls to shut down cleanly.
const std::atomic<bool> &stopOnSignals();

} // namespace smpc::cli
