//===- stream.cpp - client uploads through the readers of `smpc run` ------===//
//
// A file means the same to `smpc share` as to `smpc run --input`: both go
// through readInput (the streaming CSV and JSON readers), so trimming, the
// byte-order mark, number syntax and the messages are the same. The scan
// keeps no values; the second pass hands them to the sink in chunks.
//===----------------------------------------------------------------------===//
#include "runtime/data/stream.h"

#include "runtime/data/reader.h"

#include <fstream>
#include <nlohmann/json.hpp>

namespace smpc::data {

namespace {

bool isJson(const std::string &p) {
  return p.size() >= 5 && p.compare(p.size() - 5, 5, ".json") == 0;
}

// The dimensions a JSON file's nesting gives (JSON files are small by
// nature: this parses the whole file once more).
uint8_t jsonDims(const std::string &path, const std::string &name) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw DataError(path + ": input '" + name + "': cannot open the file");
  auto j = nlohmann::json::parse(f, nullptr, false);
  if (j.is_discarded())
    throw DataError(path + ": input '" + name + "': the file is not valid JSON");
  if (!j.is_array()) return 0;
  return !j.empty() && j[0].is_array() ? 2 : 1;
}

InputSpec specFor(const std::string &name, bc::ElemType t, uint8_t fracBits, uint8_t ndims) {
  InputSpec s;
  s.name = name;
  s.elem = t;
  s.fracBits = fracBits;
  s.ndims = ndims;
  return s;
}

} // namespace

FileShape scanDataFile(const std::string &path, const std::string &name, bc::ElemType t,
                       uint8_t fracBits, const std::string &layout) {
  if (layout != "auto" && layout != "scalar" && layout != "vector" && layout != "matrix")
    throw DataError("the layout is auto, scalar, vector or matrix, got '" + layout + "'");
  // A CSV file read as an open matrix is checked row by row; "auto" then
  // takes one row or one column as a vector.
  uint8_t ndims = layout == "scalar" ? 0 : layout == "vector" ? 1 : 2;
  if (isJson(path)) ndims = jsonDims(path, name);
  InputSpec spec = specFor(name, t, fracBits, ndims);
  spec.keepValues = false; // checks every value, keeps only the shape
  const Dims d = readInput(spec, path).dims;
  uint64_t count = 1;
  for (uint64_t x : d)
    count *= x;
  if (count == 0) throw DataError(path + ": input '" + name + "': the file has no values");
  FileShape s;
  if (d.size() == 0) s = {0, 1, 1};
  if (d.size() == 1) s = {1, uint32_t(d[0]), 1};
  if (d.size() == 2) s = {2, uint32_t(d[0]), uint32_t(d[1])};
  if (layout == "auto" && !isJson(path) && (s.rows == 1 || s.cols == 1))
    s = {1, uint32_t(count), 1};
  if (layout == "scalar") {
    if (count != 1)
      throw DataError(path + ": input '" + name + "': the file has " + std::to_string(count) +
                      " values, a scalar has one");
    s = {0, 1, 1};
  } else if (layout == "vector" && s.ndims == 0) {
    s = {1, 1, 1};
  }
  return s;
}

void streamDataFile(const std::string &path, const std::string &name, bc::ElemType t,
                    uint8_t fracBits, const FileShape &shape, std::size_t chunk,
                    const std::function<void(std::span<const uint64_t>)> &sink) {
  // Read against the scanned shape, so a file changed since the scan is
  // refused rather than sent with another shape.
  uint8_t ndims = shape.ndims;
  if (isJson(path)) ndims = jsonDims(path, name);
  InputSpec spec = specFor(name, t, fracBits, ndims);
  uint64_t count = shape.count();
  if (ndims == 0) spec.expect = Dims{};
  if (ndims == 1) spec.expect = Dims{count};
  if (ndims == 2) spec.expect = Dims{shape.rows, shape.cols};
  if (isJson(path) && ndims != shape.ndims) spec.expect.reset(); // a layout changed the nesting
  const Dims d = detail::readInputTo(spec, path, sink, chunk).dims;
  uint64_t got = 1;
  for (uint64_t x : d)
    got *= x;
  if (got != count)
    throw DataError(path + ": input '" + name + "': the file changed while it was being sent");
}

} // namespace smpc::data
