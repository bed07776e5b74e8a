//===- cmd_version.cpp - `smpc version` ------------------------------------===//
#include "runtime/cli/commands.h"
#include "vm/bytecode/program.h"

#include <iostream>

namespace smpc::cli {

int cmdVersion(const std::vector<std::string> &args) {
  OptionTable t = commandOptions("version", "");
  if (auto rc = t.parse(args)) return *rc;
  std::cout << "smpc " << SMPC_VERSION << " (bytecode version " << bc::kVersion << ")\n";
  return kExitOk;
}

} // namespace smpc::cli
