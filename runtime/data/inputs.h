//===- inputs.h - input data files (CSV, JSON) to ring-encoded values -----===//
//
// Every check happens before anything runs: a missing, unknown, misshapen,
// non-numeric or out-of-range input is a DataError naming the input and the
// file (and line for CSV). Messages never quote the data itself.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/program.h"
#include "vm/core/machine.h"

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace smpc::data {

class DataError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Reads the values of input `e` from `path` (.json = JSON, anything else
/// CSV) and encodes them: ints two's complement, fix scaled by 2^fracBits
/// rounded to nearest, bools 0/1.
std::vector<uint64_t> loadInput(const bc::IoEntry &e, const std::string &path, uint8_t fracBits);

/// Loads the inputs named in `files` (input name -> path). Every input of
/// the program owned by a party in `parties` (empty = all) must be given,
/// and every given name must be an input of the program.
vm::InputValues loadInputs(const bc::Program &prog, const std::map<std::string, std::string> &files,
                           const std::vector<uint32_t> &parties = {});

/// The shape of the data in `path` read as an `ndims`-dimensional value
/// (1: {length}, 2: {rows, cols}), for inferring compile-time parameters.
std::vector<uint64_t> fileDims(const std::string &inputName, const std::string &path,
                               unsigned ndims);

/// Parses `name=path` (as given to --input).
std::pair<std::string, std::string> parseInputArg(const std::string &arg);

} // namespace smpc::data
