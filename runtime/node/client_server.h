//===- client_server.h - the node's CurveZMQ endpoint for clients ---------===//
//
// A ROUTER socket (CURVE server with the node's key) in its own ZeroMQ
// context, whose ZAP handler admits only the client keys pinned in the node
// configuration and tags each connection with the client's index. Requests
// are handled on a small pool of worker threads; a handler may take its
// time (a job-state wait), replies go back through the I/O thread. A key
// that is not pinned never gets past the handshake.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/api/api.h"
#include "runtime/net/keys.h"
#include "runtime/node/config.h"

#include <functional>
#include <memory>
#include <string>

namespace smpc::node {

struct Caller {
  const ClientKey *client = nullptr; // the pinned key that authenticated
  std::string keyZ85;
};

using Handler = std::function<api::Message(const Caller &, api::Message &)>;

class ClientServer {
public:
  /// Binds cfg.clientBind. `refused` is called (from the I/O thread) for each
  /// handshake the ZAP handler refuses.
  ClientServer(const NodeConfig &cfg, const net::SecretKey &key, Handler handler,
               std::function<void(const std::string &)> refused, unsigned workers = 8);
  ~ClientServer();
  ClientServer(const ClientServer &) = delete;
  ClientServer &operator=(const ClientServer &) = delete;

  /// The bound endpoint (with the real port when the configuration said 0).
  std::string endpoint() const;

  struct Impl;

private:
  std::unique_ptr<Impl> impl_;
};

} // namespace smpc::node
