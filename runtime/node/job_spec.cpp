//===- job_spec.cpp - job specs to and from JSON --------------------------===//
#include "runtime/node/job_spec.h"

#include <stdexcept>

namespace smpc::node {

using nlohmann::json;

bool validJobId(const std::string &id) {
  if (id.size() < 8 || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-')) return false;
  return true;
}

bool validDatasetName(const std::string &n) {
  if (n.empty() || n.size() > 128) return false;
  for (char c : n)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
          c == '.' || c == '-'))
      return false;
  return true;
}

namespace {
// Names of a program's inputs and outputs (identifiers) and of protocols,
// checked before they are echoed in refusals, logged or stored.
bool validIdentifier(const std::string &n) {
  if (n.empty() || n.size() > 128) return false;
  for (char c : n)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
      return false;
  return true;
}

bool validClientKey(const std::string &k) {
  if (k.size() != 40) return false; // Z85 of 32 bytes
  for (char c : k)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}
} // namespace

JobSpec jobSpecFromJson(const json &j) {
  auto bad = [](const std::string &m) { return std::runtime_error("job spec: " + m); };
  if (!j.is_object()) throw bad("must be an object");
  JobSpec s;
  if (!j.contains("job") || !j["job"].is_string() || !validJobId(j["job"].get<std::string>()))
    throw bad("'job' must be 8 to 64 characters of 0-9, a-z and '-'");
  s.id = j["job"].get<std::string>();
  if (j.contains("protocol")) {
    if (!j["protocol"].is_string() || !validIdentifier(j["protocol"].get<std::string>()) ||
        j["protocol"].get<std::string>().size() > 32)
      throw bad("'protocol' must be a protocol name (up to 32 characters of A-Z, a-z, 0-9 and "
                "'_')");
    s.protocol = j["protocol"].get<std::string>();
  }
  if (j.contains("bindings")) {
    if (!j["bindings"].is_object()) throw bad("'bindings' must be an object");
    for (auto it = j["bindings"].begin(); it != j["bindings"].end(); ++it) {
      if (!validIdentifier(it.key()))
        throw bad("the bindings name inputs: 1 to 128 characters of A-Z, a-z, 0-9 and '_'");
      if (!it.value().is_string() || !validDatasetName(it.value().get<std::string>()))
        throw bad("binding of input '" + it.key() + "' must be a dataset name");
      s.bindings[it.key()] = it.value().get<std::string>();
    }
  }
  if (j.contains("outputs")) {
    if (!j["outputs"].is_object()) throw bad("'outputs' must be an object");
    for (auto it = j["outputs"].begin(); it != j["outputs"].end(); ++it) {
      if (!validIdentifier(it.key()))
        throw bad("the routes name outputs: 1 to 128 characters of A-Z, a-z, 0-9 and '_'");
      const json &r = it.value();
      if (!r.is_object()) throw bad("route of output '" + it.key() + "' must be an object");
      OutputRoute route;
      if (r.contains("to")) {
        if (!r["to"].is_array()) throw bad("'to' of output '" + it.key() + "' must be an array");
        for (const json &k : r["to"]) {
          if (!k.is_string() || !validClientKey(k.get<std::string>()))
            throw bad("'to' of output '" + it.key() + "' must hold client public keys (Z85)");
          route.to.push_back(k.get<std::string>());
        }
      }
      if (r.contains("store")) {
        if (!r["store"].is_string() || !validDatasetName(r["store"].get<std::string>()))
          throw bad("'store' of output '" + it.key() + "' must be a dataset name");
        route.store = r["store"].get<std::string>();
      }
      if (route.to.empty() == route.store.empty())
        throw bad("output '" + it.key() + "' must go either to clients or into a dataset");
      s.outputs[it.key()] = route;
    }
  }
  if (j.contains("stats")) {
    if (!j["stats"].is_boolean()) throw bad("'stats' must be true or false");
    s.stats = j["stats"].get<bool>();
  }
  return s;
}

json jobSpecToJson(const JobSpec &s) {
  json j = {{"job", s.id}, {"protocol", s.protocol}, {"stats", s.stats}};
  j["bindings"] = json::object();
  for (const auto &[k, v] : s.bindings)
    j["bindings"][k] = v;
  j["outputs"] = json::object();
  for (const auto &[k, r] : s.outputs)
    j["outputs"][k] = r.store.empty() ? json{{"to", r.to}} : json{{"store", r.store}};
  return j;
}

} // namespace smpc::node
