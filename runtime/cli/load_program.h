//===- load_program.h - a verified program from .smpc or .smpcb -----------===//
//
// Shared by `smpc` and `smpcc`: compiling a source with its parameters
// inferred from the input files, and reading bytecode.
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/api.h"
#include "runtime/cli/shared_options.h"
#include "runtime/data/inputs.h"
#include "vm/bytecode/program.h"

#include <map>
#include <optional>
#include <ostream>
#include <string>

namespace smpc::cli {

/// Prints `smpc: error: msg` to stderr in one write, so the lines of
/// concurrent nodes stay whole.
void printError(const std::string &msg);

/// The message of an exception for the user: std::bad_alloc becomes a
/// sentence that says what to do instead of "std::bad_alloc".
std::string errorText(const std::exception &e);

/// Reads a whole file of at most 4 GiB (a program or source); returns false
/// and says why ("does not exist", ...) otherwise.
bool readSmallFile(const std::string &path, std::string &out, std::string &why);

/// Compiler options for the source at `path`: `src` plus every parameter
/// that is exactly one dimension of an input and has no -D, taken from the
/// shape of that input's file in `inputFiles`. The files are read once:
/// their values are kept in `cache` for data::loadInputs. A parameter whose
/// default an input file overrides draws a note. Prints diagnostics and
/// errors as `tool: ...` to `diags`; nullopt on failure.
std::optional<compiler::Options> sourceOptions(const std::string &tool, const std::string &path,
                                               const std::string &source, const SourceOptions &src,
                                               const std::map<std::string, std::string> &inputFiles,
                                               data::InputCache *cache, std::ostream &diags);

/// How `smpc` turns a .smpc or .smpcb path into a verified program.
struct LoadOptions {
  SourceOptions source;
  std::map<std::string, std::string> inputFiles; // to infer parameters from data
  data::InputCache *cache = nullptr;             // where those files' values are kept
};

/// Reads and verifies bytecode, or compiles source. Source-only options
/// given for bytecode are an error. Prints the error and returns nullopt on
/// failure.
std::optional<bc::Program> loadProgram(const std::string &path, const LoadOptions &opts);

/// Reads and verifies a .smpcb file; throws std::runtime_error naming the
/// file on failure.
bc::Program readProgramFile(const std::string &path);

} // namespace smpc::cli
