//===- sql.h - a thin RAII layer over sqlite3 statements ------------------===//
//
// Private to runtime/store. Errors throw StoreError with SQLite's message
// and the store's path; they never include bound values.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/store/store.h"

#include <sqlite3.h>
#include <string>

namespace smpc::store::sql {

[[noreturn]] inline void fail(sqlite3 *db, const std::string &what) {
  throw StoreError(what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

class Stmt {
public:
  Stmt(sqlite3 *db, const char *text) : db_(db) {
    if (sqlite3_prepare_v2(db, text, -1, &st_, nullptr) != SQLITE_OK)
      fail(db, std::string("cannot prepare a statement of the store"));
  }
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt(const Stmt &) = delete;
  Stmt &operator=(const Stmt &) = delete;

  Stmt &bind(int i, const std::string &s) {
    check(sqlite3_bind_text(st_, i, s.data(), int(s.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Stmt &bind(int i, int64_t v) {
    check(sqlite3_bind_int64(st_, i, v));
    return *this;
  }
  Stmt &bindBlob(int i, const void *p, std::size_t n) {
    check(sqlite3_bind_blob64(st_, i, p ? p : "", n, SQLITE_TRANSIENT));
    return *this;
  }
  /// True while there is a row.
  bool step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, "the store refused a request");
  }
  void reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  void run() {
    while (step()) {
    }
  }
  int64_t i64(int c) { return sqlite3_column_int64(st_, c); }
  std::string text(int c) {
    auto *p = sqlite3_column_text(st_, c);
    return p ? std::string(reinterpret_cast<const char *>(p), size_t(sqlite3_column_bytes(st_, c)))
             : std::string();
  }
  const void *blob(int c) { return sqlite3_column_blob(st_, c); }
  std::size_t bytes(int c) { return std::size_t(sqlite3_column_bytes(st_, c)); }
  bool isNull(int c) { return sqlite3_column_type(st_, c) == SQLITE_NULL; }

private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(db_, "cannot bind a value");
  }
  sqlite3 *db_;
  sqlite3_stmt *st_ = nullptr;
};

inline void exec(sqlite3 *db, const char *text) {
  char *err = nullptr;
  if (sqlite3_exec(db, text, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string m = err ? err : "unknown error";
    sqlite3_free(err);
    throw StoreError("the store refused a request: " + m);
  }
}

/// BEGIN IMMEDIATE ... COMMIT, rolled back if not committed.
class Tx {
public:
  explicit Tx(sqlite3 *db) : db_(db) { exec(db, "BEGIN IMMEDIATE"); }
  ~Tx() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    exec(db_, "COMMIT");
    done_ = true;
  }

private:
  sqlite3 *db_;
  bool done_ = false;
};

} // namespace smpc::store::sql
