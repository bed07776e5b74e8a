//===- node_pool.h - preprocessing material for the node's jobs -----------===//
//
// Each job gets a vm::Preprocessing. It is served from the node's shared
// triple pool, which OT-generates in the background while the node idles
// (bounded by pool.memory_mb), and the rest is made on demand by OT on the
// job's own preprocessing channel. Material is never handed out twice, also
// across jobs: a job's share of the pool is carved out in one order that the
// leader (party 0) dictates to every node, and the pool lives only in memory
// (a restart starts an empty one, with fresh OT setups).
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/net/mesh.h"
#include "runtime/node/config.h"
#include "runtime/node/job_material.h"
#include "runtime/node/log.h"
#include "runtime/preproc/pool/triple_pool.h"
#include "runtime/store/store.h"
#include "vm/bytecode/program.h"
#include "vm/core/preprocessing.h"

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace smpc::node {

class NodePool {
public:
  NodePool(net::Mesh &mesh, const NodeConfig &cfg, store::Store &st, Logger &log);
  ~NodePool();
  NodePool(const NodePool &) = delete;
  NodePool &operator=(const NodePool &) = delete;

  /// How the pool sends control messages to a peer (the node's control channel).
  void setSender(std::function<void(uint32_t, const nlohmann::json &)> send);
  /// Control messages of the pool (from the node's control channel).
  void onControl(uint32_t from, const nlohmann::json &m);
  /// A peer came up or went down: the shared pool restarts.
  void onPeer(uint32_t peer, bool up);
  /// Called now and then (the node's housekeeping): the leader replaces a
  /// session whose generation failed (a peer out of step, a timeout).
  void tick();
  /// The pool session running now ("" when none). The leader puts it in a
  /// job's start message: every node then takes that job's material from
  /// that session's pool, or (if "") all of it on demand.
  std::string session() const;
  /// Material for a job that is starting now on every node. `preproc` is the
  /// job's own preprocessing channel (on-demand OT). Blocks until this
  /// node's part of the pool is carved out; throws vm::NetError if the job's
  /// channel is aborted meanwhile or the pool session is not `session`.
  std::unique_ptr<JobMaterial> forJob(const std::string &jobId, const std::string &session,
                                      const std::string &programHash, const bc::Program &prog,
                                      net::JobChannel &preproc);
  /// The job ended; learned material use (leader only) is stored.
  void jobDone(const std::string &jobId, const std::string &programHash, const MaterialStats &s,
               bool ok);
  /// Pool levels for /metrics and the status page; empty when disabled.
  std::optional<preproc::PoolStatus> status() const;
  /// "running", "disabled", "waiting for peers".
  std::string state() const;

  struct Impl;

private:
  std::unique_ptr<Impl> impl_;
};

} // namespace smpc::node
