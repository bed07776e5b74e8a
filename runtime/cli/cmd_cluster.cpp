//===- cmd_cluster.cpp - `smpc cluster init`: a development cluster -------===//
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"
#include "runtime/cli/shared_options.h"
#include "runtime/node/cluster_init.h"

#include <iostream>
#include <nlohmann/json.hpp>

namespace smpc::cli {

int cmdCluster(const std::vector<std::string> &args) {
  std::string action, out, host = "127.0.0.1";
  uint64_t parties = 3, basePort = 7000;
  bool json = false;
  OptionTable t = commandOptions("cluster", "init --parties N --out DIR");
  t.operand("ACTION", "an action", "init: write keys and configuration for N nodes and a client",
            action);
  t.number("parties", "N", "number of nodes (default 3)", parties, 2, 64);
  t.text("out", "DIR", "directory for the files (created; existing files are never overwritten)",
         out)
      .required();
  t.text("host", "HOST", "host name or address of every node (default 127.0.0.1)", host);
  t.number("base-port", "PORT",
           "node i listens on PORT+i (peers), PORT+100+i (clients), PORT+200+i (status);\n"
           "0 picks free ports now (default 7000)",
           basePort, 0, 65000);
  addJsonOption(t, json);
  if (auto rc = t.parse(args)) return *rc;
  if (action != "init") {
    printError("`smpc cluster` knows one action, init; got '" + action + "'");
    return kExitUsage;
  }
  try {
    node::ClusterInitOptions o;
    o.parties = uint32_t(parties);
    o.dir = out;
    o.host = host;
    o.basePort = uint32_t(basePort);
    auto files = node::initCluster(o);
    if (json) {
      std::cout << nlohmann::json({{"ok", true}, {"dir", out}, {"files", files}}).dump(2) << "\n";
      return kExitOk;
    }
    std::cout << "wrote " << files.size() << " files to " << out << " (see " << out
              << "/README.md for which file goes to which machine)\n";
  } catch (const std::exception &e) {
    printError(errorText(e));
    return kExitFail;
  }
  return kExitOk;
}

} // namespace smpc::cli
