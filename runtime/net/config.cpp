//===- config.cpp - parsing and validating the cluster configuration ------===//
#include "runtime/net/config.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace smpc::net {

namespace {

using nlohmann::json;

struct Ctx {
  const std::string &source;
  [[noreturn]] void fail(const std::string &where, const std::string &what) const {
    throw ConfigError(source + ": " + (where.empty() ? "" : where + ": ") + what);
  }
};

void onlyKnown(const Ctx &c, const json &obj, const std::string &where,
               std::initializer_list<const char *> known) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (const char *k : known)
      ok = ok || it.key() == k;
    if (!ok) c.fail(where, "unknown field '" + it.key() + "' (check its spelling)");
  }
}

const json &field(const Ctx &c, const json &obj, const std::string &where, const char *name) {
  auto it = obj.find(name);
  if (it == obj.end()) c.fail(where, std::string("missing field '") + name + "'");
  return *it;
}

std::string stringField(const Ctx &c, const json &obj, const std::string &where, const char *name) {
  const json &v = field(c, obj, where, name);
  if (!v.is_string() || v.get<std::string>().empty())
    c.fail(where, std::string("field '") + name + "' must be a non-empty string");
  return v.get<std::string>();
}

uint32_t uintValue(const Ctx &c, const json &v, const std::string &where, uint64_t lo,
                   uint64_t hi) {
  if (!v.is_number_unsigned() || v.get<uint64_t>() < lo || v.get<uint64_t>() > hi)
    c.fail(where, "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return uint32_t(v.get<uint64_t>());
}

void checkEndpoint(const Ctx &c, const std::string &ep, const std::string &where) {
  auto colon = ep.rfind(':');
  bool ok = ep.rfind("tcp://", 0) == 0 && colon != std::string::npos && colon > 6 &&
            colon + 1 < ep.size();
  if (ok)
    for (size_t i = colon + 1; i < ep.size(); ++i)
      ok = ok && std::isdigit((unsigned char)ep[i]);
  if (ep.rfind("ipc://", 0) == 0 && ep.size() > 6) ok = true;
  if (!ok) c.fail(where, "endpoint '" + ep + "' must look like tcp://host:port (or ipc://path)");
}

NodeConfig parseNode(const Ctx &c, const json &j, const std::string &where, bool isDealer) {
  if (!j.is_object()) c.fail(where, "must be an object");
  if (isDealer)
    onlyKnown(c, j, where, {"endpoint", "public_key", "bind"});
  else
    onlyKnown(c, j, where, {"id", "endpoint", "public_key", "bind"});
  NodeConfig n;
  if (!isDealer) n.id = uintValue(c, field(c, j, where, "id"), where + ".id", 0, kMaxParties - 1);
  n.endpoint = stringField(c, j, where, "endpoint");
  checkEndpoint(c, n.endpoint, where);
  n.bind = n.endpoint;
  if (j.contains("bind")) {
    n.bind = stringField(c, j, where, "bind");
    checkEndpoint(c, n.bind, where + ".bind");
  }
  std::string key = stringField(c, j, where, "public_key");
  try {
    n.publicKey = parsePublicKey(key, "field 'public_key'");
  } catch (const KeyError &e) {
    c.fail(where, e.what());
  }
  return n;
}

} // namespace

std::string ClusterConfig::nodeName(uint32_t id) const {
  return id < numParties() ? "party " + std::to_string(id) : std::string("the dealer");
}

ClusterConfig parseClusterConfig(const std::string &text, const std::string &source) {
  Ctx c{source};
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error &e) {
    // nlohmann's message carries the byte offset; it never echoes the text.
    c.fail("", std::string("not valid JSON (") + e.what() + ")");
  }
  if (!j.is_object()) c.fail("", "the configuration must be a JSON object");
  onlyKnown(c, j, "", {"job_id", "parties", "dealer", "timeouts", "limits", "latency_ms"});
  ClusterConfig cfg;
  cfg.jobId = stringField(c, j, "", "job_id");
  if (cfg.jobId.size() > 256) c.fail("job_id", "must be at most 256 characters");

  const json &ps = field(c, j, "", "parties");
  if (!ps.is_array()) c.fail("parties", "must be an array");
  if (ps.size() < 2 || ps.size() > kMaxParties)
    c.fail("parties", "needs between 2 and " + std::to_string(kMaxParties) + " parties, found " +
                          std::to_string(ps.size()));
  std::vector<std::optional<NodeConfig>> byId(ps.size());
  for (size_t i = 0; i < ps.size(); ++i) {
    std::string where = "parties[" + std::to_string(i) + "]";
    NodeConfig n = parseNode(c, ps[i], where, false);
    if (n.id >= ps.size())
      c.fail(where, "party id " + std::to_string(n.id) + " is out of range: ids must be 0.." +
                        std::to_string(ps.size() - 1));
    if (byId[n.id]) c.fail(where, "duplicate party id " + std::to_string(n.id));
    byId[n.id] = n;
  }
  for (auto &n : byId)
    cfg.parties.push_back(*n);
  if (j.contains("dealer") && !j["dealer"].is_null()) {
    cfg.dealer = parseNode(c, j["dealer"], "dealer", true);
    cfg.dealer->id = cfg.dealerId();
  }

  // A key or endpoint shared by two nodes would make sender identity ambiguous.
  std::set<PublicKey> keys;
  std::set<std::string> binds;
  for (uint32_t id = 0; id < cfg.numNodes(); ++id) {
    const NodeConfig &n = cfg.node(id);
    if (!keys.insert(n.publicKey).second)
      c.fail(id < cfg.numParties() ? "parties" : "dealer",
             cfg.nodeName(id) + " has the same public key as another node; every node needs its "
                                "own key pair");
    if (!binds.insert(n.endpoint).second)
      c.fail(id < cfg.numParties() ? "parties" : "dealer",
             cfg.nodeName(id) + " has the same endpoint as another node (" + n.endpoint + ")");
  }

  if (j.contains("timeouts")) {
    const json &t = j["timeouts"];
    if (!t.is_object()) c.fail("timeouts", "must be an object");
    onlyKnown(c, t, "timeouts", {"connect_ms", "peer_ms", "recv_ms", "heartbeat_ms"});
    const uint64_t day = 86400000;
    if (t.contains("connect_ms"))
      cfg.timeouts.connectMs = uintValue(c, t["connect_ms"], "timeouts.connect_ms", 1, day);
    if (t.contains("peer_ms"))
      cfg.timeouts.peerMs = uintValue(c, t["peer_ms"], "timeouts.peer_ms", 50, day);
    if (t.contains("recv_ms"))
      cfg.timeouts.recvMs = uintValue(c, t["recv_ms"], "timeouts.recv_ms", 1, day);
    if (t.contains("heartbeat_ms"))
      cfg.timeouts.heartbeatMs = uintValue(c, t["heartbeat_ms"], "timeouts.heartbeat_ms", 1, day);
    if (cfg.timeouts.heartbeatMs >= cfg.timeouts.peerMs)
      c.fail("timeouts", "heartbeat_ms must be smaller than peer_ms");
  }
  if (j.contains("limits")) {
    const json &l = j["limits"];
    if (!l.is_object()) c.fail("limits", "must be an object");
    onlyKnown(c, l, "limits", {"peer_buffer_mib", "channel_buffer_mib"});
    const uint64_t maxMib = 1 << 16; // 64 GiB
    if (l.contains("peer_buffer_mib"))
      cfg.limits.peerBufferMib =
          uintValue(c, l["peer_buffer_mib"], "limits.peer_buffer_mib", 1, maxMib);
    if (l.contains("channel_buffer_mib"))
      cfg.limits.channelBufferMib =
          uintValue(c, l["channel_buffer_mib"], "limits.channel_buffer_mib", 1, maxMib);
    if (cfg.limits.channelBufferMib > cfg.limits.peerBufferMib)
      c.fail("limits", "channel_buffer_mib must not be larger than peer_buffer_mib");
  }
  if (j.contains("latency_ms"))
    cfg.latencyMs = uintValue(c, j["latency_ms"], "latency_ms", 0, 60000);
  return cfg;
}

ClusterConfig loadClusterConfig(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot open cluster configuration " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (ss.str().size() > (1u << 20))
    throw ConfigError(path + ": the cluster configuration is larger than 1 MiB");
  return parseClusterConfig(ss.str(), path);
}

std::string clusterConfigToJson(const ClusterConfig &cfg) {
  auto node = [](const NodeConfig &n, bool withId) {
    json o;
    if (withId) o["id"] = n.id;
    o["endpoint"] = n.endpoint;
    if (n.bind != n.endpoint) o["bind"] = n.bind;
    o["public_key"] = z85Encode(n.publicKey.data());
    return o;
  };
  json j;
  j["job_id"] = cfg.jobId;
  j["parties"] = json::array();
  for (const auto &p : cfg.parties)
    j["parties"].push_back(node(p, true));
  if (cfg.dealer) j["dealer"] = node(*cfg.dealer, false);
  j["timeouts"] = {{"connect_ms", cfg.timeouts.connectMs},
                   {"peer_ms", cfg.timeouts.peerMs},
                   {"recv_ms", cfg.timeouts.recvMs}};
  if (cfg.timeouts.heartbeatMs) j["timeouts"]["heartbeat_ms"] = cfg.timeouts.heartbeatMs;
  const Limits defaults;
  if (cfg.limits.peerBufferMib != defaults.peerBufferMib ||
      cfg.limits.channelBufferMib != defaults.channelBufferMib)
    j["limits"] = {{"peer_buffer_mib", cfg.limits.peerBufferMib},
                   {"channel_buffer_mib", cfg.limits.channelBufferMib}};
  if (cfg.latencyMs) j["latency_ms"] = cfg.latencyMs;
  return j.dump(2) + "\n";
}

} // namespace smpc::net
