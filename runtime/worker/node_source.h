//===- node_source.h - a worker's link to its party's node ----------------===//
//
// The JobSource of `smpc worker`: the node's client endpoint over CurveZMQ,
// authenticated with the node's own key (the node gives that key the
// "worker" role when it runs with --nats). Program and input shares come
// from the node; output shares and failures go back to it.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/client/connection.h"
#include "runtime/worker/worker.h"

#include <chrono>
#include <memory>
#include <mutex>

namespace smpc::worker {

class NodeSource final : public JobSource {
public:
  /// `endpoint`: the node's client endpoint (tcp://host:port); `key`: the
  /// node's key, whose public half the worker pins as the node's.
  NodeSource(uint32_t party, const std::string &endpoint, const net::SecretKey &key,
             std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~NodeSource() override;

  JobInput fetch(const std::string &jobId) override;
  void finish(const std::string &jobId, node::JobResult &result) override;
  void fail(const std::string &jobId, const std::string &reason) override;

private:
  std::mutex mu_; // one request at a time on the connection
  std::unique_ptr<client::Connection> conn_;
};

} // namespace smpc::worker
