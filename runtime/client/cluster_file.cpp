//===- cluster_file.cpp - parsing a client's cluster file -----------------===//
#include "runtime/client/cluster_file.h"

#include "runtime/net/config.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace smpc::client {

using net::ConfigError;
using nlohmann::json;

ClusterFile loadClusterFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot open cluster file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto fail = [&](const std::string &m) { return ConfigError(path + ": " + m); };
  json j = json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw fail("not a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "nodes" && it.key() != "key")
      throw fail("unknown field '" + it.key() + "' (check its spelling)");
  ClusterFile c;
  c.source = path;
  if (!j.contains("nodes") || !j["nodes"].is_array() || j["nodes"].size() < 2 ||
      j["nodes"].size() > net::kMaxParties)
    throw fail("field 'nodes' must list between 2 and " + std::to_string(net::kMaxParties) +
               " nodes");
  c.nodes.resize(j["nodes"].size());
  std::vector<bool> seen(c.nodes.size(), false);
  for (size_t i = 0; i < j["nodes"].size(); ++i) {
    const json &n = j["nodes"][i];
    const std::string where = "nodes[" + std::to_string(i) + "]: ";
    if (!n.is_object()) throw fail(where + "must be an object");
    for (auto it = n.begin(); it != n.end(); ++it)
      if (it.key() != "party" && it.key() != "endpoint" && it.key() != "public_key")
        throw fail(where + "unknown field '" + it.key() + "'");
    if (!n.contains("party") || !n["party"].is_number_unsigned() ||
        n["party"].get<uint64_t>() >= c.nodes.size())
      throw fail(where + "field 'party' must be an integer in [0, " +
                 std::to_string(c.nodes.size() - 1) + "]");
    uint32_t p = uint32_t(n["party"].get<uint64_t>());
    if (seen[p]) throw fail(where + "duplicate party " + std::to_string(p));
    seen[p] = true;
    if (!n.contains("endpoint") || !n["endpoint"].is_string())
      throw fail(where + "missing field 'endpoint'");
    if (!n.contains("public_key") || !n["public_key"].is_string())
      throw fail(where + "missing field 'public_key'");
    NodeEndpoint e;
    e.party = p;
    e.endpoint = n["endpoint"].get<std::string>();
    try {
      e.publicKey = net::parsePublicKey(n["public_key"].get<std::string>(), "field 'public_key'");
    } catch (const net::KeyError &err) {
      throw fail(where + err.what());
    }
    c.nodes[p] = e;
  }
  if (j.contains("key")) {
    if (!j["key"].is_string()) throw fail("field 'key' must be a path");
    std::string k = j["key"].get<std::string>();
    auto dir = std::filesystem::path(path).parent_path();
    c.keyPath = (k.empty() || k[0] == '/' || dir.empty()) ? k : (dir / k).string();
  }
  return c;
}

} // namespace smpc::client
