//===- policy.cpp - normalising approval rules and checking jobs ----------===//
#include "runtime/node/policy.h"

#include "runtime/node/protocols.h"

#include <set>
#include <stdexcept>

namespace smpc::node {

using nlohmann::json;

namespace {

std::string shortHash(const std::string &h) {
  return h.substr(0, 12);
}

// A client name or key (Z85/hex) as its Z85 key; "*" stays.
std::string resolveClient(const std::string &who, const NodeConfig &cfg) {
  if (who == "*") return who;
  for (const auto &c : cfg.clients)
    if (c.name == who) return net::z85Encode(c.publicKey.data());
  try {
    return net::z85Encode(net::parsePublicKey(who, "client").data());
  } catch (const net::KeyError &) {
    throw std::runtime_error("unknown client '" + who +
                             "': name a client of this node's configuration or give its "
                             "public key");
  }
}

bool listed(const json &rule, const char *field, const std::string &value) {
  if (!rule.contains(field)) return false;
  for (const json &v : rule[field])
    if (v == "*" || v == value) return true;
  return false;
}

} // namespace

store::Shape shapeOf(const bc::IoEntry &e, uint8_t fracBits) {
  store::Shape s;
  s.elem = e.elem;
  s.ndims = e.ndims;
  s.rows = e.rows;
  s.cols = e.cols;
  s.fracBits = e.elem == bc::ElemType::Fix ? fracBits : 0;
  return s;
}

std::string clientLabel(const NodeConfig &cfg, const std::string &z85) {
  try {
    if (const ClientKey *c = findClient(cfg, net::parsePublicKey(z85, "key")))
      return "client '" + c->name + "'";
  } catch (const net::KeyError &) {
  }
  return "client " + z85.substr(0, 8) + "...";
}

json normaliseRules(const json &rules, const bc::Program &prog, const NodeConfig &cfg) {
  if (!rules.is_object()) throw std::runtime_error("approval rules must be a JSON object");
  for (auto it = rules.begin(); it != rules.end(); ++it)
    if (it.key() != "inputs" && it.key() != "outputs")
      throw std::runtime_error("unknown field '" + it.key() + "' in the approval rules");
  json out = {{"inputs", json::object()}, {"outputs", json::object()}};
  auto strings = [](const json &a, const std::string &what) {
    if (!a.is_array()) throw std::runtime_error(what + " must be an array of strings");
    std::vector<std::string> v;
    for (const json &x : a) {
      if (!x.is_string() || x.get<std::string>().empty())
        throw std::runtime_error(what + " must be an array of strings");
      v.push_back(x.get<std::string>());
    }
    return v;
  };
  if (rules.contains("inputs")) {
    if (!rules["inputs"].is_object()) throw std::runtime_error("'inputs' must be an object");
    for (auto it = rules["inputs"].begin(); it != rules["inputs"].end(); ++it) {
      bool known = false;
      for (const auto &e : prog.inputs)
        known = known || e.name == it.key();
      if (!known) throw std::runtime_error("'" + it.key() + "' is not an input of the program");
      const json &r = it.value();
      if (!r.is_object())
        throw std::runtime_error("rule of input '" + it.key() + "' must be an object");
      json n = {{"datasets", json::array()}, {"owners", json::array()}};
      for (auto f = r.begin(); f != r.end(); ++f) {
        if (f.key() == "datasets") {
          for (auto &d : strings(f.value(), "'datasets' of input '" + it.key() + "'"))
            n["datasets"].push_back(d);
        } else if (f.key() == "owners") {
          for (auto &o : strings(f.value(), "'owners' of input '" + it.key() + "'"))
            n["owners"].push_back(resolveClient(o, cfg));
        } else {
          throw std::runtime_error("unknown field '" + f.key() + "' in the rule of input '" +
                                   it.key() + "'");
        }
      }
      out["inputs"][it.key()] = n;
    }
  }
  if (rules.contains("outputs")) {
    if (!rules["outputs"].is_object()) throw std::runtime_error("'outputs' must be an object");
    for (auto it = rules["outputs"].begin(); it != rules["outputs"].end(); ++it) {
      bool known = false;
      for (const auto &e : prog.outputs)
        known = known || e.name == it.key();
      if (!known) throw std::runtime_error("'" + it.key() + "' is not an output of the program");
      const json &r = it.value();
      if (!r.is_object())
        throw std::runtime_error("rule of output '" + it.key() + "' must be an object");
      json n = {{"to", json::array()}, {"store", false}};
      for (auto f = r.begin(); f != r.end(); ++f) {
        if (f.key() == "to") {
          for (auto &k : strings(f.value(), "'to' of output '" + it.key() + "'"))
            n["to"].push_back(resolveClient(k, cfg));
        } else if (f.key() == "store") {
          if (!f.value().is_boolean())
            throw std::runtime_error("'store' of output '" + it.key() + "' must be true or false");
          n["store"] = f.value();
        } else {
          throw std::runtime_error("unknown field '" + f.key() + "' in the rule of output '" +
                                   it.key() + "'");
        }
      }
      out["outputs"][it.key()] = n;
    }
  }
  return out;
}

std::optional<std::string> checkJob(const NodeConfig &cfg, store::Store &st,
                                    const std::string &programHash, const bc::Program &prog,
                                    const JobSpec &spec,
                                    std::map<std::string, store::Dataset> &bound) {
  const std::string me = "party " + std::to_string(cfg.party);
  const auto protocol = nodeProtocol(spec.protocol);
  if (!protocol)
    return "protocol '" + spec.protocol + "' is not available on " + me +
           " (available: " + nodeProtocolNames() + ")";
  if (std::string why =
          bc::checkParties(*protocol, cfg.peers.numParties(), "the cluster's party count");
      !why.empty())
    return why;
  if (prog.minParties > cfg.peers.numParties())
    return "the program needs " + std::to_string(prog.minParties) + " parties, the cluster has " +
           std::to_string(cfg.peers.numParties());
  auto approval = st.approval(programHash);
  if (!approval)
    return "program " + shortHash(programHash) + " is not approved on " + me +
           "; its admin must approve it first (smpc approve)";
  json rules = json::parse(approval->rules, nullptr, false);
  if (rules.is_discarded())
    return "the approval of program " + shortHash(programHash) + " on " + me +
           " is damaged; its admin must approve it again";

  for (const auto &[name, ds] : spec.bindings) {
    bool known = false;
    for (const auto &e : prog.inputs)
      known = known || e.name == name;
    if (!known) return "the job binds '" + name + "', which is not an input of the program";
  }
  for (const auto &e : prog.inputs) {
    auto b = spec.bindings.find(e.name);
    if (b == spec.bindings.end())
      return "input '" + e.name + "' is not bound to a dataset (--bind " + e.name + "=DATASET)";
    auto d = st.dataset(b->second);
    if (!d) return "dataset '" + b->second + "' does not exist on " + me;
    if (d->state != store::DatasetState::Ready)
      return "dataset '" + b->second + "' is not complete on " + me +
             " (its upload was not committed); upload it again";
    const json &rule = rules["inputs"].contains(e.name) ? rules["inputs"][e.name] : json();
    if (!listed(rule, "datasets", d->name) && !listed(rule, "owners", d->owner))
      return "the approval of program " + shortHash(programHash) + " on " + me +
             " does not allow dataset '" + d->name + "' (owner " + clientLabel(cfg, d->owner) +
             ") for input '" + e.name + "'";
    const store::Shape want = shapeOf(e, prog.fracBits);
    if (want.elem != d->shape.elem || want.rows != d->shape.rows || want.cols != d->shape.cols ||
        (want.ndims != d->shape.ndims && want.size() != 1))
      return "input '" + e.name + "' is " + store::shapeText(want) + " but dataset '" + d->name +
             "' is " + store::shapeText(d->shape);
    if (want.elem == bc::ElemType::Fix && want.fracBits != d->shape.fracBits)
      return "dataset '" + d->name + "' is encoded with " + std::to_string(d->shape.fracBits) +
             " fraction bits but the program uses " + std::to_string(want.fracBits);
    bound[e.name] = *d;
  }

  std::set<std::string> storeNames;
  for (const auto &[name, route] : spec.outputs) {
    bool known = false;
    for (const auto &e : prog.outputs)
      known = known || e.name == name;
    if (!known) return "the job routes '" + name + "', which is not an output of the program";
  }
  for (const auto &e : prog.outputs) {
    auto r = spec.outputs.find(e.name);
    if (r == spec.outputs.end()) return "output '" + e.name + "' has no recipient";
    const json &rule = rules["outputs"].contains(e.name) ? rules["outputs"][e.name] : json();
    if (!r->second.store.empty()) {
      if (!rule.is_object() || rule.value("store", false) != true)
        return "the approval of program " + shortHash(programHash) + " on " + me +
               " does not allow output '" + e.name + "' to be stored as a dataset";
      if (st.dataset(r->second.store) || !storeNames.insert(r->second.store).second)
        return "dataset '" + r->second.store + "' already exists on " + me +
               "; choose another --store name";
      continue;
    }
    for (const std::string &k : r->second.to)
      if (!listed(rule, "to", k))
        return "the approval of program " + shortHash(programHash) + " on " + me +
               " does not allow output '" + e.name + "' to go to " + clientLabel(cfg, k);
  }
  return std::nullopt;
}

} // namespace smpc::node
