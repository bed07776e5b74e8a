//===- stream.cpp - two-pass line reader for large CSV files --------------===//
#include "runtime/data/stream.h"

#include "runtime/data/inputs.h"
#include "runtime/data/number.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <vector>

namespace smpc::data {

namespace {

constexpr std::size_t kMaxLine = std::size_t(1) << 20;

bool isJson(const std::string &p) {
  return p.size() >= 5 && p.compare(p.size() - 5, 5, ".json") == 0;
}

std::string prefix(const std::string &path, uint32_t line) {
  std::string p = path; // appended piece by piece: GCC 12's -Wrestrict misfires on a + chain
  if (line) p.append(1, ':').append(std::to_string(line));
  return p.append(": ");
}

/// Calls `row(line, fields)` for each non-blank line, fields split on commas.
void eachLine(const std::string &path,
              const std::function<void(uint32_t, const std::vector<std::string> &)> &row) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw DataError(prefix(path, 0) + "is a directory, not a data file");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw DataError(prefix(path, 0) + "cannot open the file");
  std::string line;
  std::vector<std::string> fields;
  uint32_t no = 0;
  while (std::getline(f, line)) {
    ++no;
    if (line.size() > kMaxLine)
      throw DataError(prefix(path, no) + "the line is longer than 1 MiB; write one value per line");
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    fields.clear();
    std::size_t start = 0;
    for (;;) {
      std::size_t comma = line.find(',', start);
      fields.push_back(line.substr(start, comma == std::string::npos ? comma : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    row(no, fields);
  }
  if (f.bad()) throw DataError(prefix(path, 0) + "cannot read the file");
}

/// One CSV field of dataset `name` to its ring encoding; the message names
/// the file, line and field, never the text (it may be secret).
uint64_t encodeField(bc::ElemType t, const std::string &text, uint8_t fracBits,
                     const std::string &name, const std::string &path, uint32_t line,
                     uint32_t field) {
  uint64_t v = 0;
  ValueError e = encodeValue(text, t, fracBits, v);
  if (e != ValueError::None)
    throw DataError(prefix(path, line) + "input '" + name + "': field " + std::to_string(field) +
                    " " + describe(e, fracBits));
  return v;
}

bc::IoEntry jsonEntry(const std::string &name, const FileShape &s, bc::ElemType t) {
  bc::IoEntry e;
  e.name = name;
  e.elem = t;
  e.ndims = s.ndims;
  e.rows = s.rows;
  e.cols = s.cols;
  return e;
}

FileShape jsonShape(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw DataError(prefix(path, 0) + "cannot open the file");
  auto j = nlohmann::json::parse(f, nullptr, false);
  if (j.is_discarded()) throw DataError(prefix(path, 0) + "the file is not valid JSON");
  FileShape s;
  if (!j.is_array()) return {0, 1, 1};
  if (!j.empty() && j[0].is_array()) {
    s.ndims = 2;
    s.rows = uint32_t(j.size());
    s.cols = uint32_t(j[0].size());
  } else {
    s.rows = uint32_t(j.size());
  }
  return s;
}

} // namespace

FileShape scanDataFile(const std::string &path, const std::string &name, bc::ElemType t,
                       uint8_t fracBits, const std::string &layout) {
  if (layout != "auto" && layout != "scalar" && layout != "vector" && layout != "matrix")
    throw DataError("the layout is auto, scalar, vector or matrix, got '" + layout + "'");
  FileShape s;
  if (isJson(path)) {
    s = jsonShape(path);
    (void)loadInput(jsonEntry(name, s, t), path, fracBits); // checks every value
  } else {
    uint64_t rows = 0, total = 0;
    uint32_t cols = 0;
    bool rectangular = true;
    eachLine(path, [&](uint32_t no, const std::vector<std::string> &fields) {
      for (std::size_t i = 0; i < fields.size(); ++i)
        (void)encodeField(t, fields[i], fracBits, name, path, no, uint32_t(i + 1));
      if (rows == 0) cols = uint32_t(fields.size());
      rectangular = rectangular && fields.size() == cols;
      if (layout == "matrix" && !rectangular)
        throw DataError(prefix(path, no) + "row " + std::to_string(rows + 1) + " has " +
                        std::to_string(fields.size()) + " values, expected " +
                        std::to_string(cols));
      ++rows;
      total += fields.size();
      if (total > (uint64_t(1) << 32))
        throw DataError(prefix(path, 0) + "has more than 2^32 values");
    });
    if (total == 0) throw DataError(prefix(path, 0) + "has no values");
    const bool vectorish = cols == 1 || rows == 1;
    if (layout == "matrix" || (layout == "auto" && !vectorish)) {
      if (!rectangular)
        throw DataError(prefix(path, 0) + "has rows of different lengths (a matrix needs the "
                                          "same number of values on every line)");
      s = {2, uint32_t(rows), cols};
    } else if (!vectorish) {
      throw DataError(prefix(path, 0) +
                      "has several values on several lines: that is a "
                      "matrix, not a " +
                      layout);
    } else {
      s = {1, uint32_t(total), 1};
    }
  }
  if (layout == "scalar") {
    if (s.count() != 1)
      throw DataError(prefix(path, 0) + "has " + std::to_string(s.count()) +
                      " values, a scalar has one");
    s = {0, 1, 1};
  } else if (layout == "vector" && s.ndims == 0) {
    s = {1, 1, 1};
  }
  return s;
}

void streamDataFile(const std::string &path, const std::string &name, bc::ElemType t,
                    uint8_t fracBits, std::size_t chunk,
                    const std::function<void(std::span<const uint64_t>)> &sink) {
  std::vector<uint64_t> buf;
  buf.reserve(chunk);
  auto flush = [&] {
    if (buf.empty()) return;
    sink(buf);
    sodium_memzero(buf.data(), buf.size() * sizeof(uint64_t));
    buf.clear();
  };
  if (isJson(path)) {
    FileShape s = jsonShape(path);
    auto all = loadInput(jsonEntry(name, s, t), path, fracBits);
    for (uint64_t v : all) {
      buf.push_back(v);
      if (buf.size() == chunk) flush();
    }
    sodium_memzero(all.data(), all.size() * sizeof(uint64_t));
    return flush();
  }
  eachLine(path, [&](uint32_t no, const std::vector<std::string> &fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      buf.push_back(encodeField(t, fields[i], fracBits, name, path, no, uint32_t(i + 1)));
      if (buf.size() == chunk) flush();
    }
  });
  flush();
}

} // namespace smpc::data
