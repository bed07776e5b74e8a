//===- cmd_node.cpp - `smpc node`: run one party's daemon -----------------===//
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"
#include "runtime/cli/stop_signal.h"
#include "runtime/node/node.h"

namespace smpc::cli {

int cmdNode(const std::vector<std::string> &args) {
  std::string config, nats;
  OptionTable t = commandOptions("node", "--config NODE.json [--nats URL]");
  t.text("config", "FILE",
         "the node configuration: party, peers, key, store, client endpoint, status port,\n"
         "pinned client keys and limits (docs/node.md)",
         config)
      .required();
  t.text("nats", "URL",
         "queue accepted jobs on this NATS JetStream server (nats://host:4222) for `smpc\n"
         "worker` processes to run, instead of running them here (docs/deploy.md)",
         nats);
  if (auto rc = t.parse(args)) return *rc;
  try {
    node::NodeConfig cfg = node::loadNodeConfig(config);
    cfg.natsUrl = nats;
    node::Node n(std::move(cfg));
    n.run(stopOnSignals());
  } catch (const std::exception &e) {
    printError(errorText(e));
    return kExitFail;
  }
  return kExitOk;
}

} // namespace smpc::cli
