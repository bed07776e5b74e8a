//===- cmd_version.cpp - `smpc version` ------------------------------------===//
#include "runtime/cli/commands.h"

#include <iostream>

namespace smpc::cli {

int cmdVersion(const std::vector<std::string> &args) {
  if (!args.empty()) {
    printError("`smpc version` takes no arguments");
    return kExitUsage;
  }
  std::cout << "smpc " << SMPC_VERSION << " (bytecode version " << bc::kVersion << ")\n";
  return kExitOk;
}

} // namespace smpc::cli
