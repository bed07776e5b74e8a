//===- node_impl.h - the node's shared state (private to runtime/node) ----===//
//
// `mu` guards the job tables and counters below it. Long work (store
// writes of shares, running programs) happens outside the lock.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/api/api.h"
#include "runtime/net/mesh.h"
#include "runtime/node/client_server.h"
#include "runtime/node/job_runner.h"
#include "runtime/node/job_spec.h"
#include "runtime/node/log.h"
#include "runtime/node/node.h"
#include "runtime/node/node_pool.h"
#include "runtime/queue/nats_queue.h"
#include "runtime/store/store.h"
#include "vm/bytecode/program.h"

#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace httplib {
class Server;
}

namespace smpc::node {

using Clock = std::chrono::steady_clock;
using store::JobState;

/// A job this node knows about and has not forgotten yet.
struct LiveJob {
  std::string id;
  JobSpec spec;
  std::string programHash;
  bc::Program prog;
  std::string submitter; // Z85
  std::map<std::string, store::Dataset> bound;
  JobState state = JobState::Proposed;
  std::string error;
  std::unique_ptr<net::JobChannel> online, preproc;
  std::thread thread;
  std::atomic<bool> threadDone{false};
  bool finishing = false;          // the job thread is past the program
  std::optional<JobState> endAs;   // a remote abort or cancel: how the thread should end
  std::atomic<uint64_t> rounds{0}; // online messages received from the first peer
  std::string poolSession;         // the leader's pool session at start ("" = none)
  Clock::time_point created = Clock::now();
  // With NATS workers (cfg.natsUrl): the worker that took it fetched it, and
  // what it reported (under mu).
  bool workerFetched = false;
  std::optional<JobResult> workerResult;
  std::string workerError;
};

/// The leader's view of a job being accepted by the nodes.
struct Admission {
  std::vector<int> verdicts;                                // per party: 0 none, 1 ok
  std::vector<std::map<std::string, std::string>> datasets; // per party: input -> upload id
  Clock::time_point deadline;
};

/// Counters for /metrics (monotonic).
struct Counters {
  std::map<std::string, uint64_t>
      refusals; // by reason: handshake, forbidden, refused, busy, bad_request
  uint64_t rounds = 0, bytes = 0;
  uint64_t uploads = 0, uploadBytes = 0;
  uint64_t jobsRun = 0;
};

struct Node::Impl {
  NodeConfig cfg;
  Logger log;
  std::unique_ptr<store::Store> st;
  net::SecretKey key;
  std::unique_ptr<net::Mesh> mesh;
  std::unique_ptr<net::JobChannel> control;
  std::unique_ptr<NodePool> pool;
  std::unique_ptr<ClientServer> clients;
  std::unique_ptr<httplib::Server> http;
  std::thread httpThread;
  int httpPort = -1;
  std::thread controlThread;
  std::atomic<bool> stopping{false};
  std::mutex peerMu;       // serialises peer events (and the replay at start-up)
  bool peersReady = false; // under peerMu: the node is built, peer events count
  Clock::time_point started = Clock::now();

  std::mutex mu;
  std::condition_variable changed; // any job state change (long polls)
  std::map<std::string, std::shared_ptr<LiveJob>> jobs;
  std::map<std::string, std::pair<JobState, std::string>> ended; // recent aborts of unknown jobs
  std::deque<std::string> endedOrder;
  // Leader only (party 0):
  std::map<std::string, Admission> admissions;
  std::deque<std::string> queue;
  std::set<std::string> running;
  // Uploads in progress: id -> (owner key, last activity).
  std::map<std::string, std::pair<std::string, Clock::time_point>> uploads;
  // With --nats: this party's work queue (publishing is serialised by qmu).
  std::unique_ptr<queue::Connection> nats;
  std::unique_ptr<queue::JobQueue> jobQueue;
  std::mutex qmu;
  std::mutex cmu; // guards `counters` only, so refusals can be counted under `mu`
  Counters counters;

  explicit Impl(NodeConfig c);
  uint32_t self() const { return cfg.party; }
  uint32_t parties() const { return cfg.peers.numParties(); }
  bool leader() const { return cfg.party == 0; }
  std::string me() const { return "party " + std::to_string(cfg.party); }

  // ---- control plane (node.cpp)
  void controlLoop();
  void onControl(uint32_t from, const nlohmann::json &m);
  void sendControl(uint32_t to, const nlohmann::json &m);
  void broadcast(const nlohmann::json &m);
  void onPeer(uint32_t peer, bool up, const std::string &why);
  void housekeeping();
  /// Leader: records a verdict; admits, refuses or keeps waiting.
  void onVerdict(uint32_t from, const std::string &job, bool ok, const std::string &reason,
                 const std::map<std::string, std::string> &datasets);
  /// Leader: starts queued jobs while there is room. Needs mu.
  void startNext();
  /// Ends a job everywhere: tells the peers and applies it here.
  void abortEverywhere(const std::string &job, JobState as, const std::string &reason);
  /// Applies an end (refused, failed, cancelled) to a job here.
  void applyAbort(const std::string &job, JobState as, const std::string &reason);
  void applyStart(const std::string &job, const std::string &poolSession);
  void applyQueued(const std::string &job);
  /// Needs mu: sets a job's state in memory and in the store, wakes pollers.
  void setState(LiveJob &j, JobState s, const std::string &error = "");
  void rememberEnded(const std::string &job, JobState s, const std::string &reason);

  // ---- jobs (jobs.cpp)
  void runJobThread(const std::shared_ptr<LiveJob> &j);
  /// This node's shares of the job's inputs, by input name (the caller wipes them).
  std::map<std::string, std::vector<uint64_t>> loadInputs(const LiveJob &j);
  /// With --nats: queues the job for a worker and waits for its outcome;
  /// throws with the reason when it failed or the job ended meanwhile.
  JobResult awaitWorker(LiveJob &j);
  /// Starts the job's thread. Needs mu.
  void launch(const std::shared_ptr<LiveJob> &j);

  // ---- client requests (handlers.cpp)
  api::Message handle(const Caller &c, api::Message &req);
  api::Message onHello(const Caller &c, api::Message &req);
  api::Message onDatasets(const Caller &c, api::Message &req);
  api::Message onUploadBegin(const Caller &c, api::Message &req);
  api::Message onUploadChunk(const Caller &c, api::Message &req);
  api::Message onUploadEnd(const Caller &c, api::Message &req);
  api::Message onUploadCommit(const Caller &c, api::Message &req);
  api::Message onUploadAbort(const Caller &c, api::Message &req);
  api::Message onDrop(const Caller &c, api::Message &req);
  api::Message onApprove(const Caller &c, api::Message &req);
  api::Message onApprovals(const Caller &c, api::Message &req);
  api::Message onRevoke(const Caller &c, api::Message &req);
  api::Message onSubmit(const Caller &c, api::Message &req);
  api::Message onJob(const Caller &c, api::Message &req);
  api::Message onJobs(const Caller &c, api::Message &req);
  api::Message onResult(const Caller &c, api::Message &req);
  api::Message onResultAck(const Caller &c, api::Message &req);
  api::Message onCancel(const Caller &c, api::Message &req);
  // ---- requests of this party's workers (workers.cpp)
  api::Message onWorkerJob(const Caller &c, api::Message &req);
  api::Message onWorkerDone(const Caller &c, api::Message &req);
  api::Message onWorkerFailed(const Caller &c, api::Message &req);
  api::Message refuse(const char *code, const std::string &error);
  nlohmann::json jobJson(const store::Job &j, const LiveJob *live);

  // ---- status server (http.cpp)
  void startHttp();
  void stopHttp();
  std::string metricsText();
  std::string statusHtml();
  nlohmann::json statusJson();
};

} // namespace smpc::node
