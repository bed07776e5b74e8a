//===- diagnostics.cpp - compile errors through llvm::SourceMgr -----------===//
#include "compiler/front/diagnostics.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_os_ostream.h"

#include <algorithm>

namespace smpc::front {

// After this many errors the rest are dropped: they are almost always
// consequences of the first ones.
static constexpr unsigned kMaxErrors = 50;

unsigned Diagnostics::addFile(const std::string &path, const std::string &contents) {
  auto buf = llvm::MemoryBuffer::getMemBufferCopy(contents, path);
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

void Diagnostics::error(llvm::SMLoc loc, const std::string &msg) {
  ++errors_;
  pending_.push_back({{loc, llvm::SourceMgr::DK_Error, msg}});
}

void Diagnostics::warning(llvm::SMLoc loc, const std::string &msg) {
  ++warnings_;
  pending_.push_back({{loc, llvm::SourceMgr::DK_Warning, msg}});
}

void Diagnostics::note(llvm::SMLoc loc, const std::string &msg) {
  if (!pending_.empty()) pending_.back().push_back({loc, llvm::SourceMgr::DK_Note, msg});
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
      print({}, llvm::SourceMgr::DK_Error, "too many errors; fix the ones above first");
      break;
    }
    for (const auto &e : group)
      print(e.loc, e.kind, e.msg);
  }
  pending_.clear();
}

void Diagnostics::errorNoLoc(const std::string &msg) {
  error({}, msg);
}

bc::SourceLoc Diagnostics::sourceLoc(llvm::SMLoc loc) const {
  bc::SourceLoc out;
  if (!loc.isValid()) return out;
  unsigned id = sm_.FindBufferContainingLoc(loc);
  if (id == 0) return out;
  auto lc = sm_.getLineAndColumn(loc, id);
  out.file = id - 1;
  out.line = lc.first;
  out.col = lc.second;
  return out;
}

llvm::SMLoc Diagnostics::locAt(unsigned id, size_t line, size_t col) const {
  const char *p = bufferStart(id), *end = p + bufferSize(id);
  for (size_t l = 1; l < line && p < end; ++p)
    if (*p == '\n') ++l;
  // Advance `col` code points (the lexer counts code points, not bytes).
  while (col > 0 && p < end && *p != '\n') {
    ++p;
    while (p < end && (static_cast<unsigned char>(*p) & 0xC0) == 0x80)
      ++p;
    --col;
  }
  return llvm::SMLoc::getFromPointer(p);
}

std::vector<std::string> Diagnostics::fileNames() const {
  std::vector<std::string> out;
  for (unsigned id = 1; id <= sm_.getNumBuffers(); ++id)
    out.push_back(sm_.getMemoryBuffer(id)->getBufferIdentifier().str());
  return out;
}

} // namespace smpc::front
