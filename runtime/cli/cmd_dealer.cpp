//===- cmd_dealer.cpp - `smpc dealer`: serve preprocessing for one job ----===//
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"
#include "runtime/net/mesh.h"
#include "runtime/preproc/dealer/dealer.h"

#include <iostream>

namespace smpc::cli {

int cmdDealer(const std::vector<std::string> &args) {
  std::string config, keyPath, program;
  bool verbose = false;
  uint64_t keyFd = 0;
  OptionTable t =
      commandOptions("dealer", "--config CLUSTER.json (--key DEALER.key | --key-fd N) [options]");
  addClusterOption(t, config);
  t.required();
  addKeyOption(t, keyPath, "the dealer's secret key (from smpc keygen)");
  addKeyFdOption(t, keyFd);
  t.text("program", "PROG.smpcb", "check that the configuration has enough parties for it",
         program);
  addVerboseOption(t, verbose);
  if (auto rc = t.parse(args)) return *rc;
  if (auto rc = checkKeySource("dealer", keyPath, keyFd)) return *rc;
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
    net::SecretKey key = keyFd ? net::readSecretKeyFd(int(keyFd)) : net::loadSecretKey(keyPath);
    net::MeshOptions mo;
    if (verbose) mo.log = [](const std::string &s) { std::cerr << ("[dealer] " + s + "\n"); };
    net::Mesh mesh(cfg, cfg.dealerId(), key, mo);
    try {
      auto ch = mesh.channel(net::kPreprocChannel);
      mesh.waitReady();
      auto st = dealer::serveJob(*ch, cfg.numParties());
      if (verbose)
        std::cerr << ("[dealer] job done: " + std::to_string(st.requests) + " requests, " +
                      std::to_string(st.elements) + " elements, " + std::to_string(st.bytesSent) +
                      " bytes sent\n");
    } catch (const std::exception &e) {
      mesh.close(errorText(e)); // the parties report why (errors hold no secrets)
      throw;
    }
    mesh.close();
    return kExitOk;
  } catch (const std::exception &e) {
    printError("the dealer: " + errorText(e));
    return kExitFail;
  }
}

} // namespace smpc::cli
