//===- worker.h - `smpc worker`: runs a party's jobs taken from NATS ------===//
//
// A worker takes jobs from its party's JetStream work queue (each job goes
// to exactly one worker of the party and is never delivered again), claims
// the job on the job's board, posts the endpoint its job mesh listens on,
// waits for the workers of every other party, and runs the job on a
// CurveZMQ mesh of its own between them with the party's key (peers pin
// the same keys as for the nodes). Preprocessing is made by OT on the job's
// mesh. Program and input shares come from, and outputs go back to, the
// party's node through a JobSource: NATS never carries shares.
//
// A worker that dies mid-job makes its peers' meshes fail (the party is
// named), so every party's worker reports the failure to its node; the
// job is not run again on the same material because it is never
// redelivered.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/net/config.h"
#include "runtime/net/keys.h"
#include "runtime/node/job_runner.h"
#include "runtime/queue/nats_queue.h"
#include "vm/bytecode/program.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace smpc::worker {

/// One job as this party's node hands it to a worker.
struct JobInput {
  bc::Program program;
  std::string protocol = "semi2k";
  /// This party's shares of each input, by input name; wiped after the run.
  std::map<std::string, std::vector<uint64_t>> inputs;
  uint64_t maxSteps = 0;
};

/// The worker's side of its node: where a taken job's program and input
/// shares come from, and where its outcome goes. Methods may throw; a
/// throwing fetch fails the job.
class JobSource {
public:
  virtual ~JobSource() = default;
  virtual JobInput fetch(const std::string &jobId) = 0;
  /// The job ran to the end; `result` holds this party's output shares.
  virtual void finish(const std::string &jobId, node::JobResult &result) = 0;
  /// The job failed here (with a reason that names no secret).
  virtual void fail(const std::string &jobId, const std::string &reason) = 0;
};

struct WorkerConfig {
  uint32_t party = 0;
  /// The cluster: its job_id names the queue and boards, its keys are
  /// pinned on the workers' meshes, its timeouts and latency apply to them.
  net::ClusterConfig peers;
  net::SecretKey key{};
  /// Where this worker's job meshes listen (tcp://*:7000) and the endpoint
  /// the other parties' workers connect to (tcp://POD_IP:7000).
  std::string listen, advertise;
  /// How long the workers of a job wait for each other on its board.
  std::chrono::milliseconds meetTimeout{30000};
  /// Names this worker on the board (`p<party>.worker`).
  std::string name = "worker";
  /// Diagnostic lines (job ids, states, reasons; never values).
  std::function<void(const std::string &)> log;
};

class Worker {
public:
  /// Opens the party's work queue (creating it if needed).
  Worker(queue::Connection &conn, WorkerConfig cfg, JobSource &source);
  ~Worker();
  Worker(const Worker &) = delete;
  Worker &operator=(const Worker &) = delete;

  /// Takes one job, waiting up to `wait`, and runs it to its end (done or
  /// failed). Returns false when no job came.
  bool runOne(std::chrono::milliseconds wait);
  /// Runs jobs until `stop` becomes true.
  void run(const std::atomic<bool> &stop);

  uint64_t jobsDone() const { return done_; }
  uint64_t jobsFailed() const { return failed_; }

private:
  void runJob(const std::string &jobId);
  void say(const std::string &line) const;

  queue::Connection &conn_;
  WorkerConfig cfg_;
  JobSource &source_;
  queue::JobQueue queue_;
  std::atomic<uint64_t> done_{0}, failed_{0};
};

/// The queue and board name of a cluster: its configuration's job_id.
std::string clusterName(const net::ClusterConfig &peers);

} // namespace smpc::worker
