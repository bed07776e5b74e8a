//===- mesh.h - full CurveZMQ mesh between the nodes of one job -----------===//
//
// Every node binds one ROUTER (CURVE server; a ZAP handler admits only the
// public keys pinned in the cluster configuration and tags each connection
// with the sender's node id) and connects one DEALER (CURVE client, pinned
// server key) to every other node. One I/O thread owns all sockets; logical
// channels (online, preprocessing, ...) hand frames to it and wait on
// per-link queues, so several threads can share the links. Heartbeats and
// socket monitors detect a dead peer within the configured timeout.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/net/config.h"
#include "runtime/net/keys.h"
#include "vm/core/channel.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace smpc::net {

/// Logical channel ids; each is used by one thread.
inline constexpr uint16_t kOnlineChannel = 0;
inline constexpr uint16_t kPreprocChannel = 1;

struct MeshOptions {
  /// Receives diagnostic lines (connections, refused keys, failures); never
  /// payload bytes. Called from the I/O thread.
  std::function<void(const std::string &)> log;
};

class Mesh {
public:
  /// Binds this node's endpoint and starts connecting to every other node.
  /// `self` is a party id, or cfg.dealerId() for the dealer. `key` must be
  /// the secret key whose public key the configuration pins for `self`.
  Mesh(const ClusterConfig &cfg, uint32_t self, const SecretKey &key, MeshOptions opts = {});
  /// Calls close() and releases the sockets. Channels must be gone by then.
  ~Mesh();
  Mesh(const Mesh &) = delete;
  Mesh &operator=(const Mesh &) = delete;

  uint32_t self() const;
  const ClusterConfig &config() const;

  /// Logical channel `id` (< kMaxChannels); each id can be taken once. Its
  /// peers are node ids: parties 0..N-1 and, if configured, the dealer N.
  std::unique_ptr<vm::Channel> channel(uint16_t id);

  /// Blocks until every other node has been heard from. Throws NetError
  /// naming the nodes that did not connect within timeouts.connect_ms.
  void waitReady();

  /// Tells the peers this node is done (after all queued frames) and flushes
  /// them; later receives by the peers from this node fail cleanly.
  void close();

  /// Number of connection attempts the ZAP handler refused (unknown key).
  uint64_t refusedConnections() const;

  /// Test hook: queues `frame` unchanged (no header added) to node `to`, to
  /// exercise the receiver's framing checks over a real authenticated link.
  void sendRawForTest(uint32_t to, std::vector<uint8_t> frame);

  struct Impl;

private:
  std::unique_ptr<Impl> impl_;
};

} // namespace smpc::net
