//===- local_cluster.h - the multi-party path of `smpc run` ---------------===//
#pragma once

#include "runtime/data/inputs.h"
#include "vm/bytecode/program.h"

#include <cstdint>
#include <map>
#include <memory>
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

/// The node processes of one `smpc run` on this machine. They start before
/// the program and the inputs are ready, so their start-up and the mesh's
/// connections and handshakes overlap the compilation and the parsing of
/// the input files; run() then hands each party its job.
class LocalCluster {
public:
  /// Starts the dealer (if the job has one) and `req.parties` parties for
  /// `req.protocol`, `req.preprocessing` and `req.maxSteps` (the other
  /// fields are not read yet). Throws std::runtime_error when a process or
  /// an in-memory file cannot be made.
  explicit LocalCluster(const RunRequest &req);
  /// Kills and reaps the nodes when run() was never called (the launcher
  /// refused the program or an input), so none outlives the refusal.
  ~LocalCluster();
  LocalCluster(const LocalCluster &) = delete;
  LocalCluster &operator=(const LocalCluster &) = delete;

  /// Hands the program and each party's own inputs to the nodes, waits for
  /// them and prints the outputs as `smpc run` does (runtime/data/outputs.h);
  /// returns an exit code. `req` must have the protocol, parties,
  /// preprocessing and step limit the cluster was started with.
  int run(const RunRequest &req);

  struct State;

private:
  std::unique_ptr<State> s_;
};

/// Starts a LocalCluster for `req` and runs it; `req.parties` is the party
/// count, already resolved by the caller (smpc run).
int runLocalCluster(const RunRequest &req);

} // namespace smpc::cli
