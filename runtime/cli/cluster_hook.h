//===- cluster_hook.h - the multi-party path of `smpc run` ----------------===//
//
// Implemented in runtime/cluster/ (target smpc_cluster). When that target
// exists the CLI links it and calls these; otherwise `--protocol semi2k`
// reports that it is not available in this build.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/cli/subcommand.h"
#include "vm/bytecode/program.h"
#include "vm/core/machine.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace smpc::cli {

struct RunRequest {
  bc::Program program;                           // verified
  std::string programPath;                       // as given on the command line
  std::map<std::string, std::string> inputFiles; // input name -> data file
  vm::InputValues inputs;                        // every input, loaded and encoded
  std::string protocol;                          // e.g. "semi2k"
  uint32_t parties = 0;                          // --parties (0 = program's minimum)
  std::string preprocessing = "dealer";          // --preprocessing dealer|ot
  bool stats = false;                            // --stats
  std::string outputJson;                        // --output-json FILE ("" = none)
  uint64_t maxSteps = 0;                         // --max-steps
};

/// Runs the program on a local cluster (one process per party), prints the
/// outputs as `smpc run` does (runtime/data/outputs.h), returns an exit code.
int runLocalCluster(const RunRequest &req);

/// Extra subcommands (keygen, party, dealer, ...) added to the table.
std::vector<Subcommand> clusterSubcommands();

} // namespace smpc::cli
