//===- connection.h - one client's CurveZMQ link to one node --------------===//
//
// A DEALER socket (CURVE client with the client's key, pinning the node's
// public key). Requests may be pipelined: send() returns at once, recv()
// takes replies in order. A refused handshake (the node does not pin this
// client's key) is reported as such instead of a silent timeout.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/api/api.h"
#include "runtime/client/cluster_file.h"
#include "runtime/net/keys.h"

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

namespace smpc::client {

/// A node did not answer, refused this client's key, or replied with an
/// error; the message names the node.
class ClientError : public std::runtime_error {
public:
  ClientError(const std::string &msg, std::string code = "")
      : std::runtime_error(msg), code(std::move(code)) {}
  std::string code; // api::code::* when the node refused the request
};

/// Node replies are shown to people and scripts: text fields are kept to
/// printable ASCII and this many bytes (a node is pinned, not trusted).
inline constexpr std::size_t kMaxNodeTextBytes = 1024;
/// Field `field` of a node's reply as such text; `def` if absent or not text.
std::string nodeText(const nlohmann::json &h, const char *field, const std::string &def);

class Connection {
public:
  Connection(const NodeEndpoint &node, const net::SecretKey &key,
             std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~Connection();
  Connection(const Connection &) = delete;
  Connection &operator=(const Connection &) = delete;

  uint32_t party() const;
  /// Queues a request (header "op" and fields; "id" is added).
  void send(api::Message &req);
  /// The next reply; throws ClientError on timeout or a refused handshake.
  /// Does not throw for {"ok": false}: see check().
  api::Message recv();
  /// send + recv + check.
  api::Message call(api::Message req);
  api::Message call(const std::string &op, nlohmann::json fields = nlohmann::json::object());
  /// Throws ClientError(node's error, code) for {"ok": false}.
  static void check(const api::Message &reply);

  struct Impl;

private:
  std::unique_ptr<Impl> impl_;
};

} // namespace smpc::client
