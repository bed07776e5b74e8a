//===- cmd_dealer.cpp - `smpc dealer`: serve preprocessing for one job ----===//
#include "runtime/cli/commands.h"
#include "runtime/cluster/cluster_commands.h"
#include "runtime/net/mesh.h"
#include "runtime/preproc/dealer/dealer.h"

#include <iostream>

namespace smpc::cli {

namespace {
const char *kUsage =
    "usage: smpc dealer --config CLUSTER.json --key DEALER.key [--program PROG.smpcb] [--verbose]\n"
    "  serves seed-compressed preprocessing to the parties of one job, then exits.\n"
    "  --program checks that the configuration has enough parties for the program.\n";
}

int cmdDealer(const std::vector<std::string> &args) {
  std::string config, keyPath, program;
  bool verbose = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &o = args[i];
    if (o == "--help" || o == "-h") {
      std::cout << kUsage;
      return kExitOk;
    } else if (o == "--verbose") {
      verbose = true;
    } else if ((o == "--config" || o == "--key" || o == "--program") && i + 1 < args.size()) {
      (o == "--config" ? config : o == "--key" ? keyPath : program) = args[++i];
    } else {
      printError("unexpected argument '" + o + "' for `smpc dealer` (see smpc dealer --help)");
      return kExitUsage;
    }
  }
  if (config.empty() || keyPath.empty()) {
    printError("`smpc dealer` needs --config and --key (see smpc dealer --help)");
    return kExitUsage;
  }
  try {
    net::ClusterConfig cfg = net::loadClusterConfig(config);
    if (!cfg.dealer) {
      printError("the dealer: " + config + " has no \"dealer\" entry");
      return kExitFail;
    }
    if (!program.empty()) {
      bc::Program prog = readProgramFile(program);
      if (prog.minParties > cfg.numParties()) {
        printError("the dealer: the program needs " + std::to_string(prog.minParties) +
                   " parties, " + config + " has " + std::to_string(cfg.numParties()));
        return kExitFail;
      }
    }
    net::SecretKey key = net::loadSecretKey(keyPath);
    net::MeshOptions mo;
    if (verbose) mo.log = [](const std::string &s) { std::cerr << ("[dealer] " + s + "\n"); };
    net::Mesh mesh(cfg, cfg.dealerId(), key, mo);
    {
      auto ch = mesh.channel(net::kPreprocChannel);
      mesh.waitReady();
      auto st = dealer::serveJob(*ch, cfg.numParties());
      if (verbose)
        std::cerr << ("[dealer] job done: " + std::to_string(st.requests) + " requests, " +
                      std::to_string(st.elements) + " elements, " + std::to_string(st.bytesSent) +
                      " bytes sent\n");
    }
    mesh.close();
    return kExitOk;
  } catch (const std::exception &e) {
    printError(std::string("the dealer: ") + e.what());
    return kExitFail;
  }
}

} // namespace smpc::cli
