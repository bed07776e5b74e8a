//===- cluster_init.h - keys and configuration for a development cluster --===//
//
// `smpc cluster init --parties N --out DIR`: one key pair per node and one
// for a client (with every role), the peers' cluster file, one node
// configuration per node, the client's cluster file and a README saying
// which file goes to which machine. Production keeps `smpc keygen` on each
// machine; this is for development, demos and tests.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace smpc::node {

struct ClusterInitOptions {
  uint32_t parties = 3;
  std::string dir;
  std::string host = "127.0.0.1";
  /// Node i's peer port is basePort + i, its client port basePort + 100 + i,
  /// its status page basePort + 200 + i. 0: free ports picked now (tests).
  uint32_t basePort = 7000;
  std::vector<std::string> extraClients; // more client key pairs (name: every role)
};

/// Writes the files; refuses to overwrite any. Returns the paths written.
/// Throws std::runtime_error saying what went wrong.
std::vector<std::string> initCluster(const ClusterInitOptions &o);

} // namespace smpc::node
