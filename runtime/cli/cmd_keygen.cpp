//===- cmd_keygen.cpp - `smpc keygen`: a node's CurveZMQ key pair ---------===//
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"
#include "runtime/net/keys.h"

#include <iostream>

namespace smpc::cli {

int cmdKeygen(const std::vector<std::string> &args) {
  std::string out;
  OptionTable t = commandOptions("keygen", "--out PREFIX");
  t.text("out", "PREFIX",
         "write PREFIX.key (secret, mode 0600) and PREFIX.pub (its public key, Z85); existing\n"
         "files are never overwritten. Put the .pub text in the cluster configuration as this\n"
         "node's public_key.",
         out)
      .required();
  if (auto rc = t.parse(args)) return *rc;
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
