//===- main.cpp - `smpc`: run, inspect and serve smpc programs ------------===//
//
// Dispatches to the subcommands of commands.def; each lives in its own
// cmd_*.cpp file with its option table.
//===----------------------------------------------------------------------===//
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"
#include "vm/protocols/common/heap.h"

#include <algorithm>
#include <iostream>

using namespace smpc::cli;

namespace {

struct Command {
  std::string_view name, summary;
  int (*run)(const std::vector<std::string> &args);
};

constexpr Command kCommands[] = {
#define SMPC_COMMAND(name, function, summary) {#name, summary, function},
#include "runtime/cli/commands.def"
};

void usage(std::ostream &o) {
  o << "usage: smpc <command> [options]\n\ncommands:\n";
  for (const Command &c : kCommands) {
    std::string name(c.name);
    name.resize(std::max<size_t>(name.size() + 2, 10), ' ');
    o << "  " << name << c.summary << "\n";
  }
  o << "\n`smpc <command> --help` describes a command's options.\n";
}

} // namespace

namespace smpc::cli {

OptionTable commandOptions(std::string_view command, const std::string &synopsis) {
  for (const Command &c : kCommands)
    if (c.name == command)
      return OptionTable("smpc", std::string(command), synopsis, std::string(c.summary));
  return OptionTable("smpc", std::string(command), synopsis, "");
}

} // namespace smpc::cli

int main(int argc, char **argv) {
  smpc::protocols::keepShareBuffersOnHeap();
  if (argc < 2) {
    usage(std::cerr);
    return kExitUsage;
  }
  std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    usage(std::cout);
    return kExitOk;
  }
  if (cmd == "--version") cmd = "version";
  std::vector<std::string> args(argv + 2, argv + argc);
  for (const Command &c : kCommands)
    if (c.name == cmd) {
      try {
        return c.run(args);
      } catch (const std::exception &e) {
        printError(errorText(e));
        return kExitFail;
      }
    }
  printError("unknown command '" + cmd + "'; `smpc --help` lists the commands");
  return kExitUsage;
}
