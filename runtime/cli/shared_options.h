//===- shared_options.h - options several commands take, declared once ----===//
//
// A command adds the ones it takes to its OptionTable; spelling, value
// name, help and checks live here only, so `smpc run -D`, `smpc disasm -D`
// and `smpcc cost -D` cannot drift apart.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/cli/options.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace smpc::cli {

/// How a .smpc source becomes bytecode.
struct SourceOptions {
  std::map<std::string, int64_t> defines; // -D
  std::vector<std::string> importPaths;   // -I
  int optLevel = 2;                       // -O
  std::optional<uint8_t> fracBits;        // --frac-bits (default: the compiler's)
  std::vector<std::string> given;         // which of these were on the command line
};

/// The protocols `--protocol` accepts (vm/bytecode/protocols.def); without
/// `clear` for the commands that run one party of a job.
std::vector<std::string> protocolChoices(bool withClear = true);

/// -D NAME=VALUE, -I DIR, -O0|-O2, --frac-bits F.
void addSourceOptions(OptionTable &t, SourceOptions &out);
/// --input NAME=FILE, repeated; a name given twice is an error.
void addInputOption(OptionTable &t, std::map<std::string, std::string> &files,
                    const std::string &help);
/// --protocol with protocolChoices(withClear).
void addProtocolOption(OptionTable &t, std::string &out, const std::string &help,
                       bool withClear = true);
/// --parties N (1..1024).
void addPartiesOption(OptionTable &t, uint32_t &out, const std::string &help);
/// --preprocessing dealer|ot.
void addPreprocessingOption(OptionTable &t, std::string &out, const std::string &help);
/// --max-steps N.
void addMaxStepsOption(OptionTable &t, uint64_t &out);
/// --stats.
void addStatsOption(OptionTable &t, bool &out);
/// --output-json FILE.
void addOutputJsonOption(OptionTable &t, std::string &out, const std::string &help);
/// --json: print the command's result as one JSON document on stdout.
void addJsonOption(OptionTable &t, bool &out);
/// --verbose: log progress to stderr (never data).
void addVerboseOption(OptionTable &t, bool &out);
/// --config CLUSTER.json, the cluster configuration (docs/network.md).
void addClusterOption(OptionTable &t, std::string &out);
/// --key FILE, this node's secret key (from `smpc keygen`).
void addKeyOption(OptionTable &t, std::string &out, const std::string &help);

/// --key-fd N: the secret key on inherited descriptor N (3 or above), as
/// `smpc run` passes its ephemeral keys; 0 when not given.
void addKeyFdOption(OptionTable &t, uint64_t &out);
/// Prints the usage error and returns kExitUsage unless exactly one of
/// --key FILE and --key-fd N was given to `smpc <command>`.
std::optional<int> checkKeySource(const std::string &command, const std::string &keyPath,
                                  uint64_t keyFd);

/// Parses NAME=INTEGER as -D takes it; throws UsageError.
std::pair<std::string, int64_t> parseDefine(const std::string &arg);

} // namespace smpc::cli
