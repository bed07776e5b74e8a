//===- test_stats_json.cpp - protocol counters as JSON, every material kind -===//
#include "runtime/data/stats_json.h"

#include <doctest/doctest.h>

using namespace smpc;

TEST_CASE("stats JSON and text carry every kind of material.def and read back") {
  vm::ProtocolStats s;
  s.rounds = 11, s.bytesSent = 22, s.bytesReceived = 33;
  for (bc::Material k : bc::kAllMaterials)
    s.material[k] = 100 + bc::materialIndex(k); // distinct: a swap or a gap shows
  const nlohmann::json j = data::statsJson(s);
  REQUIRE(j["material"].size() == bc::kNumMaterials);
  const vm::ProtocolStats back = data::statsFromJson(j);
  CHECK(back.rounds == 11);
  CHECK(back.bytesSent == 22);
  CHECK(back.bytesReceived == 33);
  CHECK(back.material == s.material);
  const std::string text = vm::statsText(s);
  CHECK(text.find("rounds 11, bytes sent 22, received 33, ") == 0);
  for (bc::Material k : bc::kAllMaterials)
    CHECK(text.find(", " + std::string(bc::info(k).name) + " " + std::to_string(s.material[k])) !=
          std::string::npos);
}

TEST_CASE("stats JSON with missing or malformed fields reads as zero") {
  const vm::ProtocolStats s =
      data::statsFromJson(nlohmann::json{{"rounds", "many"}, {"material", {{"triples", -1}}}});
  CHECK(s.rounds == 0);
  CHECK(s.material.empty());
  CHECK(data::statsFromJson(nlohmann::json::array()).material.empty());
}
