//===- cluster_init.cpp - writing a development cluster's files -----------===//
#include "runtime/node/cluster_init.h"

#include "runtime/net/config.h"
#include "runtime/net/free_port.h"
#include "runtime/net/keys.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <unistd.h>

namespace smpc::node {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void writeNew(const fs::path &p, const std::string &text, std::vector<std::string> &written) {
  if (fs::exists(p))
    throw std::runtime_error("refusing to overwrite " + p.string() +
                             "; choose an empty --out directory");
  std::ofstream f(p);
  f << text;
  if (!f) throw std::runtime_error("cannot write " + p.string());
  written.push_back(p.string());
}

} // namespace

std::vector<std::string> initCluster(const ClusterInitOptions &o) {
  if (o.parties < 2 || o.parties > net::kMaxParties)
    throw std::runtime_error("--parties must be between 2 and " + std::to_string(net::kMaxParties));
  if (o.basePort && o.basePort + 200 + o.parties > 65535)
    throw std::runtime_error("--base-port leaves no room for " + std::to_string(o.parties) +
                             " nodes (it needs base+200+N <= 65535)");
  const fs::path dir = o.dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create " + o.dir + ": " + ec.message());
  std::vector<std::string> written;
  auto port = [&](uint32_t offset) {
    return o.basePort ? int(o.basePort + offset) : net::freePort();
  };

  std::vector<net::PublicKey> nodeKeys;
  for (uint32_t i = 0; i < o.parties; ++i) {
    auto k = net::net_key_keygen();
    const std::string prefix = (dir / ("node" + std::to_string(i))).string();
    net::writeKeyPair(prefix, k);
    written.push_back(prefix + ".key"), written.push_back(prefix + ".pub");
    nodeKeys.push_back(k.publicKey());
  }
  std::vector<std::string> clientNames = {"client"};
  clientNames.insert(clientNames.end(), o.extraClients.begin(), o.extraClients.end());
  json clients = json::array();
  for (const auto &name : clientNames) {
    auto k = net::net_key_keygen();
    net::writeKeyPair((dir / name).string(), k);
    written.push_back((dir / (name + ".key")).string());
    written.push_back((dir / (name + ".pub")).string());
    clients.push_back({{"name", name},
                       {"public_key", net::z85Encode(k.publicKey().data())},
                       {"roles", {"owner", "analyst", "admin"}}});
  }

  net::ClusterConfig peers;
  unsigned char id[8];
  randombytes_buf(id, sizeof id);
  char hex[17];
  sodium_bin2hex(hex, sizeof hex, id, sizeof id);
  peers.jobId = std::string("cluster-") + hex;
  for (uint32_t i = 0; i < o.parties; ++i) {
    net::NodeConfig n;
    n.id = i;
    n.endpoint = n.bind = "tcp://" + o.host + ":" + std::to_string(port(i));
    n.publicKey = nodeKeys[i];
    peers.parties.push_back(n);
  }
  writeNew(dir / "peers.json", net::clusterConfigToJson(peers), written);

  json clusterFile = {{"nodes", json::array()}, {"key", "client.key"}};
  for (uint32_t i = 0; i < o.parties; ++i) {
    const std::string clientEp = "tcp://" + o.host + ":" + std::to_string(port(100 + i));
    json cfg = {{"party", i},
                {"cluster", "peers.json"},
                {"key", "node" + std::to_string(i) + ".key"},
                {"store", "node" + std::to_string(i) + ".db"},
                {"client_endpoint", clientEp},
                {"http", {{"host", o.host}, {"port", port(200 + i)}}},
                {"clients", clients},
                {"jobs", {{"max_concurrent", 4}, {"queue", 16}}},
                {"pool", {{"enabled", true}, {"memory_mb", 32}}}};
    writeNew(dir / ("node" + std::to_string(i) + ".json"), cfg.dump(2) + "\n", written);
    clusterFile["nodes"].push_back(
        {{"party", i}, {"endpoint", clientEp}, {"public_key", net::z85Encode(nodeKeys[i].data())}});
  }
  writeNew(dir / "cluster.json", clusterFile.dump(2) + "\n", written);

  std::string readme = "# A development cluster of " + std::to_string(o.parties) +
                       " smpc nodes\n\n"
                       "Written by `smpc cluster init`. Which file goes where:\n\n"
                       "| file | goes to | secret? |\n|---|---|---|\n";
  for (uint32_t i = 0; i < o.parties; ++i) {
    const std::string n = "node" + std::to_string(i);
    readme += "| `" + n + ".json`, `" + n + ".key` | the machine of party " + std::to_string(i) +
              " | the .key is |\n";
  }
  readme += "| `peers.json` | every node (public keys and peer endpoints) | no |\n"
            "| `cluster.json`, `client.key` | the client (`smpc share/submit/...`) | the .key is "
            "|\n"
            "| `*.pub` | anyone who pins a key | no |\n\n"
            "Start a node: `smpc node --config node0.json` (each on its machine).\n"
            "Use the cluster: `smpc share data.csv --as NAME --cluster cluster.json`, then "
            "`smpc approve`, `smpc submit` (docs/node.md).\n\n"
            "The client key has every role (owner, analyst, admin) on every node. In production "
            "each organisation runs `smpc keygen` on its own machines, pins only the keys it "
            "trusts in its node configuration, and its own admin approves programs.\n";
  writeNew(dir / "README.md", readme, written);
  return written;
}

} // namespace smpc::node
