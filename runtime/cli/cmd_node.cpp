//===- cmd_node.cpp - `smpc node`: run one party's daemon -----------------===//
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"
#include "runtime/node/node.h"

#include <atomic>
#include <csignal>

namespace smpc::cli {

namespace {
std::atomic<bool> gStop{false};
void onSignal(int) {
  gStop = true;
}
} // namespace

int cmdNode(const std::vector<std::string> &args) {
  std::string config;
  OptionTable t = commandOptions("node", "--config NODE.json");
  t.text("config", "FILE",
         "the node configuration: party, peers, key, store, client endpoint, status port,\n"
         "pinned client keys and limits (docs/node.md)",
         config)
      .required();
  if (auto rc = t.parse(args)) return *rc;
  try {
    node::Node n(node::loadNodeConfig(config));
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
    n.run(gStop);
  } catch (const std::exception &e) {
    printError(errorText(e));
    return kExitFail;
  }
  return kExitOk;
}

} // namespace smpc::cli
