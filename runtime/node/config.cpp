//===- config.cpp - parsing and validating node.json ----------------------===//
#include "runtime/node/config.h"

#include "runtime/api/api.h"
#include "runtime/preproc/pool/pool_estimate.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace smpc::node {

namespace {

using net::ConfigError;
using nlohmann::json;

struct Ctx {
  const std::string &source;
  [[noreturn]] void fail(const std::string &where, const std::string &what) const {
    throw ConfigError(source + ": " + (where.empty() ? "" : where + ": ") + what);
  }
  void onlyKnown(const json &o, const std::string &where,
                 std::initializer_list<const char *> known) const {
    for (auto it = o.begin(); it != o.end(); ++it) {
      bool ok = false;
      for (const char *k : known)
        ok = ok || it.key() == k;
      if (!ok) fail(where, "unknown field '" + it.key() + "' (check its spelling)");
    }
  }
  std::string str(const json &o, const std::string &where, const char *name) const {
    auto it = o.find(name);
    if (it == o.end()) fail(where, std::string("missing field '") + name + "'");
    if (!it->is_string() || it->get<std::string>().empty())
      fail(where, std::string("field '") + name + "' must be a non-empty string");
    return it->get<std::string>();
  }
  uint64_t num(const json &o, const std::string &where, const char *name, uint64_t lo,
               uint64_t hi) const {
    const json &v = o.at(name);
    if (!v.is_number_unsigned() || v.get<uint64_t>() < lo || v.get<uint64_t>() > hi)
      fail(where.empty() ? name : where + "." + name,
           "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return v.get<uint64_t>();
  }
};

std::string resolve(const std::string &baseDir, const std::string &p) {
  if (p.empty() || p[0] == '/' || baseDir.empty()) return p;
  return (std::filesystem::path(baseDir) / p).string();
}

} // namespace

NodeConfig parseNodeConfig(const std::string &text, const std::string &source,
                           const std::string &baseDir) {
  Ctx c{source};
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) c.fail("", "not valid JSON");
  if (!j.is_object()) c.fail("", "the configuration must be a JSON object");
  c.onlyKnown(j, "",
              {"party", "cluster", "key", "store", "client_endpoint", "http", "clients", "jobs",
               "pool", "uploads", "log", "port_file"});
  NodeConfig cfg;
  cfg.source = source;
  if (!j.contains("party")) c.fail("", "missing field 'party'");
  cfg.party = uint32_t(c.num(j, "", "party", 0, net::kMaxParties - 1));

  if (!j.contains("cluster")) c.fail("", "missing field 'cluster'");
  const json &cl = j["cluster"];
  if (cl.is_string()) {
    cfg.peers = net::loadClusterConfig(resolve(baseDir, cl.get<std::string>()));
  } else if (cl.is_object()) {
    cfg.peers = net::parseClusterConfig(cl.dump(), source + ": cluster");
  } else {
    c.fail("cluster", "must be the path of a cluster file or the cluster object itself");
  }
  if (cfg.peers.dealer)
    c.fail("cluster", "a node cluster has no dealer: nodes make their preprocessing by OT");
  if (cfg.party >= cfg.peers.numParties())
    c.fail("party", "party " + std::to_string(cfg.party) + " is not in the cluster (it has " +
                        std::to_string(cfg.peers.numParties()) + " parties)");

  cfg.keyPath = resolve(baseDir, c.str(j, "", "key"));
  cfg.storePath = resolve(baseDir, c.str(j, "", "store"));
  cfg.clientBind = c.str(j, "", "client_endpoint");
  if (cfg.clientBind.rfind("tcp://", 0) != 0 && cfg.clientBind.rfind("ipc://", 0) != 0)
    c.fail("client_endpoint", "must look like tcp://host:port (or ipc://path)");
  if (cfg.clientBind == cfg.peers.parties[cfg.party].bind)
    c.fail("client_endpoint", "must differ from this node's peer endpoint");
  if (j.contains("port_file")) cfg.portFile = resolve(baseDir, c.str(j, "", "port_file"));

  if (j.contains("http") && !j["http"].is_null()) {
    const json &h = j["http"];
    if (!h.is_object()) c.fail("http", "must be an object {\"host\": ..., \"port\": ...}");
    c.onlyKnown(h, "http", {"host", "port"});
    if (h.contains("host")) cfg.httpHost = c.str(h, "http", "host");
    if (!h.contains("port")) c.fail("http", "missing field 'port'");
    cfg.httpPort = int(c.num(h, "http", "port", 0, 65535));
  }

  if (!j.contains("clients") || !j["clients"].is_array())
    c.fail("", "missing field 'clients' (an array of pinned client keys with roles)");
  std::set<std::string> names;
  std::set<net::PublicKey> keys;
  for (size_t i = 0; i < j["clients"].size(); ++i) {
    const json &e = j["clients"][i];
    std::string where = "clients[" + std::to_string(i) + "]";
    if (!e.is_object()) c.fail(where, "must be an object");
    c.onlyKnown(e, where, {"name", "public_key", "roles"});
    ClientKey k;
    k.name = c.str(e, where, "name");
    try {
      k.publicKey = net::parsePublicKey(c.str(e, where, "public_key"), "field 'public_key'");
    } catch (const net::KeyError &err) {
      c.fail(where, err.what());
    }
    if (!e.contains("roles") || !e["roles"].is_array() || e["roles"].empty())
      c.fail(where, "field 'roles' must be a non-empty array of \"owner\", \"analyst\", \"admin\"");
    for (const json &r : e["roles"]) {
      auto role = r.is_string() ? api::roleByName(r.get<std::string>()) : std::nullopt;
      if (!role)
        c.fail(where, "unknown role " + r.dump() + " (roles are owner, analyst and admin)");
      k.roles |= *role;
    }
    if (!names.insert(k.name).second) c.fail(where, "duplicate client name '" + k.name + "'");
    if (!keys.insert(k.publicKey).second)
      c.fail(where, "client '" + k.name + "' has the same public key as another client");
    for (const auto &p : cfg.peers.parties)
      if (p.publicKey == k.publicKey)
        c.fail(where, "client '" + k.name + "' uses a node's public key; give it its own key pair");
    cfg.clients.push_back(k);
  }

  if (j.contains("jobs")) {
    const json &o = j["jobs"];
    if (!o.is_object()) c.fail("jobs", "must be an object");
    c.onlyKnown(o, "jobs", {"max_concurrent", "queue", "accept_timeout_ms", "max_steps"});
    if (o.contains("max_concurrent"))
      cfg.maxConcurrent = uint32_t(c.num(o, "jobs", "max_concurrent", 1, 256));
    if (o.contains("queue")) cfg.queueSize = uint32_t(c.num(o, "jobs", "queue", 0, 100000));
    if (o.contains("accept_timeout_ms"))
      cfg.acceptTimeoutMs = uint32_t(c.num(o, "jobs", "accept_timeout_ms", 100, 3600000));
    if (o.contains("max_steps")) cfg.maxSteps = c.num(o, "jobs", "max_steps", 0, UINT64_MAX);
  }
  if (j.contains("pool")) {
    const json &o = j["pool"];
    if (!o.is_object()) c.fail("pool", "must be an object");
    c.onlyKnown(o, "pool", {"enabled", "memory_mb", "records"});
    if (o.contains("enabled")) {
      if (!o["enabled"].is_boolean()) c.fail("pool.enabled", "must be true or false");
      cfg.poolEnabled = o["enabled"].get<bool>();
    }
    if (o.contains("memory_mb"))
      cfg.poolMemoryBytes = c.num(o, "pool", "memory_mb", 1, 65536) << 20;
    if (o.contains("records")) {
      const json &r = o["records"];
      if (!r.is_object()) c.fail("pool.records", "must be an object of records per kind");
      uint64_t bytes = 0;
      for (auto it = r.begin(); it != r.end(); ++it) {
        std::size_t k = 0;
        while (k < preproc::kPoolKinds && it.key() != preproc::poolKindName(preproc::PoolKind(k)))
          ++k;
        if (k == preproc::kPoolKinds)
          c.fail("pool.records",
                 "unknown kind '" + it.key() + "' (kinds: " + bc::materialNames(true) + ")");
        cfg.poolRecords[k] = c.num(r, "pool.records", it.key().c_str(), 1, uint64_t(1) << 28);
        bytes += cfg.poolRecords[k] * preproc::poolRecordWords(preproc::PoolKind(k)) * 8;
      }
      if (bytes > cfg.poolRecordBytes())
        c.fail("pool.records", "the records need " + std::to_string((bytes + 1023) >> 10) +
                                   " KiB, more than the " +
                                   std::to_string(cfg.poolRecordBytes() >> 10) +
                                   " KiB pool.memory_mb leaves for records (a quarter is OT "
                                   "working memory); raise pool.memory_mb or lower the records");
    }
  }
  if (j.contains("uploads")) {
    const json &o = j["uploads"];
    if (!o.is_object()) c.fail("uploads", "must be an object");
    c.onlyKnown(o, "uploads", {"idle_timeout_ms"});
    if (o.contains("idle_timeout_ms"))
      cfg.uploadIdleMs = uint32_t(c.num(o, "uploads", "idle_timeout_ms", 100, 3600000));
  }
  if (j.contains("log")) {
    const json &o = j["log"];
    if (!o.is_object()) c.fail("log", "must be an object");
    c.onlyKnown(o, "log", {"level"});
    if (o.contains("level")) {
      cfg.logLevel = c.str(o, "log", "level");
      if (cfg.logLevel != "debug" && cfg.logLevel != "info" && cfg.logLevel != "warn" &&
          cfg.logLevel != "error")
        c.fail("log.level", "must be debug, info, warn or error");
    }
  }
  return cfg;
}

NodeConfig loadNodeConfig(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw net::ConfigError("cannot open node configuration " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (ss.str().size() > (1u << 20))
    throw net::ConfigError(path + ": the node configuration is larger than 1 MiB");
  return parseNodeConfig(ss.str(), path, std::filesystem::path(path).parent_path().string());
}

const ClientKey *findClient(const NodeConfig &cfg, const net::PublicKey &k) {
  for (const auto &c : cfg.clients)
    if (c.publicKey == k) return &c;
  return nullptr;
}

} // namespace smpc::node
