//===- cluster_file.h - what a client knows about a cluster ---------------===//
//
// {"nodes": [{"party": 0, "endpoint": "tcp://host:7100", "public_key": "..."}, ...],
//  "key": "client.key"}
// Each node's client endpoint and its public key (pinned: the client refuses
// an impostor), and the client's own secret key file (relative paths are
// relative to this file). `smpc cluster init` writes one.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/net/keys.h"

#include <string>
#include <vector>

namespace smpc::client {

struct NodeEndpoint {
  uint32_t party = 0;
  std::string endpoint;
  net::PublicKey publicKey{};
};

struct ClusterFile {
  std::string source;
  std::vector<NodeEndpoint> nodes; // index == party
  std::string keyPath;
};

/// Throws net::ConfigError naming the file and field.
ClusterFile loadClusterFile(const std::string &path);

} // namespace smpc::client
