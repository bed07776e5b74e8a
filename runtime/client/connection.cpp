//===- connection.cpp - DEALER socket, monitor, pipelined requests --------===//
#include "runtime/client/connection.h"

#include "runtime/net/frame.h"

#include <cstring>
#include <sodium.h>
#include <zmq.hpp>

namespace smpc::client {

using Clock = std::chrono::steady_clock;

struct Connection::Impl {
  NodeEndpoint node;
  std::chrono::milliseconds timeout;
  zmq::context_t ctx;
  zmq::socket_t sock, monitor;
  uint64_t nextId = 1;
  std::string handshakeProblem;

  std::string name() const { return "party " + std::to_string(node.party); }

  void pollMonitor() {
    for (;;) {
      zmq::message_t ev, ep;
      if (!monitor.recv(ev, zmq::recv_flags::dontwait)) return;
      if (ev.more()) (void)monitor.recv(ep, zmq::recv_flags::dontwait);
      if (ev.size() < 6) continue;
      uint16_t e;
      std::memcpy(&e, ev.data(), 2);
      if (e == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
        handshakeProblem = name() + " (" + node.endpoint +
                           ") refused this client's key: ask its admin to pin it in the node "
                           "configuration";
      else if (e == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ||
               e == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
        handshakeProblem = "the CurveZMQ handshake with " + name() + " (" + node.endpoint +
                           ") failed: check that the cluster file pins its current public key";
    }
  }
};

Connection::Connection(const NodeEndpoint &node, const net::SecretKey &key,
                       std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  Impl &m = *impl_;
  m.node = node;
  m.timeout = timeout;
  m.sock = zmq::socket_t(m.ctx, zmq::socket_type::dealer);
  std::string sec = net::z85Encode(key.secretBytes());
  m.sock.set(zmq::sockopt::curve_serverkey, net::z85Encode(node.publicKey.data()));
  m.sock.set(zmq::sockopt::curve_publickey, net::z85Encode(key.publicKey().data()));
  m.sock.set(zmq::sockopt::curve_secretkey, sec);
  sodium_memzero(sec.data(), sec.size());
  m.sock.set(zmq::sockopt::linger, 1000);
  m.sock.set(zmq::sockopt::maxmsgsize, int64_t(api::kMaxPayloadBytes + 4096));
  std::string mon = "inproc://smpc-client-monitor";
  if (zmq_socket_monitor(m.sock.handle(), mon.c_str(),
                         ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                             ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) != 0)
    throw ClientError("cannot monitor the connection to " + m.name());
  m.monitor = zmq::socket_t(m.ctx, zmq::socket_type::pair);
  m.monitor.set(zmq::sockopt::linger, 0);
  m.monitor.connect(mon);
  try {
    m.sock.connect(node.endpoint);
  } catch (const zmq::error_t &e) {
    throw ClientError("cannot connect to " + m.name() + " at " + node.endpoint + ": " + e.what());
  }
}

Connection::~Connection() = default;

uint32_t Connection::party() const {
  return impl_->node.party;
}

void Connection::send(api::Message &req) {
  Impl &m = *impl_;
  req.header["id"] = m.nextId++;
  std::string head = req.header.dump();
  const bool withPayload = !req.payload.empty();
  m.sock.send(zmq::buffer(head), withPayload ? zmq::send_flags::sndmore : zmq::send_flags::none);
  if (withPayload) m.sock.send(zmq::buffer(req.payload), zmq::send_flags::none);
}

api::Message Connection::recv() {
  Impl &m = *impl_;
  const auto deadline = Clock::now() + m.timeout;
  for (;;) {
    m.pollMonitor();
    if (!m.handshakeProblem.empty()) throw ClientError(m.handshakeProblem);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0)
      throw ClientError(m.name() + " (" + m.node.endpoint + ") did not answer within " +
                        std::to_string(m.timeout.count() / 1000) +
                        " s: check that its node runs and that the endpoint is right");
    zmq::pollitem_t items[] = {{m.sock.handle(), 0, ZMQ_POLLIN, 0},
                               {m.monitor.handle(), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 2, std::min(left, std::chrono::milliseconds(100)));
    if (!(items[0].revents & ZMQ_POLLIN)) continue;
    zmq::message_t head;
    (void)m.sock.recv(head, zmq::recv_flags::none);
    api::Message r;
    try {
      r.header = api::parseHeader(head.to_string_view());
    } catch (const std::exception &e) {
      throw ClientError(m.name() + " sent a malformed reply: " + e.what());
    }
    while (head.more()) {
      zmq::message_t part;
      (void)m.sock.recv(part, zmq::recv_flags::none);
      auto *p = static_cast<const uint8_t *>(part.data());
      r.payload.assign(p, p + part.size());
      sodium_memzero(part.data(), part.size());
      head.swap(part);
    }
    return r;
  }
}

std::string nodeText(const nlohmann::json &h, const char *field, const std::string &def) {
  auto it = h.find(field);
  if (it == h.end() || !it->is_string()) return def;
  return net::printableText(it->get_ref<const std::string &>(), kMaxNodeTextBytes);
}

void Connection::check(const api::Message &reply) {
  if (reply.header.value("ok", false)) return;
  throw ClientError(nodeText(reply.header, "error", "the node refused the request"),
                    nodeText(reply.header, "code", ""));
}

api::Message Connection::call(api::Message req) {
  send(req);
  sodium_memzero(req.payload.data(), req.payload.size());
  api::Message r = recv();
  check(r);
  return r;
}

api::Message Connection::call(const std::string &op, nlohmann::json fields) {
  api::Message req;
  req.header = std::move(fields);
  req.header["op"] = op;
  return call(std::move(req));
}

} // namespace smpc::client
