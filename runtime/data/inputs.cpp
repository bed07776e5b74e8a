//===- inputs.cpp - open, stream and bind input data files ----------------===//
#include "runtime/data/inputs.h"

#include "runtime/data/reader.h"
#include "vm/bytecode/limits.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

namespace smpc::data {

namespace detail {

Values::Values(const InputSpec &spec, const std::string &path, uint64_t sizeHint, const Sink *sink,
               size_t chunk)
    : spec_(spec), path_(path), sink_(sink), chunkSize_(std::max<size_t>(chunk, 1)) {
  if (spec_.ndims > 2) fail(0, "has " + std::to_string(spec_.ndims) + " dimensions (at most 2)");
  if (spec_.fracBits > 62) fail(0, "the program's fixed-point fraction bits are out of range");
  if (sink_) {
    chunk_.reserve(chunkSize_);
    return;
  }
  if (!spec_.keepValues) return;
  uint64_t want = 1;
  if (spec_.expect)
    for (uint64_t d : *spec_.expect)
      want *= d;
  else
    want = sizeHint;
  // Reserving address space is cheap: pages are committed only when
  // written, so an upper bound from the file size costs no memory.
  try {
    out_.values.reserve(size_t(std::min<uint64_t>(want, bc::kMaxVectorLen)));
  } catch (const std::bad_alloc &) {
    // grow as the values arrive instead
  }
}

Values::~Values() {
  sodium_memzero(chunk_.data(), chunk_.size() * sizeof(uint64_t));
}

void Values::flush() {
  if (chunk_.empty()) return;
  (*sink_)(chunk_);
  sodium_memzero(chunk_.data(), chunk_.size() * sizeof(uint64_t));
  chunk_.clear();
}

void Values::checkRoom(uint64_t line) {
  if (count_ >= bc::kMaxVectorLen)
    fail(line, "the file has more than " + std::to_string(bc::kMaxVectorLen) +
                   " values, the most an input can hold");
}

std::string Values::shapeName() const {
  if (spec_.ndims == 0) return "a single value";
  // An open shape (parameter inference) has no sizes to name yet.
  if (!spec_.expect) return spec_.ndims == 1 ? "a vector" : "a matrix";
  if (spec_.ndims == 1) return "a vector of " + plural(expectRows(), "value", "values");
  return "a " + std::to_string(expectRows()) + " x " + std::to_string(expectCols()) + " matrix";
}

void Values::fail(uint64_t line, const std::string &what) const {
  throw DataError(path_ + (line ? ":" + std::to_string(line) : "") + ": input '" + spec_.name +
                  "': " + what);
}

InputData Values::take(Dims dims) {
  flush();
  out_.dims = std::move(dims);
  return std::move(out_);
}

std::string plural(uint64_t n, const char *one, const char *many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string ordinal(uint64_t n) {
  const char *suffix = "th";
  if (n % 100 < 11 || n % 100 > 13) {
    if (n % 10 == 1) suffix = "st";
    if (n % 10 == 2) suffix = "nd";
    if (n % 10 == 3) suffix = "rd";
  }
  return std::to_string(n) + suffix;
}

} // namespace detail

namespace {

bool isJsonPath(const std::string &p) {
  return p.size() >= 5 && p.compare(p.size() - 5, 5, ".json") == 0;
}

std::string where(const std::string &input, const std::string &path) {
  return path + ": input '" + input + "': ";
}

// Closes the descriptor however the read ends.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

} // namespace

InputSpec specOf(const bc::IoEntry &e, uint8_t fracBits) {
  InputSpec s;
  s.name = e.name;
  s.elem = e.elem;
  s.fracBits = fracBits;
  s.ndims = e.ndims;
  if (e.ndims == 0) s.expect = Dims{};
  if (e.ndims == 1) s.expect = Dims{e.size()};
  if (e.ndims == 2) s.expect = Dims{e.rows, e.cols};
  return s;
}

namespace {

InputData readFile(const InputSpec &spec, const std::string &path, const detail::Sink *sink,
                   size_t chunk) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) throw DataError(where(spec.name, path) + "cannot open the file");
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) throw DataError(where(spec.name, path) + "cannot read the file");
  if (S_ISDIR(st.st_mode))
    throw DataError(where(spec.name, path) + "is a directory, not a data file");
  // At least two bytes per value ("1," or "1\n") but the last.
  const uint64_t hint = S_ISREG(st.st_mode) ? uint64_t(st.st_size) / 2 + 1 : 0;
  detail::Values values(spec, path, hint, sink, chunk);
  if (isJsonPath(path)) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(where(spec.name, path) + "cannot open the file");
    return detail::readJsonStream(values, in);
  }
  return detail::readCsv(values, [&](char *buf, size_t size) -> size_t {
    if (spec.stop && spec.stop->load(std::memory_order_relaxed))
      throw ReadStopped(where(spec.name, path) + "reading stopped");
    while (true) {
      ssize_t n = ::read(f.fd, buf, size);
      if (n >= 0) return size_t(n);
      if (errno != EINTR)
        throw DataError(where(spec.name, path) + "cannot read the file (" + std::strerror(errno) +
                        ")");
    }
  });
}

} // namespace

InputData readInput(const InputSpec &spec, const std::string &path) {
  return readFile(spec, path, nullptr, 0);
}

InputData detail::readInputTo(const InputSpec &spec, const std::string &path, const Sink &sink,
                              size_t chunk) {
  return readFile(spec, path, &sink, chunk);
}

InputData readInputBytes(const InputSpec &spec, std::string_view bytes, const std::string &path) {
  detail::Values values(spec, path, bytes.size() / 2 + 1);
  if (isJsonPath(path)) return detail::readJsonBytes(values, bytes);
  // A buffer the size of the bytes, not the file reader's 1 MiB: a fuzzer
  // feeds this millions of short inputs.
  const size_t bufSize = std::min(bytes.size(), size_t(1) << 20);
  return detail::readCsv(
      values,
      [&](char *buf, size_t size) {
        size_t n = std::min(size, bytes.size());
        std::memcpy(buf, bytes.data(), n);
        bytes.remove_prefix(n);
        return n;
      },
      bufSize);
}

std::vector<uint64_t> loadInput(const bc::IoEntry &e, const std::string &path, uint8_t fracBits) {
  return readInput(specOf(e, fracBits), path).values;
}

InputValues loadInputs(const bc::Program &prog, const std::map<std::string, std::string> &files,
                       const std::vector<uint32_t> &parties, InputCache *cache) {
  for (const auto &[name, path] : files) {
    bool known = false;
    for (const auto &e : prog.inputs)
      known = known || e.name == name;
    if (!known) {
      std::string list;
      for (const auto &e : prog.inputs)
        list += (list.empty() ? "" : ", ") + e.name;
      throw DataError("input '" + name + "' given with --input is not an input of the program" +
                      (list.empty() ? std::string(" (it has none)") : " (inputs: " + list + ")"));
    }
  }
  InputValues values;
  for (const auto &e : prog.inputs) {
    bool mine = parties.empty();
    for (uint32_t p : parties)
      mine = mine || p == e.party;
    if (!mine) continue;
    auto it = files.find(e.name);
    if (it == files.end())
      throw DataError("input '" + e.name + "' (party " + std::to_string(e.party) +
                      ") has no data: pass --input " + e.name + "=FILE");
    const InputSpec spec = specOf(e, prog.fracBits);
    if (cache) {
      auto c = cache->find(e.name);
      if (c != cache->end() && c->second.path == it->second && c->second.spec.keepValues &&
          c->second.spec.elem == spec.elem && c->second.spec.fracBits == spec.fracBits &&
          c->second.spec.ndims == spec.ndims && c->second.data.dims == *spec.expect) {
        values[e.name] = std::move(c->second.data.values);
        cache->erase(c);
        continue;
      }
    }
    // Not read ahead, or read with another shape: read it against the
    // declared shape, which also words any mismatch precisely.
    values[e.name] = readInput(spec, it->second).values;
  }
  return values;
}

std::pair<std::string, std::string> parseInputArg(const std::string &arg) {
  size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
    throw DataError("--input takes NAME=FILE, got '" + arg + "'");
  return {arg.substr(0, eq), arg.substr(eq + 1)};
}

} // namespace smpc::data
