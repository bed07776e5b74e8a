//===- store.cpp - schema, open-time checks, recovery and queries ---------===//
#include "runtime/store/store.h"

#include "runtime/store/sql.h"

#include <bit>
#include <chrono>
#include <cstring>
#include <sodium.h>

namespace smpc::store {

static_assert(std::endian::native == std::endian::little, "shares are stored little endian");

namespace {

using sql::Stmt;
using sql::Tx;

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Version 1. Shares are little-endian u64 blobs, one row per chunk.
const char *kSchema = R"(
CREATE TABLE datasets(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, owner TEXT NOT NULL, owner_name TEXT NOT NULL,
  elem INTEGER NOT NULL, ndims INTEGER NOT NULL, nrows INTEGER NOT NULL, ncols INTEGER NOT NULL,
  frac_bits INTEGER NOT NULL, state INTEGER NOT NULL, created_at INTEGER NOT NULL,
  source_job TEXT NOT NULL DEFAULT '');
CREATE UNIQUE INDEX datasets_name ON datasets(name);
CREATE TABLE dataset_chunks(
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(dataset_id, idx));
CREATE TABLE approvals(
  program_hash TEXT PRIMARY KEY, program_name TEXT NOT NULL, rules TEXT NOT NULL,
  approved_by TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE programs(hash TEXT PRIMARY KEY, bytecode BLOB NOT NULL);
CREATE TABLE jobs(
  id TEXT PRIMARY KEY, program_hash TEXT NOT NULL, submitter TEXT NOT NULL, spec TEXT NOT NULL,
  state INTEGER NOT NULL, created_at INTEGER NOT NULL, started_at INTEGER NOT NULL DEFAULT 0,
  finished_at INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '',
  stats TEXT NOT NULL DEFAULT '');
CREATE INDEX jobs_created ON jobs(created_at);
CREATE TABLE outputs(
  job_id TEXT NOT NULL, name TEXT NOT NULL, recipient TEXT NOT NULL,
  elem INTEGER NOT NULL, ndims INTEGER NOT NULL, nrows INTEGER NOT NULL, ncols INTEGER NOT NULL,
  frac_bits INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(job_id, name, recipient));
CREATE TABLE material_use(program_hash TEXT PRIMARY KEY, counts TEXT NOT NULL);
)";

constexpr const char *kDatasetCols =
    "id, name, owner, owner_name, elem, ndims, nrows, ncols, frac_bits, state, created_at, "
    "source_job";

Dataset readDataset(Stmt &s) {
  Dataset d;
  d.id = s.text(0);
  d.name = s.text(1);
  d.owner = s.text(2);
  d.ownerName = s.text(3);
  d.shape.elem = bc::ElemType(s.i64(4));
  d.shape.ndims = uint8_t(s.i64(5));
  d.shape.rows = uint32_t(s.i64(6));
  d.shape.cols = uint32_t(s.i64(7));
  d.shape.fracBits = uint8_t(s.i64(8));
  d.state = DatasetState(s.i64(9));
  d.createdAt = s.i64(10);
  d.sourceJob = s.text(11);
  return d;
}

constexpr const char *kJobCols =
    "id, program_hash, submitter, spec, state, created_at, started_at, finished_at, error, stats";

Job readJob(Stmt &s) {
  Job j;
  j.id = s.text(0);
  j.programHash = s.text(1);
  j.submitter = s.text(2);
  j.spec = s.text(3);
  j.state = JobState(s.i64(4));
  j.createdAt = s.i64(5);
  j.startedAt = s.i64(6);
  j.finishedAt = s.i64(7);
  j.error = s.text(8);
  j.stats = s.text(9);
  return j;
}

void insertDataset(sqlite3 *db, const Dataset &d) {
  Stmt s(db, "INSERT INTO datasets(id, name, owner, owner_name, elem, ndims, nrows, ncols, "
             "frac_bits, state, created_at, source_job) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, d.id).bind(2, d.name).bind(3, d.owner).bind(4, d.ownerName);
  s.bind(5, int64_t(d.shape.elem)).bind(6, int64_t(d.shape.ndims)).bind(7, int64_t(d.shape.rows));
  s.bind(8, int64_t(d.shape.cols)).bind(9, int64_t(d.shape.fracBits));
  s.bind(10, int64_t(d.state)).bind(11, d.createdAt).bind(12, d.sourceJob);
  s.run();
}

// Chunk rows of complete datasets written in one go (putDataset, finishJob).
constexpr std::size_t kChunkValues = 1 << 16;

void insertChunks(sqlite3 *db, const std::string &id, std::span<const uint64_t> shares) {
  Stmt s(db, "INSERT INTO dataset_chunks(dataset_id, idx, data) VALUES(?,?,?)");
  uint64_t idx = 0;
  std::size_t off = 0;
  do { // an empty dataset still gets one (empty) chunk
    const std::size_t n = std::min(kChunkValues, shares.size() - off);
    s.reset();
    s.bind(1, id).bind(2, int64_t(idx++)).bindBlob(3, shares.data() + off, n * 8);
    s.run();
    off += n;
  } while (off < shares.size());
}

} // namespace

std::string shapeText(const Shape &s) {
  std::string t = s.elem == bc::ElemType::Fix    ? "sfix"
                  : s.elem == bc::ElemType::Bool ? "sbool"
                                                 : "sint";
  // Appended piece by piece: GCC 12 warns (-Wrestrict) on "[" + to_string(...).
  if (s.ndims >= 1) t.append(1, '[').append(std::to_string(s.rows));
  if (s.ndims == 2) t.append(1, ',').append(std::to_string(s.cols));
  if (s.ndims >= 1) t.append(1, ']');
  return t;
}

const char *datasetStateName(DatasetState s) {
  switch (s) {
  case DatasetState::Uploading:
    return "uploading";
  case DatasetState::Staged:
    return "staged";
  case DatasetState::Ready:
    return "ready";
  }
  return "?";
}

const char *jobStateName(JobState s) {
  switch (s) {
  case JobState::Proposed:
    return "proposed";
  case JobState::Queued:
    return "queued";
  case JobState::Running:
    return "running";
  case JobState::Done:
    return "done";
  case JobState::Failed:
    return "failed";
  case JobState::Cancelled:
    return "cancelled";
  case JobState::Refused:
    return "refused";
  }
  return "?";
}

bool isTerminal(JobState s) {
  return s == JobState::Done || s == JobState::Failed || s == JobState::Cancelled ||
         s == JobState::Refused;
}

Store::Store(const std::string &path) : path_(path) {
  try {
    open();
  } catch (...) {
    if (db_) sqlite3_close_v2(db_);
    db_ = nullptr;
    throw;
  }
}

Store::~Store() {
  if (db_) sqlite3_close_v2(db_);
}

void Store::open() {
  const std::string where = "store " + path_;
  if (sqlite3_open_v2(path_.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK)
    throw StoreError("cannot open " + where + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory") +
                     "; check the 'store' path in the node configuration and that its "
                     "directory is writable");
  sqlite3_busy_timeout(db_, 5000);
  sqlite3_extended_result_codes(db_, 1);
  // The first read tells a SQLite file from anything else.
  int version = 0;
  {
    sqlite3_stmt *st = nullptr;
    int rc = sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &st, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
      throw StoreError(where + " is not a usable SQLite database (" + sqlite3_errmsg(db_) +
                       "); restore it from a backup or point 'store' at another file");
  }
  if (version > kSchemaVersion)
    throw StoreError(where + " has schema version " + std::to_string(version) +
                     ", newer than this smpc understands (" + std::to_string(kSchemaVersion) +
                     "); run the smpc version that wrote it, or a newer one");
  {
    Stmt s(db_, "PRAGMA quick_check");
    std::string problems;
    while (s.step()) {
      std::string line = s.text(0);
      if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
    }
    if (!problems.empty()) {
      if (problems.size() > 300) problems = problems.substr(0, 300) + "...";
      throw StoreError(where + " is corrupt (SQLite quick_check: " + problems +
                       "); restore it from a backup");
    }
  }
  {
    Stmt s(db_, "PRAGMA journal_mode=WAL");
    if (!s.step() || s.text(0) != "wal")
      throw StoreError("cannot switch " + where + " to WAL mode; put it on a local file system");
  }
  sql::exec(db_, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;");
  if (version == 0) {
    Stmt s(db_, "SELECT count(*) FROM sqlite_master");
    s.step();
    if (s.i64(0) != 0)
      throw StoreError(where + " is a SQLite database of something else (it has tables but no "
                               "smpc schema version); point 'store' at another file");
    createSchema();
  }
  recover();
}

void Store::createSchema() {
  Tx tx(db_);
  sql::exec(db_, kSchema);
  sql::exec(db_, ("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str());
  tx.commit();
}

void Store::recover() {
  Tx tx(db_);
  {
    Stmt s(db_, "DELETE FROM datasets WHERE state != ?");
    s.bind(1, int64_t(DatasetState::Ready)).run();
    if (int n = sqlite3_changes(db_))
      recovered_.push_back(std::to_string(n) + " unfinished upload(s) removed");
  }
  {
    Stmt s(db_, "UPDATE jobs SET state = ?, finished_at = ?, error = ? WHERE state IN (?,?,?)");
    s.bind(1, int64_t(JobState::Failed)).bind(2, nowMs());
    s.bind(3, std::string("the node restarted while the job was not finished; submit it again"));
    s.bind(4, int64_t(JobState::Proposed)).bind(5, int64_t(JobState::Queued));
    s.bind(6, int64_t(JobState::Running)).run();
    if (int n = sqlite3_changes(db_))
      recovered_.push_back(std::to_string(n) + " unfinished job(s) marked failed");
  }
  tx.commit();
}

// ------------------------------------------------------------------ datasets

void Store::beginUpload(const Dataset &d) {
  std::lock_guard lk(mu_);
  Tx tx(db_);
  {
    Stmt s(db_, "SELECT state FROM datasets WHERE name = ?");
    s.bind(1, d.name);
    if (s.step()) {
      if (DatasetState(s.i64(0)) != DatasetState::Uploading)
        throw StoreError("a dataset named '" + d.name +
                         "' already exists on this node; drop it first or choose another name");
      Stmt del(db_, "DELETE FROM datasets WHERE name = ?");
      del.bind(1, d.name).run();
    }
  }
  Dataset copy = d;
  copy.state = DatasetState::Uploading;
  insertDataset(db_, copy);
  tx.commit();
}

void Store::appendChunk(const std::string &id, uint64_t index, std::span<const uint64_t> shares) {
  std::lock_guard lk(mu_);
  Stmt st(db_, "SELECT state FROM datasets WHERE id = ?");
  st.bind(1, id);
  if (!st.step() || DatasetState(st.i64(0)) != DatasetState::Uploading)
    throw StoreError("no upload in progress with this id (it was aborted or finished)");
  Stmt s(db_, "INSERT INTO dataset_chunks(dataset_id, idx, data) VALUES(?,?,?)");
  s.bind(1, id).bind(2, int64_t(index)).bindBlob(3, shares.data(), shares.size() * 8);
  s.run();
}

void Store::finishUpload(const std::string &id) {
  std::lock_guard lk(mu_);
  Tx tx(db_);
  Stmt d(db_, "SELECT nrows, ncols, state FROM datasets WHERE id = ?");
  d.bind(1, id);
  if (!d.step() || DatasetState(d.i64(2)) != DatasetState::Uploading)
    throw StoreError("no upload in progress with this id (it was aborted or finished)");
  const uint64_t want = uint64_t(d.i64(0)) * uint64_t(d.i64(1));
  Stmt c(db_, "SELECT count(*), coalesce(sum(length(data)), 0), coalesce(max(idx), -1) FROM "
              "dataset_chunks WHERE dataset_id = ?");
  c.bind(1, id);
  c.step();
  const uint64_t got = uint64_t(c.i64(1)) / 8;
  if (got != want || c.i64(2) + 1 != c.i64(0))
    throw StoreError("the upload is incomplete: " + std::to_string(got) + " of " +
                     std::to_string(want) + " values arrived");
  Stmt u(db_, "UPDATE datasets SET state = ? WHERE id = ?");
  u.bind(1, int64_t(DatasetState::Staged)).bind(2, id).run();
  tx.commit();
}

void Store::commitUpload(const std::string &id) {
  std::lock_guard lk(mu_);
  Stmt u(db_, "UPDATE datasets SET state = ? WHERE id = ? AND state IN (?, ?)");
  u.bind(1, int64_t(DatasetState::Ready)).bind(2, id);
  u.bind(3, int64_t(DatasetState::Staged)).bind(4, int64_t(DatasetState::Ready)).run();
  if (sqlite3_changes(db_) != 1)
    throw StoreError("no finished upload with this id to commit (it was aborted or never "
                     "completed)");
}

void Store::abortUpload(const std::string &id) {
  std::lock_guard lk(mu_);
  Stmt s(db_, "DELETE FROM datasets WHERE id = ? AND state != ?");
  s.bind(1, id).bind(2, int64_t(DatasetState::Ready)).run();
}

void Store::putDataset(const Dataset &d, std::span<const uint64_t> shares) {
  std::lock_guard lk(mu_);
  Tx tx(db_);
  Stmt s(db_, "SELECT 1 FROM datasets WHERE name = ?");
  s.bind(1, d.name);
  if (s.step())
    throw StoreError("a dataset named '" + d.name +
                     "' already exists on this node; drop it first or choose another name");
  Dataset copy = d;
  copy.state = DatasetState::Ready;
  insertDataset(db_, copy);
  insertChunks(db_, d.id, shares);
  tx.commit();
}

std::vector<Dataset> Store::datasets(bool readyOnly) {
  std::lock_guard lk(mu_);
  std::string q = std::string("SELECT ") + kDatasetCols + " FROM datasets" +
                  (readyOnly ? " WHERE state = 2" : "") + " ORDER BY name";
  Stmt s(db_, q.c_str());
  std::vector<Dataset> out;
  while (s.step())
    out.push_back(readDataset(s));
  return out;
}

std::optional<Dataset> Store::dataset(const std::string &name) {
  std::lock_guard lk(mu_);
  std::string q = std::string("SELECT ") + kDatasetCols + " FROM datasets WHERE name = ?";
  Stmt s(db_, q.c_str());
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return readDataset(s);
}

void Store::readShares(const std::string &id,
                       const std::function<void(std::span<const uint64_t>)> &chunk) {
  std::lock_guard lk(mu_);
  Stmt s(db_, "SELECT data FROM dataset_chunks WHERE dataset_id = ? ORDER BY idx");
  s.bind(1, id);
  std::vector<uint64_t> buf;
  while (s.step()) {
    const std::size_t n = s.bytes(0);
    if (n % 8) throw StoreError("store " + path_ + " holds a damaged chunk; restore a backup");
    buf.resize(n / 8);
    if (n) std::memcpy(buf.data(), s.blob(0), n);
    chunk(buf);
    sodium_memzero(buf.data(), buf.size() * 8);
  }
}

bool Store::dropDataset(const std::string &name) {
  std::lock_guard lk(mu_);
  Stmt s(db_, "DELETE FROM datasets WHERE name = ?");
  s.bind(1, name).run();
  return sqlite3_changes(db_) > 0;
}

// -------------------------------------------------------- approvals, programs

void Store::putApproval(const Approval &a) {
  std::lock_guard lk(mu_);
  Stmt s(db_, "INSERT OR REPLACE INTO approvals(program_hash, program_name, rules, approved_by, "
              "created_at) VALUES(?,?,?,?,?)");
  s.bind(1, a.programHash).bind(2, a.programName).bind(3, a.rules).bind(4, a.approvedBy);
  s.bind(5, a.createdAt).run();
}

std::optional<Approval> Store::approval(const std::string &programHash) {
  std::lock_guard lk(mu_);
  Stmt s(db_, "SELECT program_hash, program_name, rules, approved_by, created_at FROM approvals "
              "WHERE program_hash = ?");
  s.bind(1, programHash);
  if (!s.step()) return std::nullopt;
  return Approval{s.text(0), s.text(1), s.text(2), s.text(3), s.i64(4)};
}

std::vector<Approval> Store::approvals() {
  std::lock_guard lk(mu_);
  Stmt s(db_, "SELECT program_hash, program_name, rules, approved_by, created_at FROM approvals "
              "ORDER BY created_at");
  std::vector<Approval> out;
  while (s.step())
    out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.i64(4)});
  return out;
}

bool Store::revokeApproval(const std::string &programHash) {
  std::lock_guard lk(mu_);
  Stmt s(db_, "DELETE FROM approvals WHERE program_hash = ?");
  s.bind(1, programHash).run();
  return sqlite3_changes(db_) > 0;
}

void Store::putProgram(const std::string &hash, std::span<const uint8_t> bytecode) {
  std::lock_guard lk(mu_);
  Stmt s(db_, "INSERT OR IGNORE INTO programs(hash, bytecode) VALUES(?,?)");
  s.bind(1, hash).bindBlob(2, bytecode.data(), bytecode.size()).run();
}

std::optional<std::vector<uint8_t>> Store::program(const std::string &hash) {
  std::lock_guard lk(mu_);
  Stmt s(db_, "SELECT bytecode FROM programs WHERE hash = ?");
  s.bind(1, hash);
  if (!s.step()) return std::nullopt;
  auto *p = static_cast<const uint8_t *>(s.blob(0));
  return std::vector<uint8_t>(p, p + s.bytes(0));
}

// ------------------------------------------------------------ jobs, outputs

void Store::putJob(const Job &j) {
  std::lock_guard lk(mu_);
  Stmt s(db_, "INSERT INTO jobs(id, program_hash, submitter, spec, state, created_at, "
              "started_at, finished_at, error, stats) VALUES(?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, j.id).bind(2, j.programHash).bind(3, j.submitter).bind(4, j.spec);
  s.bind(5, int64_t(j.state)).bind(6, j.createdAt ? j.createdAt : nowMs());
  s.bind(7, j.startedAt).bind(8, j.finishedAt).bind(9, j.error).bind(10, j.stats).run();
}

void Store::setJobState(const std::string &id, JobState st, const std::string &error,
                        const std::string &stats) {
  std::lock_guard lk(mu_);
  const int64_t now = nowMs();
  Stmt s(db_, "UPDATE jobs SET state = ?, "
              "started_at = CASE WHEN ? AND started_at = 0 THEN ? ELSE started_at END, "
              "finished_at = CASE WHEN ? THEN ? ELSE finished_at END, "
              "error = CASE WHEN ? = '' THEN error ELSE ? END, "
              "stats = CASE WHEN ? = '' THEN stats ELSE ? END WHERE id = ?");
  s.bind(1, int64_t(st)).bind(2, int64_t(st == JobState::Running)).bind(3, now);
  s.bind(4, int64_t(isTerminal(st))).bind(5, now).bind(6, error).bind(7, error);
  s.bind(8, stats).bind(9, stats).bind(10, id).run();
}

void Store::finishJob(const std::string &id, const std::vector<Output> &outputs,
                      const std::vector<std::pair<Dataset, std::vector<uint64_t>>> &stored,
                      const std::string &stats) {
  std::lock_guard lk(mu_);
  Tx tx(db_);
  for (const auto &[d, shares] : stored) {
    Stmt s(db_, "SELECT 1 FROM datasets WHERE name = ?");
    s.bind(1, d.name);
    if (s.step())
      throw StoreError("a dataset named '" + d.name +
                       "' appeared on this node while the job ran; the output was not stored");
    Dataset copy = d;
    copy.state = DatasetState::Ready;
    insertDataset(db_, copy);
    insertChunks(db_, d.id, shares);
  }
  for (const Output &o : outputs) {
    Stmt s(db_, "INSERT INTO outputs(job_id, name, recipient, elem, ndims, nrows, ncols, "
                "frac_bits, data) VALUES(?,?,?,?,?,?,?,?,?)");
    s.bind(1, o.jobId).bind(2, o.name).bind(3, o.recipient).bind(4, int64_t(o.shape.elem));
    s.bind(5, int64_t(o.shape.ndims)).bind(6, int64_t(o.shape.rows));
    s.bind(7, int64_t(o.shape.cols)).bind(8, int64_t(o.shape.fracBits));
    s.bindBlob(9, o.shares.data(), o.shares.size() * 8).run();
  }
  const int64_t now = nowMs();
  Stmt s(db_, "UPDATE jobs SET state = ?, finished_at = ?, stats = ? WHERE id = ?");
  s.bind(1, int64_t(JobState::Done)).bind(2, now).bind(3, stats).bind(4, id).run();
  tx.commit();
}

std::optional<Job> Store::job(const std::string &id) {
  std::lock_guard lk(mu_);
  std::string q = std::string("SELECT ") + kJobCols + " FROM jobs WHERE id = ?";
  Stmt s(db_, q.c_str());
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return readJob(s);
}

std::vector<Job> Store::jobs(std::size_t limit) {
  std::lock_guard lk(mu_);
  std::string q =
      std::string("SELECT ") + kJobCols + " FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?";
  Stmt s(db_, q.c_str());
  s.bind(1, int64_t(limit));
  std::vector<Job> out;
  while (s.step())
    out.push_back(readJob(s));
  return out;
}

std::vector<uint64_t> Store::jobCounts() {
  std::lock_guard lk(mu_);
  Stmt s(db_, "SELECT state, count(*) FROM jobs GROUP BY state");
  std::vector<uint64_t> out(kJobStates, 0);
  while (s.step())
    if (s.i64(0) >= 0 && s.i64(0) < kJobStates) out[size_t(s.i64(0))] = uint64_t(s.i64(1));
  return out;
}

std::vector<Output> Store::outputs(const std::string &jobId, const std::string &recipient) {
  std::lock_guard lk(mu_);
  Stmt s(db_, "SELECT name, elem, ndims, nrows, ncols, frac_bits, data FROM outputs WHERE "
              "job_id = ? AND recipient = ? ORDER BY rowid");
  s.bind(1, jobId).bind(2, recipient);
  std::vector<Output> out;
  while (s.step()) {
    Output o;
    o.jobId = jobId;
    o.recipient = recipient;
    o.name = s.text(0);
    o.shape.elem = bc::ElemType(s.i64(1));
    o.shape.ndims = uint8_t(s.i64(2));
    o.shape.rows = uint32_t(s.i64(3));
    o.shape.cols = uint32_t(s.i64(4));
    o.shape.fracBits = uint8_t(s.i64(5));
    o.shares.resize(s.bytes(6) / 8);
    if (!o.shares.empty()) std::memcpy(o.shares.data(), s.blob(6), o.shares.size() * 8);
    out.push_back(std::move(o));
  }
  return out;
}

void Store::deleteOutputs(const std::string &jobId, const std::string &recipient) {
  std::lock_guard lk(mu_);
  Stmt s(db_, "DELETE FROM outputs WHERE job_id = ? AND recipient = ?");
  s.bind(1, jobId).bind(2, recipient).run();
}

// ---------------------------------------------------------------- material

void Store::putMaterialUse(const std::string &programHash, const std::vector<uint64_t> &perKind) {
  std::lock_guard lk(mu_);
  std::string text;
  for (uint64_t v : perKind) {
    if (!text.empty()) text.append(1, ',');
    text.append(std::to_string(v));
  }
  Stmt s(db_, "INSERT OR REPLACE INTO material_use(program_hash, counts) VALUES(?,?)");
  s.bind(1, programHash).bind(2, text).run();
}

std::optional<std::vector<uint64_t>> Store::materialUse(const std::string &programHash) {
  std::lock_guard lk(mu_);
  Stmt s(db_, "SELECT counts FROM material_use WHERE program_hash = ?");
  s.bind(1, programHash);
  if (!s.step()) return std::nullopt;
  std::vector<uint64_t> out;
  const std::string t = s.text(0);
  std::size_t pos = 0;
  while (pos <= t.size() && !t.empty()) {
    std::size_t comma = t.find(',', pos);
    out.push_back(std::strtoull(t.substr(pos, comma - pos).c_str(), nullptr, 10));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

} // namespace smpc::store
