//===- cmd_worker.cpp - `smpc worker`: run a party's jobs taken from NATS -===//
#include "runtime/cli/commands.h"
#include "runtime/cli/load_program.h"
#include "runtime/cli/stop_signal.h"
#include "runtime/node/config.h"
#include "runtime/node/log.h"
#include "runtime/worker/node_source.h"
#include "runtime/worker/worker.h"

#include <unistd.h>

namespace smpc::cli {

int cmdWorker(const std::vector<std::string> &args) {
  std::string config, nats, listen, advertise, nodeEndpoint;
  uint64_t meetMs = 30000;
  OptionTable t = commandOptions("worker", "--config NODE.json --nats URL --advertise ENDPOINT");
  t.text("config", "FILE",
         "the party's node configuration: party, cluster file, key (the node's) and the node's\n"
         "client endpoint",
         config)
      .required();
  t.text("nats", "URL", "the NATS JetStream server the node queues its jobs on (nats://host:4222)",
         nats)
      .required();
  t.text("advertise", "ENDPOINT",
         "where the other parties' workers reach this worker's job meshes (tcp://POD_IP:7000)",
         advertise)
      .required();
  t.text("listen", "ENDPOINT",
         "where the job meshes listen (default: this party's bind in the cluster file)", listen);
  t.text("node", "ENDPOINT",
         "the node's client endpoint (default: the configuration's client_endpoint, * as\n"
         "127.0.0.1)",
         nodeEndpoint);
  t.number("meet-timeout-ms", "N",
           "how long a job waits for the other parties' workers (default 30000)", meetMs, 100,
           3600000);
  if (auto rc = t.parse(args)) return *rc;
  try {
    node::NodeConfig cfg = node::loadNodeConfig(config);
    node::Logger log(cfg.party, cfg.logLevel);
    worker::WorkerConfig wc;
    wc.party = cfg.party;
    wc.peers = cfg.peers;
    wc.key = net::loadSecretKey(cfg.keyPath);
    wc.listen = listen.empty() ? cfg.peers.parties[cfg.party].bind : listen;
    wc.advertise = advertise;
    wc.meetTimeout = std::chrono::milliseconds(meetMs);
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    wc.name = std::string(host) + "-" + std::to_string(::getpid());
    wc.log = [&log](const std::string &line) { log.info(line); };
    if (nodeEndpoint.empty()) {
      nodeEndpoint = cfg.clientBind;
      if (auto star = nodeEndpoint.find("://*:"); star != std::string::npos)
        nodeEndpoint.replace(star + 3, 1, "127.0.0.1");
    }
    worker::NodeSource source(cfg.party, nodeEndpoint, wc.key);
    queue::Connection conn(nats, std::chrono::seconds(10));
    worker::Worker w(conn, wc, source);
    const std::atomic<bool> &stop = stopOnSignals();
    log.info("worker started",
             {{"nats", nats}, {"advertise", wc.advertise}, {"node", nodeEndpoint}});
    w.run(stop);
    log.info("worker stopped", {{"done", w.jobsDone()}, {"failed", w.jobsFailed()}});
  } catch (const std::exception &e) {
    printError(errorText(e));
    return kExitFail;
  }
  return kExitOk;
}

} // namespace smpc::cli
