//===- net_test_util.h - loopback clusters with fresh keys for net tests --===//
#pragma once

#include "runtime/net/config.h"
#include "runtime/net/free_port.h"
#include "runtime/net/keys.h"
#include "vm/core/channel.h"

#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace smpc::net::test {

/// The error the next receive from `from` fails with, or "(no error)".
inline std::string recvError(vm::Channel &ch, uint32_t from) {
  try {
    (void)ch.recv(from);
  } catch (const vm::NetError &e) {
    return e.what();
  }
  return "(no error)";
}

struct TestCluster {
  ClusterConfig cfg;
  std::vector<SecretKey> keys; // by node id (dealer last)
};

/// n parties (plus a dealer if asked) on loopback with fresh keys and short
/// timeouts so failure tests finish quickly.
inline TestCluster makeCluster(uint32_t n, bool dealer = false, uint32_t peerMs = 1000) {
  TestCluster t;
  t.cfg.jobId = "test-job";
  auto node = [&](uint32_t id) {
    NodeConfig c;
    c.id = id;
    c.endpoint = "tcp://127.0.0.1:" + std::to_string(freePort());
    c.bind = c.endpoint;
    t.keys.push_back(net_key_keygen());
    c.publicKey = t.keys.back().publicKey();
    return c;
  };
  for (uint32_t i = 0; i < n; ++i)
    t.cfg.parties.push_back(node(i));
  if (dealer) t.cfg.dealer = node(n);
  t.cfg.timeouts.connectMs = 5000;
  t.cfg.timeouts.peerMs = peerMs;
  t.cfg.timeouts.recvMs = 10000;
  return t;
}

inline std::vector<uint8_t> bytes(const std::string &s) {
  return {s.begin(), s.end()};
}
inline std::string str(const std::vector<uint8_t> &v) {
  return {v.begin(), v.end()};
}

} // namespace smpc::net::test
