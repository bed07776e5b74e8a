//===- config.h - the node's one JSON configuration file ------------------===//
//
// Everything `smpc node` needs: its party id, the peers (a cluster file or
// inline), its key, its store, where clients and the status page connect,
// the pinned client keys with their roles, job and pool limits. Paths are
// relative to the configuration file, so the whole set can live in one
// mounted directory next to a read-only root file system. Every field is
// documented in docs/node.md; unknown fields are errors.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/net/config.h"
#include "runtime/net/keys.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace smpc::node {

struct ClientKey {
  std::string name;
  net::PublicKey publicKey{};
  uint32_t roles = 0; // api::kOwner | kAnalyst | kAdmin
};

struct NodeConfig {
  std::string source; // the file it came from
  uint32_t party = 0;
  net::ClusterConfig peers; // the mesh between the nodes
  std::string keyPath;      // this node's CurveZMQ secret key
  std::string storePath;    // SQLite file
  std::string clientBind;   // ZeroMQ endpoint clients connect to
  std::string httpHost = "127.0.0.1";
  int httpPort = -1; // -1: no HTTP; 0: any free port
  std::vector<ClientKey> clients;
  uint32_t maxConcurrent = 4;       // jobs running at once (the cluster uses the smallest)
  uint32_t queueSize = 16;          // jobs waiting beyond those
  uint32_t acceptTimeoutMs = 20000; // all nodes must accept a job within this
  uint64_t maxSteps = 0;            // per job, 0 = unlimited
  bool poolEnabled = true;
  uint64_t poolMemoryBytes = uint64_t(32) << 20; // cap on the pool: records + OT working memory
  /// The cap's share for the OT batches' working memory (a quarter); the
  /// rest holds records (docs/node.md, "Memory").
  uint64_t poolWorkBytes() const { return poolMemoryBytes / 4; }
  uint64_t poolRecordBytes() const { return poolMemoryBytes - poolWorkBytes(); }
  /// Records per pool kind (PoolKind order); 0 = a share of the memory cap
  /// in the default proportions.
  std::array<uint64_t, 5> poolRecords{};
  uint32_t uploadIdleMs = 30000; // an upload silent this long is aborted
  std::string logLevel = "info"; // debug, info, warn, error
  std::string portFile;          // if set: write the bound ports here (tests)
  /// NATS JetStream server (`smpc node --nats URL`, not a file field): when
  /// set, accepted jobs go to this party's work queue and `smpc worker`
  /// processes run them; the node keeps no triple pool.
  std::string natsUrl;
};

/// Reads and validates a node configuration; throws net::ConfigError naming
/// the file and the field.
NodeConfig loadNodeConfig(const std::string &path);
NodeConfig parseNodeConfig(const std::string &text, const std::string &source,
                           const std::string &baseDir);

/// The client key with this public key, or nullptr.
const ClientKey *findClient(const NodeConfig &cfg, const net::PublicKey &k);

} // namespace smpc::node
