//===- main.cpp - `smpc`: run, inspect and serve smpc programs ------------===//
//
// A table of subcommands; each lives in its own cmd_*.cpp file. The cluster
// subcommands (keygen, party, dealer, ...) come from runtime/cluster.
//===----------------------------------------------------------------------===//
#include "runtime/cli/commands.h"

#include <iostream>
#ifdef SMPC_HAVE_CLUSTER
#include "runtime/cli/cluster_hook.h"
#endif

using namespace smpc::cli;

static std::vector<Subcommand> table() {
  std::vector<Subcommand> t = {
      {"run", "run a program (.smpc or .smpcb) on its inputs and print the outputs", cmdRun},
      {"disasm", "print the bytecode of a program readably (assembly text)", cmdDisasm},
      {"asm", "assemble the text `smpc disasm` prints into a .smpcb file", cmdAsm},
      {"opcodes", "print the instruction set as a markdown table", cmdOpcodes},
      {"version", "print the version of smpc and of its bytecode format", cmdVersion},
      {"healthcheck", "GET a node's /healthz or /readyz; exit 0 on a 2xx answer", cmdHealthcheck},
  };
#ifdef SMPC_HAVE_CLUSTER
  for (const Subcommand &s : clusterSubcommands())
    t.push_back(s);
#endif
  return t;
}

static void usage(std::ostream &o, const std::vector<Subcommand> &t) {
  o << "usage: smpc <command> [options]\n\ncommands:\n";
  for (const Subcommand &s : t) {
    std::string name(s.name);
    name.resize(std::max<size_t>(name.size() + 2, 10), ' ');
    o << "  " << name << s.summary << "\n";
  }
  o << "\n`smpc <command> --help` describes a command's options.\n";
}

int main(int argc, char **argv) {
  const std::vector<Subcommand> t = table();
  if (argc < 2) {
    usage(std::cerr, t);
    return kExitUsage;
  }
  std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    usage(std::cout, t);
    return kExitOk;
  }
  if (cmd == "--version") cmd = "version";
  std::vector<std::string> args(argv + 2, argv + argc);
  for (const Subcommand &s : t)
    if (s.name == cmd) {
      try {
        return s.run(args);
      } catch (const std::exception &e) {
        printError(e.what());
        return kExitFail;
      }
    }
  printError("unknown command '" + cmd + "'; `smpc --help` lists the commands");
  return kExitUsage;
}
