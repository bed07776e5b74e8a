//===- free_port.h - a loopback TCP port that was free a moment ago -------===//
#pragma once

namespace smpc::net {

/// A TCP port on 127.0.0.1 that was free a moment ago (the caller binds it
/// soon after). Throws std::runtime_error when none can be found.
int freePort();

} // namespace smpc::net
