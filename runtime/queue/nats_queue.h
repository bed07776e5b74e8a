//===- nats_queue.h - the job queue and job board on NATS JetStream -------===//
//
// One work-queue stream per party of a cluster: the party's node publishes
// every job it accepted; each job is taken by exactly one of the party's
// workers. A job is acknowledged the moment a worker takes it and is never
// delivered again (MaxDeliver 1), so a worker that dies mid-job does not
// make another worker rerun it on the same preprocessing material: the job
// fails instead. Jobs published while no worker runs wait in the stream.
//
// One key-value bucket per job (the job board): the workers of all parties
// that took the job publish their mesh endpoints and states there and wait
// for each other's.
//
// NATS carries job descriptions, endpoints and states, never shares or keys.
//===----------------------------------------------------------------------===//
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

struct __natsConnection;
struct __jsCtx;
struct __natsSubscription;
struct __kvStore;

namespace smpc::queue {

/// Any failure of NATS or JetStream; the message names the operation and
/// the server's reason, and says what to do where there is something to do.
struct QueueError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A connection to a NATS server with JetStream enabled.
class Connection {
public:
  /// Connects to `url` (nats://host:port); throws QueueError naming the URL
  /// when the server cannot be reached within `timeout` or lacks JetStream.
  Connection(const std::string &url, std::chrono::milliseconds timeout);
  ~Connection();
  Connection(const Connection &) = delete;
  Connection &operator=(const Connection &) = delete;

  __natsConnection *nc() const { return nc_; }
  __jsCtx *js() const { return js_; }
  const std::string &url() const { return url_; }

private:
  std::string url_;
  __natsConnection *nc_ = nullptr;
  __jsCtx *js_ = nullptr;
};

/// Validates a cluster name or job id used in subjects and bucket names:
/// 1-64 characters of [A-Za-z0-9_-]. Throws QueueError naming `what`.
void checkName(const std::string &what, const std::string &name);

/// One job taken from the queue (already acknowledged: it is this worker's).
struct TakenJob {
  std::string jobId;
  std::string payload;
  uint64_t sequence = 0; // the stream's sequence number
};

/// The work-queue stream of one party of one cluster.
class JobQueue {
public:
  /// Creates the stream and its durable consumer if they do not exist
  /// (stream SMPC_<cluster>_P<party>, subject smpc.<cluster>.p<party>.jobs,
  /// consumer "workers"). `maxJobs` bounds the queued jobs (a full queue
  /// refuses new ones).
  JobQueue(Connection &conn, const std::string &cluster, uint32_t party, int64_t maxJobs = 1024);
  ~JobQueue();
  JobQueue(const JobQueue &) = delete;
  JobQueue &operator=(const JobQueue &) = delete;

  /// Queues a job. The job id is the message id, so publishing the same job
  /// twice (a node retrying after a lost acknowledgement) queues it once;
  /// returns false for such a duplicate. Throws QueueError when the queue is
  /// full or the server refuses.
  bool publish(const std::string &jobId, const std::string &payload);

  /// Takes the next job, waiting up to `wait`; nullopt when none came.
  std::optional<TakenJob> take(std::chrono::milliseconds wait);

  /// Jobs waiting in the stream (not yet taken).
  uint64_t waiting();

  const std::string &stream() const { return stream_; }
  const std::string &subject() const { return subject_; }

private:
  Connection &conn_;
  std::string stream_, subject_;
  __natsSubscription *sub_ = nullptr;
};

/// The key-value bucket of one job, shared by the workers of every party.
class JobBoard {
public:
  /// Opens (creating if needed) bucket smpc-job-<cluster>-<jobId>; entries
  /// expire after `ttl` so abandoned boards disappear.
  JobBoard(Connection &conn, const std::string &cluster, const std::string &jobId,
           std::chrono::seconds ttl = std::chrono::hours(24));
  ~JobBoard();
  JobBoard(const JobBoard &) = delete;
  JobBoard &operator=(const JobBoard &) = delete;

  /// Sets `p<party>.<key>` (keys: [a-z_]+).
  void put(uint32_t party, const std::string &key, const std::string &value);
  /// Sets `p<party>.<key>` only if nobody set it before; false if taken (so
  /// two workers of one party cannot both claim the job).
  bool claim(uint32_t party, const std::string &key, const std::string &value);
  /// The value of `p<party>.<key>`, if set.
  std::optional<std::string> get(uint32_t party, const std::string &key);
  /// Waits until `p<i>.<key>` is set for every party i < parties; returns
  /// them by party. Throws QueueError naming the parties still missing when
  /// `timeout` passes.
  std::map<uint32_t, std::string> waitAll(const std::string &key, uint32_t parties,
                                          std::chrono::milliseconds timeout);
  /// Deletes the bucket (after the job).
  void remove();

  const std::string &bucket() const { return bucket_; }

private:
  Connection &conn_;
  std::string bucket_;
  __kvStore *kv_ = nullptr;
};

} // namespace smpc::queue
