//===- inputs.cpp - parse, shape-check and encode input data files --------===//
#include "runtime/data/inputs.h"

#include "vm/bytecode/limits.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace smpc::data {

namespace {

using json = nlohmann::json;

constexpr uint64_t kMaxFileBytes = uint64_t(1) << 32;

// One value as read from a file, with where it came from.
struct Cell {
  std::string text; // CSV text (trimmed)
  const json *j = nullptr;
  uint32_t line = 0;  // CSV: 1-based line; JSON: 0
  uint32_t field = 0; // 1-based field within the line / array
};

struct Table {
  std::vector<std::vector<Cell>> rows;
  int jsonDepth = -1; // -1: CSV; 0 scalar, 1 array, 2 array of arrays
  json doc;
};

bool isJsonPath(const std::string &p) {
  return p.size() >= 5 && p.compare(p.size() - 5, 5, ".json") == 0;
}

std::string where(const std::string &input, const std::string &path, uint32_t line) {
  std::string w = path;
  if (line) w += ":" + std::to_string(line);
  return w + ": input '" + input + "': ";
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string readFile(const std::string &input, const std::string &path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw DataError(where(input, path, 0) + "is a directory, not a data file");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw DataError(where(input, path, 0) + "cannot open the file");
  f.seekg(0, std::ios::end);
  auto size = f.tellg();
  if (size < 0 || uint64_t(size) > kMaxFileBytes)
    throw DataError(where(input, path, 0) + "the file is too large or unreadable");
  f.seekg(0);
  std::string s(size_t(size), '\0');
  f.read(s.data(), size);
  if (!f) throw DataError(where(input, path, 0) + "cannot read the file");
  return s;
}

// Fills `t` in place: cells point into t.doc, so a Table never moves.
void readTable(const std::string &input, const std::string &path, Table &t) {
  std::string text = readFile(input, path);
  if (isJsonPath(path)) {
    t.doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (t.doc.is_discarded()) throw DataError(where(input, path, 0) + "the file is not valid JSON");
    const json &d = t.doc;
    if (!d.is_array()) {
      t.jsonDepth = 0;
      t.rows.push_back({Cell{"", &d, 0, 1}});
      return;
    }
    bool nested = !d.empty() && d[0].is_array();
    t.jsonDepth = nested ? 2 : 1;
    if (!nested) t.rows.emplace_back();
    for (size_t i = 0; i < d.size(); ++i) {
      if (d[i].is_array() != nested)
        throw DataError(where(input, path, 0) +
                        "mixes arrays and single values at the same level (element " +
                        std::to_string(i + 1) + ")");
      if (!nested) {
        t.rows[0].push_back(Cell{"", &d[i], 0, uint32_t(i + 1)});
        continue;
      }
      t.rows.emplace_back();
      for (size_t k = 0; k < d[i].size(); ++k) {
        if (d[i][k].is_array() || d[i][k].is_object())
          throw DataError(where(input, path, 0) + "row " + std::to_string(i + 1) +
                          " nests deeper than a matrix");
        t.rows.back().push_back(Cell{"", &d[i][k], 0, uint32_t(k + 1)});
      }
    }
    return;
  }
  std::istringstream in(text);
  std::string line;
  uint32_t lineNo = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    if (trim(line).empty()) continue;
    std::vector<Cell> row;
    size_t start = 0;
    uint32_t field = 0;
    while (true) {
      size_t comma = line.find(',', start);
      std::string tok =
          trim(line.substr(start, comma == std::string::npos ? comma : comma - start));
      row.push_back(Cell{tok, nullptr, lineNo, ++field});
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    t.rows.push_back(std::move(row));
  }
}

std::string cellWhere(const std::string &input, const std::string &path, const Cell &c) {
  std::string w = where(input, path, c.line);
  if (c.line) return w + "field " + std::to_string(c.field) + " ";
  return w + "value " + std::to_string(c.field) + " ";
}

uint64_t encodeInt(const std::string &input, const std::string &path, const Cell &c) {
  if (c.j) {
    if (c.j->is_number_integer()) {
      if (c.j->is_number_unsigned() && c.j->get<uint64_t>() > uint64_t(INT64_MAX))
        throw DataError(cellWhere(input, path, c) + "is out of range for a 64-bit integer");
      return uint64_t(c.j->get<int64_t>());
    }
    throw DataError(cellWhere(input, path, c) + "is not an integer");
  }
  const char *b = c.text.data(), *e = b + c.text.size();
  if (b != e && *b == '+') ++b;
  int64_t v = 0;
  auto r = std::from_chars(b, e, v);
  if (r.ec == std::errc::result_out_of_range)
    throw DataError(cellWhere(input, path, c) + "is out of range for a 64-bit integer");
  if (c.text.empty() || r.ec != std::errc() || r.ptr != e)
    throw DataError(cellWhere(input, path, c) + "is not an integer");
  return uint64_t(v);
}

uint64_t encodeFix(const std::string &input, const std::string &path, const Cell &c,
                   uint8_t fracBits) {
  double v = 0;
  if (c.j) {
    if (!c.j->is_number()) throw DataError(cellWhere(input, path, c) + "is not a number");
    v = c.j->get<double>();
  } else {
    const char *b = c.text.data(), *e = b + c.text.size();
    if (b != e && *b == '+') ++b;
    auto r = std::from_chars(b, e, v);
    if (r.ec == std::errc::result_out_of_range)
      throw DataError(cellWhere(input, path, c) + "is out of the fixed-point range");
    if (c.text.empty() || r.ec != std::errc() || r.ptr != e)
      throw DataError(cellWhere(input, path, c) + "is not a number");
  }
  if (!std::isfinite(v))
    throw DataError(cellWhere(input, path, c) + "is not a finite number (NaN or infinity)");
  long double scaled = std::nearbyintl(std::ldexp((long double)v, fracBits));
  const long double lim = std::ldexp(1.0L, 63);
  if (scaled >= lim || scaled < -lim)
    throw DataError(cellWhere(input, path, c) +
                    "is out of the fixed-point range (magnitude below 2^" +
                    std::to_string(63 - fracBits) + ")");
  return uint64_t(int64_t(scaled));
}

uint64_t encodeBool(const std::string &input, const std::string &path, const Cell &c) {
  if (c.j) {
    if (c.j->is_boolean()) return c.j->get<bool>() ? 1 : 0;
    if (c.j->is_number_integer() && (c.j->get<int64_t>() == 0 || c.j->get<int64_t>() == 1))
      return uint64_t(c.j->get<int64_t>());
  } else {
    if (c.text == "1" || c.text == "true") return 1;
    if (c.text == "0" || c.text == "false") return 0;
  }
  throw DataError(cellWhere(input, path, c) + "is not a boolean (0, 1, true or false)");
}

std::string shapeName(const bc::IoEntry &e) {
  if (e.ndims == 0) return "a single value";
  if (e.ndims == 1) return "a vector of " + std::to_string(e.rows) + " values";
  return "a " + std::to_string(e.rows) + " x " + std::to_string(e.cols) + " matrix";
}

// The cells of `t` in row-major order if they have the shape of `e`.
std::vector<const Cell *> shaped(const bc::IoEntry &e, const std::string &path, const Table &t) {
  std::vector<const Cell *> cells;
  auto bad = [&](const std::string &found) {
    return DataError(where(e.name, path, 0) + "expected " + shapeName(e) + " but the file has " +
                     found);
  };
  size_t total = 0;
  for (const auto &r : t.rows)
    total += r.size();
  if (t.jsonDepth >= 0 && t.jsonDepth != e.ndims && !(t.jsonDepth == 1 && t.rows[0].empty()))
    throw bad(t.jsonDepth == 0   ? "a single value"
              : t.jsonDepth == 1 ? "a flat array"
                                 : "an array of arrays");
  if (e.ndims == 2) {
    if (t.rows.size() != e.rows) throw bad(std::to_string(t.rows.size()) + " rows");
    for (size_t i = 0; i < t.rows.size(); ++i)
      if (t.rows[i].size() != e.cols)
        throw DataError(where(e.name, path, t.rows[i].empty() ? 0 : t.rows[i][0].line) + "row " +
                        std::to_string(i + 1) + " has " + std::to_string(t.rows[i].size()) +
                        " values, expected " + std::to_string(e.cols));
  } else {
    bool oneLine = t.rows.size() == 1;
    bool column = true;
    for (const auto &r : t.rows)
      column = column && r.size() == 1;
    if (!oneLine && !column)
      throw bad("several values on some lines (a vector is one value per line or one "
                "comma-separated line)");
    if (total != e.size()) throw bad(std::to_string(total) + " value" + (total == 1 ? "" : "s"));
  }
  for (const auto &r : t.rows)
    for (const Cell &c : r)
      cells.push_back(&c);
  return cells;
}

} // namespace

std::vector<uint64_t> loadInput(const bc::IoEntry &e, const std::string &path, uint8_t fracBits) {
  Table t;
  readTable(e.name, path, t);
  std::vector<const Cell *> cells = shaped(e, path, t);
  std::vector<uint64_t> out;
  out.reserve(cells.size());
  for (const Cell *c : cells) {
    switch (e.elem) {
    case bc::ElemType::Int:
      out.push_back(encodeInt(e.name, path, *c));
      break;
    case bc::ElemType::Fix:
      out.push_back(encodeFix(e.name, path, *c, fracBits));
      break;
    case bc::ElemType::Bool:
      out.push_back(encodeBool(e.name, path, *c));
      break;
    }
  }
  return out;
}

vm::InputValues loadInputs(const bc::Program &prog, const std::map<std::string, std::string> &files,
                           const std::vector<uint32_t> &parties) {
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
  vm::InputValues values;
  for (const auto &e : prog.inputs) {
    bool mine = parties.empty();
    for (uint32_t p : parties)
      mine = mine || p == e.party;
    if (!mine) continue;
    auto it = files.find(e.name);
    if (it == files.end())
      throw DataError("input '" + e.name + "' (party " + std::to_string(e.party) +
                      ") has no data: pass --input " + e.name + "=FILE");
    values[e.name] = loadInput(e, it->second, prog.fracBits);
  }
  return values;
}

std::vector<uint64_t> fileDims(const std::string &inputName, const std::string &path,
                               unsigned ndims) {
  Table t;
  readTable(inputName, path, t);
  if (ndims == 2) {
    uint64_t cols = t.rows.empty() ? 0 : t.rows[0].size();
    return {t.rows.size(), cols};
  }
  uint64_t n = 0;
  for (const auto &r : t.rows)
    n += r.size();
  return {n};
}

std::pair<std::string, std::string> parseInputArg(const std::string &arg) {
  size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
    throw DataError("--input takes NAME=FILE, got '" + arg + "'");
  return {arg.substr(0, eq), arg.substr(eq + 1)};
}

} // namespace smpc::data
