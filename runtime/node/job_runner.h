//===- job_runner.h - runs one job's program on this node's shares --------===//
//
// The interface between scheduling and execution: the node's scheduler
// calls it on a job thread, and a worker process that takes jobs from a
// queue can call the same. Inputs are this node's stored additive shares,
// fed to the program's `input` instructions under the job's protocol
// (protocols.h: as they are under semi2k, else by one input round); every
// output comes back as this node's additive share (secret outputs are never
// opened: only a recipient client adds the shares up; a public output is
// shared as value/0/0...), plus a fresh sharing of zero the parties agree
// on at the end (one more message to each peer), so output shares are
// uniformly random in every job.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/program.h"
#include "vm/core/channel.h"
#include "vm/core/preprocessing.h"
#include "vm/core/protocol.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace smpc::node {

struct JobRun {
  const bc::Program *program = nullptr;
  std::string protocol = "semi2k";
  /// This node's additive shares of each input (by input name); wiped by run().
  std::map<std::string, std::vector<uint64_t>> *inputs = nullptr;
  vm::Channel *online = nullptr;
  /// The job's preprocessing channel (shamir makes its material there).
  vm::Channel *background = nullptr;
  /// The job's material, for a protocol that consumes it (semi2k).
  vm::Preprocessing *pre = nullptr;
  uint64_t maxSteps = 0;
};

struct JobResult {
  /// This node's share of every output, in output-table order.
  std::vector<std::pair<bc::IoEntry, std::vector<uint64_t>>> outputs;
  vm::ProtocolStats stats;
  double onlineSeconds = 0;
};

/// Runs the job to the end. Throws (vm::RuntimeError, vm::ProtocolError,
/// vm::NetError, std::runtime_error) with a message that names no secret.
JobResult runJob(const JobRun &run);

} // namespace smpc::node
