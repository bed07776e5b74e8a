//===- node.h - `smpc node`: one party's long-lived daemon ----------------===//
//
// Ties the parts together: the store, the multiplexed peer mesh, the client
// endpoint, the job coordinator, the triple pool and the status server.
//
// A job's life: the submitter sends the same job (id, program, bindings,
// output routes) to every node. Each node checks it against its own policy
// and tells the leader (party 0) its verdict over the mesh's control
// channel. When every node has accepted, the leader starts the job (or
// queues it while max_concurrent jobs run) and every node runs it in
// lockstep on the job's own mesh channels; any refusal, failure or cancel
// is broadcast and ends the job everywhere, with the reason. See
// docs/node.md for the states and messages.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/node/config.h"

#include <atomic>
#include <memory>

namespace smpc::node {

class Node {
public:
  /// Opens the store (recovering from a crash), loads the key, binds the
  /// peer and client endpoints and the status server. Throws with a clear
  /// message (store, key, configuration, ports) when it cannot.
  explicit Node(NodeConfig cfg);
  ~Node();
  Node(const Node &) = delete;
  Node &operator=(const Node &) = delete;

  /// Serves until `stop` becomes true (SIGTERM/SIGINT), then fails running
  /// jobs cleanly ("the node shut down") and says goodbye to its peers.
  void run(const std::atomic<bool> &stop);

  struct Impl;

private:
  std::unique_ptr<Impl> impl_;
};

} // namespace smpc::node
