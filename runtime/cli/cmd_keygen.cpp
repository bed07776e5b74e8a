//===- cmd_keygen.cpp - `smpc keygen`: a node's CurveZMQ key pair ---------===//
#include "runtime/cli/commands.h"
#include "runtime/cluster/cluster_commands.h"
#include "runtime/net/keys.h"

#include <iostream>

namespace smpc::cli {

namespace {
const char *kUsage =
    "usage: smpc keygen --out PREFIX\n"
    "  writes PREFIX.key (secret, mode 0600) and PREFIX.pub (its public key, Z85);\n"
    "  refuses to overwrite either file. Put the .pub text in the cluster\n"
    "  configuration as this node's public_key.\n";
}

int cmdKeygen(const std::vector<std::string> &args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::cout << kUsage;
      return kExitOk;
    } else if (args[i] == "--out" && i + 1 < args.size()) {
      out = args[++i];
    } else {
      printError("unexpected argument '" + args[i] +
                 "' for `smpc keygen` (see smpc keygen --help)");
      return kExitUsage;
    }
  }
  if (out.empty()) {
    printError("`smpc keygen` needs --out PREFIX");
    return kExitUsage;
  }
  try {
    auto key = net::net_key_keygen();
    net::writeKeyPair(out, key);
    std::cout << "wrote " << out << ".key (secret, mode 0600) and " << out << ".pub\n"
              << "public_key: " << net::z85Encode(key.publicKey().data()) << "\n";
  } catch (const net::KeyError &e) {
    printError(e.what());
    return kExitFail;
  }
  return kExitOk;
}

} // namespace smpc::cli
