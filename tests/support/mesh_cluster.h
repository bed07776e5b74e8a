//===- mesh_cluster.h - N parties and a dealer on a real CurveZMQ mesh ----===//
//
// Loopback TCP, fresh keys, one runtime/net Mesh per node (each on its own
// thread, as separate processes would be). For tests and benchmarks that
// must go through real sockets and encryption; header-only so that only the
// targets that use it link smpc_net.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/net/mesh.h"
#include "tests/support/local_channel.h"

#include <arpa/inet.h>
#include <functional>
#include <netinet/in.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace smpc::testing {

/// A TCP port on 127.0.0.1 that was free a moment ago.
inline int freeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
    ::close(fd);
    throw std::runtime_error("bind() on loopback failed");
  }
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

/// Node `i` of the job: its online channel (parties only) and its link to
/// the dealer (node n).
using MeshNodeFn = std::function<void(uint32_t node, vm::Channel *online, vm::Channel &preproc)>;

/// Runs n parties and a dealer (node n) on a loopback mesh; rethrows the
/// first failure.
inline void runOnMesh(uint32_t n, const MeshNodeFn &fn) {
  net::ClusterConfig cfg;
  cfg.jobId = "semi2k-test";
  std::vector<net::SecretKey> keys;
  auto node = [&](uint32_t id) {
    net::NodeConfig c;
    c.id = id;
    c.endpoint = "tcp://127.0.0.1:" + std::to_string(freeLoopbackPort());
    c.bind = c.endpoint;
    keys.push_back(net::net_key_keygen());
    c.publicKey = keys.back().publicKey();
    return c;
  };
  for (uint32_t i = 0; i < n; ++i)
    cfg.parties.push_back(node(i));
  cfg.dealer = node(n);
  cfg.timeouts.connectMs = 10000;
  cfg.timeouts.recvMs = 60000;
  runParallel(n + 1, [&](uint32_t i) {
    net::Mesh mesh(cfg, i, keys[i]);
    auto pre = mesh.channel(net::kPreprocChannel);
    auto online = i < n ? mesh.channel(net::kOnlineChannel) : nullptr;
    mesh.waitReady();
    fn(i, online.get(), *pre);
    mesh.close();
  });
}

} // namespace smpc::testing
