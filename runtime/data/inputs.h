//===- inputs.h - input data files (CSV, JSON) to ring-encoded values -----===//
//
// Files are streamed: each value is parsed straight into its ring encoding
// and the shape is checked as the values arrive, so a file of the wrong
// shape is refused at its first surplus value and memory stays at the size
// of the encoded values. Everything is checked before anything runs: a
// missing, unknown, misshapen, non-numeric or out-of-range input is a
// DataError naming the input and the file (and line for CSV). Messages never
// quote the data itself. Formats: docs/running.md, "Input data files".
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/program.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace smpc::data {

class DataError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A read given up because InputSpec::stop was set (not a problem of its file).
class ReadStopped : public DataError {
public:
  using DataError::DataError;
};

/// The shape of an input's data: {} a scalar, {n} a vector, {rows, cols} a matrix.
using Dims = std::vector<uint64_t>;

/// What to read from one file.
struct InputSpec {
  std::string name; // the input, for messages
  bc::ElemType elem = bc::ElemType::Int;
  uint8_t fracBits = 16;
  uint8_t ndims = 0;
  std::optional<Dims> expect; // the declared shape; nullopt: take it from the data
  bool keepValues = true;     // false: check every value, keep only the shape
  /// Set by another thread: a CSV read gives up at its next chunk
  /// (ReadStopped), e.g. when a file read alongside was refused.
  const std::atomic<bool> *stop = nullptr;
};

/// The spec of input `e` of a program with `fracBits` fraction bits.
InputSpec specOf(const bc::IoEntry &e, uint8_t fracBits);

struct InputData {
  Dims dims;
  std::vector<uint64_t> values; // row-major; empty when !keepValues
};

/// Streams the file at `path` (.json = JSON, anything else CSV) and encodes
/// its values: ints two's complement, fix as round-half-even of
/// value * 2^fracBits, bools 0/1. Throws DataError at the first problem.
InputData readInput(const InputSpec &spec, const std::string &path);

/// The same from bytes in memory; `path` names them in messages and says
/// the format.
InputData readInputBytes(const InputSpec &spec, std::string_view bytes, const std::string &path);

/// The values of input `e` from `path`, checked against its declared shape.
std::vector<uint64_t> loadInput(const bc::IoEntry &e, const std::string &path, uint8_t fracBits);

/// Inputs read before the program was compiled (to infer parameters from
/// their shape), by input name: loadInputs takes their values instead of
/// reading the files again.
struct ReadAhead {
  std::string path;
  InputSpec spec;
  InputData data;
};
using InputCache = std::map<std::string, ReadAhead>;

/// Input name -> encoded values (the VM's InputValues).
using InputValues = std::map<std::string, std::vector<uint64_t>>;

/// Loads the inputs named in `files` (input name -> path). Every input of
/// the program owned by a party in `parties` (empty = all) must be given,
/// and every given name must be an input of the program. Entries of `cache`
/// that match an input (same file, type and shape) are moved out of it.
InputValues loadInputs(const bc::Program &prog, const std::map<std::string, std::string> &files,
                       const std::vector<uint32_t> &parties = {}, InputCache *cache = nullptr);

/// Parses `name=path` (as given to --input).
std::pair<std::string, std::string> parseInputArg(const std::string &arg);

} // namespace smpc::data
