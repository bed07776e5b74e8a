//===- reader.h - what the CSV and JSON readers share (private) -----------===//
#pragma once

#include "runtime/data/inputs.h"
#include "runtime/data/number.h"

#include <functional>
#include <span>

namespace smpc::data::detail {

/// Fills `buf` with up to `size` bytes; returns 0 at the end.
using ReadFn = std::function<size_t(char *buf, size_t size)>;

/// Takes values in chunks (the span is wiped after each call).
using Sink = std::function<void(std::span<const uint64_t>)>;

/// Where the values go, with the messages every reader uses.
class Values {
public:
  /// `sizeHint`: an upper bound of the number of values when the shape is
  /// open (e.g. from the file size), 0 if unknown.
  /// With a `sink`, the values go there, at most `chunk` at a time, instead
  /// of into InputData::values (a file of any size in bounded memory).
  Values(const InputSpec &spec, const std::string &path, uint64_t sizeHint,
         const Sink *sink = nullptr, size_t chunk = 0);
  ~Values();
  Values(const Values &) = delete;
  Values &operator=(const Values &) = delete;

  /// Encodes one value; on a bad value throws DataError with `at()`
  /// ("field 2", "value 3"), which is called only then: no text is built
  /// per value. Call checkRoom() first.
  template <class At> void add(std::string_view text, uint64_t line, const At &at) {
    uint64_t v = 0;
    ValueError e = encodeValue(text, spec_.elem, spec_.fracBits, v);
    if (e != ValueError::None) [[unlikely]]
      fail(line, at() + " " + describe(e, spec_.fracBits));
    addEncoded(v);
  }
  /// Adds an already-encoded value.
  void addEncoded(uint64_t v) {
    ++count_;
    if (sink_) {
      chunk_.push_back(v);
      if (chunk_.size() >= chunkSize_) flush();
    } else if (spec_.keepValues) {
      out_.values.push_back(v);
    }
  }
  uint64_t count() const { return count_; }
  /// Throws when an open shape would exceed what an input can hold.
  void checkRoom(uint64_t line);

  /// "a vector of 3 values", "a 2 x 3 matrix", "a single value".
  std::string shapeName() const;
  /// `path[:line]: input 'x': what`.
  [[noreturn]] void fail(uint64_t line, const std::string &what) const;
  /// The expected shape's dims: {} / {n} / {rows, cols}.
  uint64_t expectRows() const { return (*spec_.expect)[0]; }
  uint64_t expectCols() const { return (*spec_.expect)[1]; }

  const InputSpec &spec() const { return spec_; }
  /// Flushes the sink's last chunk; the values (none with a sink) and `dims`.
  InputData take(Dims dims);

private:
  void flush();

  const InputSpec &spec_;
  const std::string &path_;
  uint64_t count_ = 0;
  InputData out_;
  const Sink *sink_;
  const size_t chunkSize_;
  std::vector<uint64_t> chunk_; // for sink_
};

/// "1 value", "3 values".
std::string plural(uint64_t n, const char *one, const char *many);
/// "1st", "2nd", "3rd", "4th", ...
std::string ordinal(uint64_t n);

/// Each reads the whole input (or fails) and returns values.take(dims).
/// readCsv reads in chunks of `bufSize` bytes (what it allocates).
InputData readCsv(Values &values, const ReadFn &read, size_t bufSize = size_t(1) << 20);
InputData readJsonStream(Values &values, std::istream &in);
InputData readJsonBytes(Values &values, std::string_view bytes);

/// readInput() with the values going to `sink` (see Values).
InputData readInputTo(const InputSpec &spec, const std::string &path, const Sink &sink,
                      size_t chunk);

} // namespace smpc::data::detail
