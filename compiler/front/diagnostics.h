//===- diagnostics.h - compile errors through llvm::SourceMgr -------------===//
//
// Every message is `file:line:col: error: <what to do>`, the source line and
// a caret. Owns the SourceMgr holding every loaded file. Messages are
// declared once, in diagnostics.def, and emitted by name (diag::X).
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/front/diagnostic_kind.h"
#include "vm/bytecode/program.h"

#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace smpc::front {

class Diagnostics {
public:
  Diagnostics(std::ostream &os, bool color) : os_(os), color_(color) {}
  ~Diagnostics() { flush(); }

  /// Prints the collected diagnostics in source order (file, then
  /// position), each error followed by its notes. Called automatically.
  void flush();

  /// Adds a file; returns its buffer id (1-based, SourceMgr convention).
  unsigned addFile(const std::string &path, const std::string &contents);
  /// Adds a file without copying it; `contents` is kept alive as long as
  /// this object (its text may be shared with other compilations).
  unsigned addSharedFile(const std::string &path, std::shared_ptr<const std::string> contents);
  llvm::SourceMgr &sourceMgr() { return sm_; }
  const char *bufferStart(unsigned id) const;
  size_t bufferSize(unsigned id) const;

  /// Reports diagnostic `d` of diagnostics.def at `loc` (an invalid loc for
  /// one without a source position). A note belongs to the error or warning
  /// emitted just before it.
  template <unsigned N, class... A> void emit(llvm::SMLoc loc, Diag<N> d, const A &...args) {
    static_assert(sizeof...(A) == N, "this diagnostic takes another number of arguments; see "
                                     "its format in diagnostics.def");
    report(loc, d.kind, {DiagArg(args).take()...});
  }

  unsigned errorCount() const { return errors_; }
  unsigned warningCount() const { return warnings_; }
  bool hasErrors() const { return errors_ > 0; }

  /// Source position for the bytecode source map; file = bufferId - 1.
  /// Constant time per call after one pass over the buffer, however long
  /// its lines (SourceMgr::getLineAndColumn scans back to the line start).
  bc::SourceLoc sourceLoc(llvm::SMLoc loc) const;
  std::vector<std::string> fileNames() const;

private:
  void report(llvm::SMLoc loc, DiagKind kind, const std::vector<std::string> &args);
  void print(llvm::SMLoc loc, llvm::SourceMgr::DiagKind kind, const std::string &msg);
  void recordCoverage();
  struct Entry {
    llvm::SMLoc loc;
    llvm::SourceMgr::DiagKind kind;
    std::string msg;
  };
  // Errors are collected and sorted: the checker visits functions in call
  // order, but users read files top to bottom.
  std::vector<std::vector<Entry>> pending_;

  std::vector<std::shared_ptr<const std::string>> shared_; // texts of addSharedFile, outlive sm_
  llvm::SourceMgr sm_;
  // Per buffer (id - 1): byte offsets where lines start, built on first use.
  mutable std::vector<std::vector<uint32_t>> lineStarts_;
  std::ostream &os_;
  bool color_;
  unsigned errors_ = 0;
  unsigned warnings_ = 0;
  std::vector<bool> emitted_ = std::vector<bool>(kNumDiagKinds); // by DiagKind
};

} // namespace smpc::front
