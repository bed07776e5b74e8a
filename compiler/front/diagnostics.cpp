//===- diagnostics.cpp - compile errors through llvm::SourceMgr -----------===//
#include "compiler/front/diagnostics.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_os_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <unistd.h>

namespace smpc::front {

// After this many errors the rest are dropped: they are almost always
// consequences of the first ones.
static constexpr unsigned kMaxErrors = 50;

unsigned Diagnostics::addFile(const std::string &path, const std::string &contents) {
  auto buf = llvm::MemoryBuffer::getMemBufferCopy(contents, path);
  return sm_.AddNewSourceBuffer(std::move(buf), llvm::SMLoc());
}

unsigned Diagnostics::addSharedFile(const std::string &path,
                                    std::shared_ptr<const std::string> contents) {
  auto buf = llvm::MemoryBuffer::getMemBuffer(*contents, path);
  shared_.push_back(std::move(contents));
  return sm_.AddNewSourceBuffer(std::move(buf), llvm::SMLoc());
}

const char *Diagnostics::bufferStart(unsigned id) const {
  return sm_.getMemoryBuffer(id)->getBufferStart();
}

size_t Diagnostics::bufferSize(unsigned id) const {
  return sm_.getMemoryBuffer(id)->getBufferSize();
}

void Diagnostics::print(llvm::SMLoc loc, llvm::SourceMgr::DiagKind kind, const std::string &msg) {
  llvm::raw_os_ostream out(os_);
  if (loc.isValid())
    sm_.PrintMessage(out, loc, kind, msg, {}, {}, color_);
  else
    out << "smpcc: "
        << (kind == llvm::SourceMgr::DK_Error     ? "error: "
            : kind == llvm::SourceMgr::DK_Warning ? "warning: "
                                                  : "note: ")
        << msg << "\n";
  out.flush();
  os_.flush();
}

std::string formatDiag(DiagKind kind, const std::vector<std::string> &args) {
  std::string_view f = info(kind).format;
  std::string out;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == '{') { // `{N}`, checked at compile time by validDiagFormat
      out += args.at(size_t(f[i + 1] - '0'));
      i += 2;
    } else {
      out += f[i];
    }
  }
  return out;
}

void Diagnostics::report(llvm::SMLoc loc, DiagKind kind, const std::vector<std::string> &args) {
  emitted_[static_cast<unsigned>(kind)] = true;
  std::string msg = formatDiag(kind, args);
  switch (info(kind).severity) {
  case Severity::Error:
    ++errors_;
    pending_.push_back({{loc, llvm::SourceMgr::DK_Error, std::move(msg)}});
    break;
  case Severity::Warning:
    ++warnings_;
    pending_.push_back({{loc, llvm::SourceMgr::DK_Warning, std::move(msg)}});
    break;
  case Severity::Note:
    if (!pending_.empty())
      pending_.back().push_back({loc, llvm::SourceMgr::DK_Note, std::move(msg)});
    break;
  }
}

// With SMPC_DIAG_COVERAGE_DIR set (the lit suite sets it), writes the names
// of the diagnostics this instance emitted to a new file there; the
// `diagnostics_coverage` test then requires every kind of diagnostics.def to
// appear in some file.
void Diagnostics::recordCoverage() {
  const char *dir = std::getenv("SMPC_DIAG_COVERAGE_DIR");
  if (!dir || !*dir || std::find(emitted_.begin(), emitted_.end(), true) == emitted_.end()) return;
  std::string path = std::string(dir) + "/diags-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) return; // coverage is best effort; compiling must not fail
  std::string names;
  for (unsigned k = 0; k < kNumDiagKinds; ++k)
    if (emitted_[k]) names.append(kDiagInfo[k].name).append("\n");
  ssize_t ignored = write(fd, names.data(), names.size());
  (void)ignored;
  close(fd);
  emitted_.assign(kNumDiagKinds, false);
}

void Diagnostics::flush() {
  auto key = [&](const std::vector<Entry> &g) {
    llvm::SMLoc l = g.front().loc;
    unsigned id = l.isValid() ? sm_.FindBufferContainingLoc(l) : 0;
    return std::make_pair(id, l.isValid() ? l.getPointer() : nullptr);
  };
  std::stable_sort(pending_.begin(), pending_.end(),
                   [&](const auto &a, const auto &b) { return key(a) < key(b); });
  unsigned shown = 0;
  for (const auto &group : pending_) {
    if (++shown > kMaxErrors) {
      emitted_[static_cast<unsigned>(DiagKind::TooManyErrors)] = true;
      print({}, llvm::SourceMgr::DK_Error, formatDiag(DiagKind::TooManyErrors, {}));
      break;
    }
    for (const auto &e : group)
      print(e.loc, e.kind, e.msg);
  }
  pending_.clear();
  recordCoverage();
}

bc::SourceLoc Diagnostics::sourceLoc(llvm::SMLoc loc) const {
  bc::SourceLoc out;
  if (!loc.isValid()) return out;
  unsigned id = sm_.FindBufferContainingLoc(loc);
  if (id == 0) return out;
  if (lineStarts_.size() < id) lineStarts_.resize(id);
  std::vector<uint32_t> &starts = lineStarts_[id - 1];
  const char *buf = bufferStart(id);
  if (starts.empty()) {
    starts.push_back(0);
    const size_t size = bufferSize(id);
    for (size_t i = 0; i < size; ++i)
      if (buf[i] == '\n') starts.push_back(uint32_t(i + 1));
  }
  const uint32_t off = uint32_t(loc.getPointer() - buf);
  const size_t line = size_t(std::upper_bound(starts.begin(), starts.end(), off) - starts.begin());
  out.file = id - 1;
  out.line = uint32_t(line);
  out.col = off - starts[line - 1] + 1;
  return out;
}

std::vector<std::string> Diagnostics::fileNames() const {
  std::vector<std::string> out;
  for (unsigned id = 1; id <= sm_.getNumBuffers(); ++id)
    out.push_back(sm_.getMemoryBuffer(id)->getBufferIdentifier().str());
  return out;
}

} // namespace smpc::front
