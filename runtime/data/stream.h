//===- stream.h - data files read in bounded memory (client uploads) ------===//
//
// `smpc share` must handle files far larger than its buffers: a file is read
// twice by the streaming readers of `smpc run --input` (inputs.h), so it
// means the same to both. The first pass checks every value and finds the
// shape (nothing is sent before it passes); the second encodes the values
// in chunks.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/program.h"

#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace smpc::data {

struct FileShape {
  uint8_t ndims = 1; // 0 scalar, 1 vector, 2 matrix
  uint32_t rows = 0, cols = 1;
  uint64_t count() const { return uint64_t(rows) * cols; }
};

/// How to read the file's layout: "auto" (one column or one line: a vector;
/// several columns on several lines: a matrix), "scalar", "vector", "matrix".
/// Throws DataError (naming file, line and field, never the value).
/// `name` (the dataset) appears in error messages.
FileShape scanDataFile(const std::string &path, const std::string &name, bc::ElemType t,
                       uint8_t fracBits, const std::string &layout = "auto");

/// Calls `sink` with the encoded values in row-major order, at most
/// `chunk` values at a time (the span is wiped after each call). `shape` is
/// what scanDataFile found: a file changed since then is a DataError.
void streamDataFile(const std::string &path, const std::string &name, bc::ElemType t,
                    uint8_t fracBits, const FileShape &shape, std::size_t chunk,
                    const std::function<void(std::span<const uint64_t>)> &sink);

} // namespace smpc::data
