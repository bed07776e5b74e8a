//===- diagnostics.h - compile errors through llvm::SourceMgr -------------===//
//
// Every message is `file:line:col: error: <what to do>`, the source line and
// a caret. Owns the SourceMgr holding every loaded file.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/program.h"

#include "llvm/Support/SourceMgr.h"

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
  llvm::SourceMgr &sourceMgr() { return sm_; }
  const char *bufferStart(unsigned id) const;
  size_t bufferSize(unsigned id) const;

  void error(llvm::SMLoc loc, const std::string &msg);
  void note(llvm::SMLoc loc, const std::string &msg);
  /// A warning: printed like an error, but compilation goes on.
  void warning(llvm::SMLoc loc, const std::string &msg);
  /// An error without a source position (e.g. a file that cannot be read).
  void errorNoLoc(const std::string &msg);

  unsigned errorCount() const { return errors_; }
  unsigned warningCount() const { return warnings_; }
  bool hasErrors() const { return errors_ > 0; }

  /// Source position for the bytecode source map; file = bufferId - 1.
  bc::SourceLoc sourceLoc(llvm::SMLoc loc) const;
  /// Pointer into buffer `id` for a 1-based line and 0-based code-point column.
  llvm::SMLoc locAt(unsigned id, size_t line, size_t col) const;
  std::vector<std::string> fileNames() const;

private:
  void print(llvm::SMLoc loc, llvm::SourceMgr::DiagKind kind, const std::string &msg);
  struct Entry {
    llvm::SMLoc loc;
    llvm::SourceMgr::DiagKind kind;
    std::string msg;
  };
  // Errors are collected and sorted: the checker visits functions in call
  // order, but users read files top to bottom.
  std::vector<std::vector<Entry>> pending_;

  llvm::SourceMgr sm_;
  std::ostream &os_;
  bool color_;
  unsigned errors_ = 0;
  unsigned warnings_ = 0;
};

} // namespace smpc::front
