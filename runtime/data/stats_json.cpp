//===- stats_json.cpp - a protocol's counters as JSON and back ------------===//
#include "runtime/data/stats_json.h"

namespace smpc::data {

namespace {
uint64_t count(const nlohmann::json &j, const char *key) {
  if (!j.is_object()) return 0;
  auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}
} // namespace

nlohmann::json materialJson(const bc::MaterialCounts &m) {
  nlohmann::json o = nlohmann::json::object();
  for (bc::Material k : bc::kAllMaterials)
    o[std::string(bc::info(k).name)] = m[k];
  return o;
}

nlohmann::json statsJson(const vm::ProtocolStats &s) {
  return {{"rounds", s.rounds},
          {"bytes_sent", s.bytesSent},
          {"bytes_received", s.bytesReceived},
          {"material", materialJson(s.material)}};
}

vm::ProtocolStats statsFromJson(const nlohmann::json &j) {
  vm::ProtocolStats s;
  s.rounds = count(j, "rounds");
  s.bytesSent = count(j, "bytes_sent");
  s.bytesReceived = count(j, "bytes_received");
  if (j.is_object() && j.contains("material"))
    for (bc::Material k : bc::kAllMaterials)
      s.material[k] = count(j["material"], std::string(bc::info(k).name).c_str());
  return s;
}

} // namespace smpc::data
