//===- config_test.cpp - cluster configuration parsing and its errors -----===//
#include "runtime/net/config.h"
#include "tests/net/net_test_util.h"

#include <doctest/doctest.h>

using namespace smpc::net;

namespace {

std::string key(int i) {
  // Fixed, distinct public keys (hex) keep the expected texts readable.
  return std::string(62, '0') + (i < 10 ? "0" : "") + std::to_string(i);
}

std::string party(int id, int port, const std::string &k) {
  return R"({"id": )" + std::to_string(id) + R"(, "endpoint": "tcp://127.0.0.1:)" +
         std::to_string(port) + R"(", "public_key": ")" + k + R"("})";
}

std::string doc(const std::string &parties, const std::string &extra = "") {
  return R"({"job_id": "j1", "parties": [)" + parties + "]" + extra + "}";
}

std::string errorOf(const std::string &text) {
  try {
    parseClusterConfig(text, "cluster.json");
  } catch (const ConfigError &e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace

TEST_CASE("a valid configuration parses, with defaults and round trip") {
  auto text = doc(party(1, 7001, key(2)) + "," + party(0, 7000, key(1)),
                  R"(, "dealer": {"endpoint": "tcp://127.0.0.1:7009", "public_key": ")" + key(9) +
                      R"("}, "timeouts": {"peer_ms": 800}, "latency_ms": 5)");
  auto cfg = parseClusterConfig(text, "c.json");
  CHECK(cfg.jobId == "j1");
  REQUIRE(cfg.numParties() == 2);
  CHECK(cfg.parties[0].endpoint == "tcp://127.0.0.1:7000");
  CHECK(cfg.parties[1].id == 1);
  REQUIRE(cfg.dealer);
  CHECK(cfg.dealerId() == 2);
  CHECK(cfg.numNodes() == 3);
  CHECK(cfg.nodeName(2) == "the dealer");
  CHECK(cfg.timeouts.peerMs == 800);
  CHECK(cfg.timeouts.connectMs == 15000);
  CHECK(cfg.latencyMs == 5);
  auto again = parseClusterConfig(clusterConfigToJson(cfg), "again");
  CHECK(again.parties[1].publicKey == cfg.parties[1].publicKey);
  CHECK(again.dealer->endpoint == cfg.dealer->endpoint);
  CHECK(again.timeouts.peerMs == 800);
  CHECK(cfg.limits.peerBufferMib == 1024);
  CHECK(cfg.limits.channelBufferMib == 512);
}

TEST_CASE("buffer limits parse, round trip and are checked") {
  const std::string ps = party(0, 7000, key(1)) + "," + party(1, 7001, key(2));
  auto cfg = parseClusterConfig(
      doc(ps, R"(, "limits": {"peer_buffer_mib": 64, "channel_buffer_mib": 16})"), "c.json");
  CHECK(cfg.limits.peerBufferMib == 64);
  CHECK(cfg.limits.channelBufferMib == 16);
  auto again = parseClusterConfig(clusterConfigToJson(cfg), "again");
  CHECK(again.limits.peerBufferMib == 64);
  CHECK(again.limits.channelBufferMib == 16);
  CHECK(errorOf(doc(ps, R"(, "limits": {"peer_buffer_mib": 0})")) ==
        "cluster.json: limits.peer_buffer_mib: must be an integer in [1, 65536]");
  CHECK(errorOf(doc(ps, R"(, "limits": {"peer_buffer_mib": 8, "channel_buffer_mib": 16})")) ==
        "cluster.json: limits: channel_buffer_mib must not be larger than peer_buffer_mib");
  CHECK(errorOf(doc(ps, R"(, "limits": {"buffer_mib": 8})")) ==
        "cluster.json: limits: unknown field 'buffer_mib' (check its spelling)");
  CHECK(errorOf(doc(ps, R"(, "limits": 5)")) == "cluster.json: limits: must be an object");
}

TEST_CASE("configuration errors name the file and field") {
  const std::string p0 = party(0, 7000, key(1)), p1 = party(1, 7001, key(2));
  CHECK(errorOf("{nope").find("cluster.json: not valid JSON") == 0);
  CHECK(errorOf("[1]") == "cluster.json: the configuration must be a JSON object");
  CHECK(errorOf(R"({"parties": []})") == "cluster.json: missing field 'job_id'");
  CHECK(errorOf(R"({"job_id": "j"})") == "cluster.json: missing field 'parties'");
  CHECK(errorOf(doc(p0)) == "cluster.json: parties: needs between 2 and 64 parties, found 1");
  CHECK(errorOf(doc(p0 + "," + party(0, 7001, key(2)))) ==
        "cluster.json: parties[1]: duplicate party id 0");
  CHECK(errorOf(doc(p0 + "," + party(5, 7001, key(2)))) ==
        "cluster.json: parties[1]: party id 5 is out of range: ids must be 0..1");
  CHECK(errorOf(doc(p0 + "," + party(1, 7001, "not-a-key"))) ==
        "cluster.json: parties[1]: field 'public_key' is not a Curve25519 public key: expected 40 "
        "Z85 characters or 64 hex digits (as written by `smpc keygen`)");
  CHECK(errorOf(doc(p0 + "," + party(1, 7001, key(1)))) ==
        "cluster.json: parties: party 1 has the same public key as another node; every node "
        "needs its own key pair");
  CHECK(errorOf(doc(p0 + "," + party(1, 7000, key(2)))) ==
        "cluster.json: parties: party 1 has the same endpoint as another node "
        "(tcp://127.0.0.1:7000)");
  CHECK(errorOf(doc(p0 + R"(, {"id": 1, "public_key": ")" + key(2) + R"("})")) ==
        "cluster.json: parties[1]: missing field 'endpoint'");
  CHECK(errorOf(doc(p0 + R"(, {"id": 1, "endpoint": "127.0.0.1:80", "public_key": ")" + key(2) +
                    R"("})")) ==
        "cluster.json: parties[1]: endpoint '127.0.0.1:80' must look like tcp://host:port (or "
        "ipc://path)");
  CHECK(errorOf(doc(p0 + "," + p1, R"(, "timeout": {})")) ==
        "cluster.json: unknown field 'timeout' (check its spelling)");
  CHECK(errorOf(doc(p0 + "," + p1, R"(, "timeouts": {"peer_ms": -3})")) ==
        "cluster.json: timeouts.peer_ms: must be an integer in [50, 86400000]");
  CHECK(errorOf(doc(p0 + "," + p1, R"(, "timeouts": {"peer_ms": 100, "heartbeat_ms": 100})")) ==
        "cluster.json: timeouts: heartbeat_ms must be smaller than peer_ms");
  CHECK(errorOf(doc(p0 + "," + p1, R"(, "dealer": {"endpoint": "tcp://h:1"})")) ==
        "cluster.json: dealer: missing field 'public_key'");
}

TEST_CASE("a missing configuration file is a clear error") {
  CHECK_THROWS_WITH_AS(loadClusterConfig("/nonexistent/cluster.json"),
                       "cannot open cluster configuration /nonexistent/cluster.json", ConfigError);
}
