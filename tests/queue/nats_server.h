//===- nats_server.h - a real nats-server for a test ----------------------===//
#pragma once

#include <string>
#include <sys/types.h>

namespace smpc::testing {

/// Starts `nats-server` on a free loopback port (with JetStream and a
/// private store directory unless jetstream is false) and stops it, and
/// removes the directory, on destruction.
class NatsServer {
public:
  explicit NatsServer(bool jetstream = true);
  ~NatsServer();
  NatsServer(const NatsServer &) = delete;
  NatsServer &operator=(const NatsServer &) = delete;

  const std::string &url() const { return url_; }

private:
  pid_t pid_ = -1;
  std::string dir_, url_;
};

} // namespace smpc::testing
