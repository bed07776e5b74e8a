//===- commands.h - the `smpc` subcommands (from commands.def) -----------===//
#pragma once

#include "runtime/cli/options.h"

#include <string>
#include <string_view>
#include <vector>

namespace smpc::cli {

#define SMPC_COMMAND(name, function, summary) int function(const std::vector<std::string> &args);
#include "runtime/cli/commands.def"

/// The option table of `smpc <command>`, with the summary from commands.def.
OptionTable commandOptions(std::string_view command, const std::string &synopsis);

} // namespace smpc::cli
