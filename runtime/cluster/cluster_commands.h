//===- cluster_commands.h - the node subcommands and their shared parts ---===//
//
// `smpc keygen`, `smpc party` and `smpc dealer` (runtime/cli/cmd_*.cpp),
// compiled into smpc_cluster and handed to the CLI by clusterSubcommands().
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/program.h"

#include <string>
#include <vector>

namespace smpc::cli {

int cmdKeygen(const std::vector<std::string> &args);
int cmdParty(const std::vector<std::string> &args);
int cmdDealer(const std::vector<std::string> &args);

/// Reads and verifies a .smpcb file; throws std::runtime_error naming the
/// file on failure.
bc::Program readProgramFile(const std::string &path);

} // namespace smpc::cli
