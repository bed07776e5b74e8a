//===- store_test.cpp - the node's SQLite store on real files -------------===//
//
// Uploads in chunks, staged/ready states, recovery after a crash (half
// uploads vanish, unfinished jobs fail), the open-time checks (garbage,
// corrupt, foreign and newer files), atomic job completion, outputs kept
// until fetched.
//===----------------------------------------------------------------------===//
#include "runtime/store/store.h"

#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sqlite3.h>

using namespace smpc::store;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "smpc-store-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()));
    path = t;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string &n) const { return (path / n).string(); }
};

Dataset ds(const std::string &id, const std::string &name, uint32_t n) {
  Dataset d;
  d.id = id;
  d.name = name;
  d.owner = "owner-key";
  d.ownerName = "alice";
  d.shape = {smpc::bc::ElemType::Fix, 1, n, 1, 16};
  d.createdAt = 1700000000;
  return d;
}

std::vector<uint64_t> readAll(Store &s, const std::string &id) {
  std::vector<uint64_t> out;
  s.readShares(id, [&](std::span<const uint64_t> c) { out.insert(out.end(), c.begin(), c.end()); });
  return out;
}

std::string openError(const std::string &path) {
  try {
    Store s(path);
  } catch (const StoreError &e) {
    return e.what();
  }
  return "(opened)";
}

void sqlExec(const std::string &path, const char *q) {
  sqlite3 *db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, q, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

} // namespace

TEST_CASE("an upload in chunks becomes a ready dataset that reads back in order") {
  TempDir t;
  Store s(t.file("node.db"));
  s.beginUpload(ds("u1", "salaries", 5));
  s.appendChunk("u1", 0, std::vector<uint64_t>{1, 2, 3});
  CHECK(s.dataset("salaries")->state == DatasetState::Uploading);
  CHECK_THROWS_WITH_AS(s.finishUpload("u1"), "the upload is incomplete: 3 of 5 values arrived",
                       StoreError);
  s.appendChunk("u1", 1, std::vector<uint64_t>{4, 5});
  s.finishUpload("u1");
  CHECK(s.dataset("salaries")->state == DatasetState::Staged);
  CHECK(s.datasets(true).empty());
  s.commitUpload("u1");
  auto d = s.dataset("salaries");
  REQUIRE(d);
  CHECK(d->state == DatasetState::Ready);
  CHECK(shapeText(d->shape) == "sfix[5]");
  CHECK(d->ownerName == "alice");
  CHECK(readAll(s, "u1") == std::vector<uint64_t>{1, 2, 3, 4, 5});
  CHECK_THROWS_WITH_AS(s.beginUpload(ds("u2", "salaries", 1)),
                       "a dataset named 'salaries' already exists on this node; drop it first or "
                       "choose another name",
                       StoreError);
  CHECK(s.dropDataset("salaries"));
  CHECK_FALSE(s.dropDataset("salaries"));
  CHECK(readAll(s, "u1").empty());
}

TEST_CASE("a restart removes half uploads and fails unfinished jobs") {
  TempDir t;
  {
    Store s(t.file("node.db"));
    s.beginUpload(ds("u1", "half", 4));
    s.appendChunk("u1", 0, std::vector<uint64_t>{7, 7});
    s.beginUpload(ds("u2", "staged", 1));
    s.appendChunk("u2", 0, std::vector<uint64_t>{1});
    s.finishUpload("u2");
    s.putDataset(ds("u3", "kept", 2), std::vector<uint64_t>{8, 9});
    s.putJob({"j-run", "h", "k", "{}", JobState::Running, 0, 0, 0, "", ""});
    s.putJob({"j-queue", "h", "k", "{}", JobState::Queued, 0, 0, 0, "", ""});
    s.putJob({"j-done", "h", "k", "{}", JobState::Done, 0, 0, 0, "", ""});
  } // "crash": nothing else happens
  Store s(t.file("node.db"));
  CHECK(s.recovered() == std::vector<std::string>{"2 unfinished upload(s) removed",
                                                  "2 unfinished job(s) marked failed"});
  CHECK_FALSE(s.dataset("half"));
  CHECK_FALSE(s.dataset("staged"));
  CHECK(readAll(s, "u3") == std::vector<uint64_t>{8, 9});
  auto j = s.job("j-run");
  REQUIRE(j);
  CHECK(j->state == JobState::Failed);
  CHECK(j->error == "the node restarted while the job was not finished; submit it again");
  CHECK(s.job("j-done")->state == JobState::Done);
  CHECK(s.jobCounts()[size_t(JobState::Failed)] == 2);
}

TEST_CASE("a job finishes with its outputs and stored datasets, or not at all") {
  TempDir t;
  Store s(t.file("node.db"));
  s.putJob({"j1", "h", "k", "{}", JobState::Running, 0, 0, 0, "", ""});
  Output o{"j1", "mean", "alice-key", {smpc::bc::ElemType::Fix, 0, 1, 1, 16}, {42}};
  s.putDataset(ds("u9", "taken", 1), std::vector<uint64_t>{1});
  Dataset out = ds("u10", "taken", 1);
  CHECK_THROWS_AS(s.finishJob("j1", {o}, {{out, {5}}}, "{}"), StoreError);
  CHECK(s.outputs("j1", "alice-key").empty()); // rolled back
  CHECK(s.job("j1")->state == JobState::Running);
  out.name = "result";
  s.finishJob("j1", {o}, {{out, {5}}}, "{\"rounds\":3}");
  CHECK(s.job("j1")->state == JobState::Done);
  CHECK(s.job("j1")->stats == "{\"rounds\":3}");
  CHECK(readAll(s, "u10") == std::vector<uint64_t>{5});
  auto got = s.outputs("j1", "alice-key");
  REQUIRE(got.size() == 1);
  CHECK(got[0].name == "mean");
  CHECK(got[0].shares == std::vector<uint64_t>{42});
  CHECK(s.outputs("j1", "bob-key").empty());
  s.deleteOutputs("j1", "alice-key");
  CHECK(s.outputs("j1", "alice-key").empty());
}

TEST_CASE("job states, approvals, programs and material use persist") {
  TempDir t;
  {
    Store s(t.file("node.db"));
    s.putJob({"j1", "h", "k", "{}", JobState::Proposed, 0, 0, 0, "", ""});
    s.setJobState("j1", JobState::Running);
    s.setJobState("j1", JobState::Failed, "party 2 disconnected");
    s.putApproval({"abc", "stats.smpc", "{}", "admin-key", 5});
    s.putProgram("abc", std::vector<uint8_t>{1, 2, 3});
    s.putMaterialUse("abc", {1, 2, 3, 4, 5});
  }
  Store s(t.file("node.db"));
  auto j = s.job("j1");
  CHECK(j->state == JobState::Failed);
  CHECK(j->error == "party 2 disconnected");
  CHECK(j->startedAt > 0);
  CHECK(j->finishedAt >= j->startedAt);
  CHECK(s.approval("abc")->programName == "stats.smpc");
  CHECK(s.approvals().size() == 1);
  CHECK(*s.program("abc") == std::vector<uint8_t>{1, 2, 3});
  CHECK(*s.materialUse("abc") == std::vector<uint64_t>{1, 2, 3, 4, 5});
  CHECK(s.revokeApproval("abc"));
  CHECK_FALSE(s.approval("abc"));
}

TEST_CASE("a file that is not a usable store stops the node with a clear error") {
  TempDir t;
  {
    std::ofstream f(t.file("garbage.db"), std::ios::binary);
    for (int i = 0; i < 4096; ++i)
      f.put(char(i * 37));
  }
  CHECK(openError(t.file("garbage.db")) ==
        "store " + t.file("garbage.db") +
            " is not a usable SQLite database (file is not a database); restore it from a "
            "backup or point 'store' at another file");

  sqlExec(t.file("other.db"), "CREATE TABLE x(a)");
  CHECK(openError(t.file("other.db")) ==
        "store " + t.file("other.db") +
            " is a SQLite database of something else (it has tables but no smpc schema "
            "version); point 'store' at another file");

  { Store s(t.file("newer.db")); }
  sqlExec(t.file("newer.db"), "PRAGMA user_version=99");
  CHECK(openError(t.file("newer.db")) ==
        "store " + t.file("newer.db") +
            " has schema version 99, newer than this smpc understands (1); run the smpc "
            "version that wrote it, or a newer one");

  CHECK(openError(t.file("missing-dir/node.db"))
            .rfind("cannot open store " + t.file("missing-dir/node.db"), 0) == 0);
}

TEST_CASE("a truncated store is refused as corrupt or unusable") {
  TempDir t;
  {
    Store s(t.file("node.db"));
    std::vector<uint64_t> big(200000, 5);
    s.putDataset(ds("u1", "big", uint32_t(big.size())), big);
  }
  // Fold the WAL into the main file, then cut the file in half.
  sqlExec(t.file("node.db"), "PRAGMA wal_checkpoint(TRUNCATE)");
  fs::resize_file(t.file("node.db"), fs::file_size(t.file("node.db")) / 2);
  std::string err = openError(t.file("node.db"));
  INFO(err);
  CHECK(err.rfind("store " + t.file("node.db") + " is ", 0) == 0);
  CHECK((err.find("is corrupt") != std::string::npos ||
         err.find("not a usable SQLite database") != std::string::npos));
  CHECK(err.find("restore it from a backup") != std::string::npos);
}
