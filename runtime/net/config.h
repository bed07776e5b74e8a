//===- config.h - cluster configuration: who the parties are, pinned keys --===//
//
// One JSON document shared by every node of a job (see docs/network.md):
// the job id, each party's endpoint and pinned CurveZMQ public key, the
// optional dealer, timeouts, buffer limits and an optional added per-link latency.
// Node ids: parties are 0..N-1, the dealer (when configured) is N.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/net/keys.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace smpc::net {

inline constexpr uint32_t kMaxParties = 64;

/// The configuration is malformed; the message names the file and field.
class ConfigError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct NodeConfig {
  uint32_t id = 0;
  std::string endpoint; // where others connect, e.g. tcp://10.0.0.5:7000
  std::string bind;     // where this node listens; defaults to `endpoint`
  PublicKey publicKey{};
};

struct Timeouts {
  uint32_t connectMs = 15000; // all peers must be heard from within this
  uint32_t peerMs = 5000;     // a peer silent this long (no data, no heartbeat) is dead
  uint32_t recvMs = 600000;   // longest wait for one message from a live peer
  uint32_t heartbeatMs = 0;   // 0 = peerMs / 5
};

/// What a node buffers of its peers' messages that it has not read yet. A
/// peer that goes past either cap is cut off, so an authenticated but hostile
/// (or runaway) peer cannot grow a node without bound.
struct Limits {
  uint32_t peerBufferMib = 1024;   // from one peer, all channels together
  uint32_t channelBufferMib = 512; // from one peer on one channel; also the largest message
};

struct ClusterConfig {
  std::string jobId;
  std::vector<NodeConfig> parties;  // index == id
  std::optional<NodeConfig> dealer; // id == parties.size()
  Timeouts timeouts;
  Limits limits;
  uint32_t latencyMs = 0; // added one-way delay per data frame (benchmarks)

  uint32_t numParties() const { return uint32_t(parties.size()); }
  uint32_t dealerId() const { return numParties(); }
  uint32_t numNodes() const { return numParties() + (dealer ? 1 : 0); }
  const NodeConfig &node(uint32_t id) const { return id < numParties() ? parties[id] : *dealer; }
  /// "party 2" or "the dealer".
  std::string nodeName(uint32_t id) const;
};

/// Parses and validates configuration text; `source` names it in errors.
ClusterConfig parseClusterConfig(const std::string &text, const std::string &source);
ClusterConfig loadClusterConfig(const std::string &path);
/// Serialises a configuration (keys as Z85) in the format parse accepts.
std::string clusterConfigToJson(const ClusterConfig &cfg);

} // namespace smpc::net
