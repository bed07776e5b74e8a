//===- commands.h - the built-in subcommands and their shared helpers -----===//
#pragma once

#include "runtime/cli/subcommand.h"
#include "vm/bytecode/program.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace smpc::cli {

int cmdRun(const std::vector<std::string> &args);
int cmdAsm(const std::vector<std::string> &args);
int cmdDisasm(const std::vector<std::string> &args);
int cmdOpcodes(const std::vector<std::string> &args);
int cmdVersion(const std::vector<std::string> &args);
int cmdHealthcheck(const std::vector<std::string> &args);

/// How to turn a .smpc or .smpcb path into a verified program.
struct LoadOptions {
  std::map<std::string, int64_t> defines;        // -D
  std::map<std::string, std::string> inputFiles; // to infer parameters from data
  int optLevel = 2;
  std::vector<std::string> importPaths;
};

/// Reads and verifies bytecode, or compiles source (inferring parameters
/// that size inputs from the input files). Prints the error and returns
/// nullopt on failure.
std::optional<bc::Program> loadProgram(const std::string &path, const LoadOptions &opts);

/// Prints `smpc: error: msg` to stderr.
void printError(const std::string &msg);

/// Parses NAME=VALUE given to -D; false on a malformed argument.
bool parseDefine(const std::string &arg, std::map<std::string, int64_t> &defines);

} // namespace smpc::cli
