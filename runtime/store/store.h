//===- store.h - a node's durable state in one SQLite file ----------------===//
//
// Datasets (this node's shares of them), approvals, jobs, programs and the
// outputs kept for their recipients. WAL journal, synchronous=FULL commits,
// secure_delete (dropped shares are overwritten on disk), the schema version
// in PRAGMA user_version. Opening checks the file: not SQLite, corrupt, or a
// newer schema is a StoreError that says what to do, and the node does not
// start. Work a crash interrupted is undone on open: half uploads vanish and
// jobs that were not finished are marked failed. Thread-safe (one lock).
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/program.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

struct sqlite3;

namespace smpc::store {

/// The store cannot be opened or a request cannot be carried out; the
/// message says which store and what to do, never share values.
class StoreError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

inline constexpr int kSchemaVersion = 1;

/// Type and shape of a dataset or output, as in a program's input table.
struct Shape {
  bc::ElemType elem = bc::ElemType::Int;
  uint8_t ndims = 1; // 0 scalar, 1 vector, 2 matrix
  uint32_t rows = 1, cols = 1;
  uint8_t fracBits = 0; // fix: the fixed-point scale of the encoding
  uint64_t size() const { return uint64_t(rows) * cols; }
  bool operator==(const Shape &) const = default;
};
/// e.g. "sfix[8]", "sint[3,4]", "sbool".
std::string shapeText(const Shape &s);

enum class DatasetState { Uploading, Staged, Ready };
const char *datasetStateName(DatasetState s);

struct Dataset {
  std::string id;    // upload id (hex), the same on every node
  std::string name;  // unique per node
  std::string owner; // Z85 public key of the client that uploaded it (or a job's submitter)
  std::string ownerName;
  Shape shape;
  DatasetState state = DatasetState::Uploading;
  int64_t createdAt = 0; // unix seconds
  std::string sourceJob; // set when a job stored it (--store)
};

struct Approval {
  std::string programHash; // hex BLAKE2b-256 of the bytecode
  std::string programName; // for people; not checked
  std::string rules;       // JSON: inputs and outputs (runtime/node/policy.h)
  std::string approvedBy;  // Z85 key of the admin
  int64_t createdAt = 0;
};

enum class JobState { Proposed, Queued, Running, Done, Failed, Cancelled, Refused };
inline constexpr int kJobStates = 7;
const char *jobStateName(JobState s);
bool isTerminal(JobState s);

struct Job {
  std::string id;
  std::string programHash;
  std::string submitter; // Z85 key
  std::string spec;      // JSON: bindings, outputs, protocol (runtime/node/job_spec.h)
  JobState state = JobState::Proposed;
  int64_t createdAt = 0, startedAt = 0, finishedAt = 0; // unix ms, 0 = not yet
  std::string error;
  std::string stats; // JSON
};

/// This node's shares of one output, kept for one recipient until it acks.
struct Output {
  std::string jobId, name, recipient; // recipient: Z85 key
  Shape shape;
  std::vector<uint64_t> shares; // wiped by the owner of the struct
};

class Store {
public:
  /// Opens or creates the store at `path` (see the file comment).
  explicit Store(const std::string &path);
  ~Store();
  Store(const Store &) = delete;
  Store &operator=(const Store &) = delete;

  const std::string &path() const { return path_; }
  /// What recovery did on open, e.g. "2 unfinished jobs marked failed".
  const std::vector<std::string> &recovered() const { return recovered_; }

  // ---- datasets
  /// Starts an upload (state Uploading). Refuses a name that is taken by a
  /// dataset that is not an abandoned upload.
  void beginUpload(const Dataset &d);
  /// Appends chunk `index` (0, 1, ...) of an upload's shares.
  void appendChunk(const std::string &id, uint64_t index, std::span<const uint64_t> shares);
  /// All chunks are in: checks the count, state Staged (complete, not usable).
  void finishUpload(const std::string &id);
  /// Staged -> Ready: the dataset can be bound to jobs.
  void commitUpload(const std::string &id);
  /// Removes an upload that did not finish (no-op if unknown).
  void abortUpload(const std::string &id);
  /// Stores a complete dataset in one transaction (a job's --store output).
  void putDataset(const Dataset &d, std::span<const uint64_t> shares);
  std::vector<Dataset> datasets(bool readyOnly = false);
  std::optional<Dataset> dataset(const std::string &name);
  /// Calls `chunk` for each stored chunk of dataset `id`, in order; the span
  /// is wiped after each call.
  void readShares(const std::string &id,
                  const std::function<void(std::span<const uint64_t>)> &chunk);
  /// Removes a dataset and its shares; false if there is none of that name.
  bool dropDataset(const std::string &name);

  // ---- approvals and programs
  void putApproval(const Approval &a);
  std::optional<Approval> approval(const std::string &programHash);
  std::vector<Approval> approvals();
  bool revokeApproval(const std::string &programHash);
  void putProgram(const std::string &hash, std::span<const uint8_t> bytecode);
  std::optional<std::vector<uint8_t>> program(const std::string &hash);

  // ---- jobs and outputs
  void putJob(const Job &j);
  /// Sets the state (and error, stats, timestamps as given: empty/0 keeps).
  void setJobState(const std::string &id, JobState s, const std::string &error = "",
                   const std::string &stats = "");
  /// Finishes a job: its outputs and stored datasets and state Done, in one
  /// transaction (all or nothing).
  void finishJob(const std::string &id, const std::vector<Output> &outputs,
                 const std::vector<std::pair<Dataset, std::vector<uint64_t>>> &stored,
                 const std::string &stats);
  std::optional<Job> job(const std::string &id);
  /// Most recent first.
  std::vector<Job> jobs(std::size_t limit = 100);
  /// Jobs per state (for /metrics).
  std::vector<uint64_t> jobCounts();
  std::vector<Output> outputs(const std::string &jobId, const std::string &recipient);
  /// Deletes (and overwrites on disk) what a recipient has fetched.
  void deleteOutputs(const std::string &jobId, const std::string &recipient);

  // ---- preprocessing material a program used (pool reservations)
  void putMaterialUse(const std::string &programHash, const std::vector<uint64_t> &perKind);
  std::optional<std::vector<uint64_t>> materialUse(const std::string &programHash);

private:
  void open();
  void createSchema();
  void recover();

  std::string path_;
  sqlite3 *db_ = nullptr;
  std::mutex mu_;
  std::vector<std::string> recovered_;
};

} // namespace smpc::store
