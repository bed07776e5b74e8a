//===- client.h - the client side of a node cluster -----------------------===//
//
// What `smpc share/submit/approve/jobs/result/datasets/drop/cancel` do, as a
// library. The client holds its own CurveZMQ key and talks to every node.
// Sharing happens here: each value is split into additive shares over
// Z_2^64 with a PRG seeded from libsodium, one share stream per node, so
// the plaintext never leaves this process; buffers are wiped after use.
// Outputs are reconstructed here from every node's share.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/client/cluster_file.h"
#include "runtime/client/connection.h"
#include "vm/bytecode/program.h"
#include "vm/core/machine.h"

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace smpc::client {

struct UploadOptions {
  bc::ElemType elem = bc::ElemType::Fix;
  uint8_t fracBits = 16;
  std::string layout = "auto"; // scalar, vector, matrix
  /// Called after each chunk with the values sent so far.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct UploadResult {
  std::string name, id, shape;
  uint64_t values = 0;
  double seconds = 0;
};

struct JobRequest {
  std::vector<uint8_t> bytecode;
  std::string protocol = "semi2k";
  std::map<std::string, std::string> bindings;        // input -> dataset
  std::map<std::string, std::string> store;           // output -> new dataset name
  std::map<std::string, std::vector<std::string>> to; // output -> client keys (default: me)
  bool stats = false;
};

/// One node's view of a job.
using JobView = nlohmann::json;

struct Outputs {
  std::vector<vm::OutputValue> values; // reconstructed, ring encoding
  uint8_t fracBits = 16;
};

class Client {
public:
  /// Loads the client's secret key (cluster file "key", or `keyPath` if
  /// given) and connects to every node.
  explicit Client(const ClusterFile &cluster, const std::string &keyPath = "",
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~Client();

  uint32_t parties() const { return uint32_t(conns_.size()); }
  Connection &node(uint32_t party) { return *conns_.at(party); }
  std::string publicKey() const;

  /// Reads and checks `file` (nothing is sent if it is malformed), then
  /// uploads it as dataset `name`: shares to every node, committed only
  /// when every node has all of its shares.
  UploadResult share(const std::string &file, const std::string &name, const UploadOptions &o);

  /// Datasets as one node lists them.
  nlohmann::json datasets(uint32_t party = 0);
  /// Approves `bytecode` on the given nodes (each answers for itself).
  std::vector<nlohmann::json> approve(const std::vector<uint8_t> &bytecode, const std::string &name,
                                      const nlohmann::json &rules,
                                      const std::vector<uint32_t> &parties);
  /// Sends the job to every node; returns its id. Throws ClientError with
  /// the first refusal ("party 2 refused the job: ...").
  std::string submit(const bc::Program &prog, const JobRequest &req);
  /// One node's view; with `since` it waits (up to waitMs) for a change.
  JobView job(const std::string &id, uint32_t party = 0, const std::string &since = "",
              int waitMs = 0);
  /// Waits until every node has finished the job; calls `progress` with
  /// each change. Returns the final views (one per node).
  std::vector<JobView> wait(const std::string &id,
                            const std::function<void(const JobView &)> &progress = {});
  /// Fetches this client's output shares from every node and adds them up;
  /// then tells the nodes to delete them (unless `keep`).
  Outputs result(const std::string &id, bool keep = false);
  void cancel(const std::string &id);
  void drop(const std::string &dataset);
  nlohmann::json jobs(uint32_t party = 0, int limit = 50);

private:
  ClusterFile cluster_;
  net::SecretKey key_;
  std::vector<std::unique_ptr<Connection>> conns_;
};

/// A fresh random id for a job or an upload (hex, from libsodium).
std::string randomId(std::size_t bytes);

} // namespace smpc::client
