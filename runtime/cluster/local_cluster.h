//===- local_cluster.h - the multi-party path of `smpc run` ---------------===//
#pragma once

#include "runtime/data/inputs.h"
#include "vm/bytecode/program.h"

#include <cstdint>
#include <map>
#include <string>

namespace smpc::cli {

struct RunRequest {
  bc::Program program;                           // verified
  std::string programPath;                       // as given on the command line
  std::map<std::string, std::string> inputFiles; // input name -> data file
  data::InputValues inputs;                      // every input, loaded and encoded
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

} // namespace smpc::cli
