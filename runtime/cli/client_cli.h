//===- client_cli.h - what the cluster-client commands share --------------===//
//
// `smpc share/submit/approve/jobs/result/datasets/drop/cancel` take the
// client's cluster file, its key, --json and a timeout, declared here once;
// and submit/approve turn a .smpc source into bytecode whose parameters
// come from the shapes of the datasets it is bound to.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/cli/options.h"
#include "runtime/cli/shared_options.h"
#include "runtime/client/client.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace smpc::cli {

struct ClientArgs {
  std::string cluster; // --cluster cluster.json
  std::string key;     // --key (default: the cluster file's "key")
  bool json = false;   // --json
  uint64_t timeoutS = 30;
};

/// --cluster FILE (required), --key FILE, --json, --timeout SECONDS.
void addClientOptions(OptionTable &t, ClientArgs &a);

/// Connects to every node of the cluster file.
client::Client connectClient(const ClientArgs &a);

/// Prints a failure: `smpc: error: ...` on stderr, and with --json also
/// {"ok": false, "error": ..., "code": ...} on stdout. Returns kExitFail.
int clientFailure(const ClientArgs &a, const std::exception &e);

/// Prints `j` (with --json) or `text` (without).
void printResult(const ClientArgs &a, const nlohmann::json &j, const std::string &text);

struct JobProgram {
  bc::Program program;
  std::vector<uint8_t> bytecode;
};

/// Reads PROG.smpcb, or compiles PROG.smpc: every parameter that is exactly
/// one dimension of an input and has no -D takes its size from the dataset
/// the input is bound to (as listed by party 0). Prints errors; nullopt on
/// failure.
std::optional<JobProgram> programForJob(const std::string &path, const SourceOptions &src,
                                        const std::map<std::string, std::string> &bindings,
                                        client::Client &c);

/// Parses NAME=VALUE; throws UsageError naming `option`.
std::pair<std::string, std::string> parseAssignment(const std::string &arg,
                                                    const std::string &option);

} // namespace smpc::cli
