//===- client_server.cpp - ZAP, the ROUTER loop and the worker pool --------===//
#include "runtime/node/client_server.h"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <sodium.h>
#include <sys/eventfd.h>
#include <thread>
#include <unistd.h>
#include <zmq.hpp>

namespace smpc::node {

namespace {

struct Request {
  std::string identity;
  std::size_t client;
  api::Message msg;
};

struct Reply {
  std::string identity;
  api::Message msg;
};

void wipe(std::vector<uint8_t> &v) {
  if (!v.empty()) sodium_memzero(v.data(), v.size());
}

} // namespace

struct ClientServer::Impl {
  const NodeConfig &cfg;
  Handler handler;
  std::function<void(const std::string &)> refused;
  zmq::context_t ctx;
  zmq::socket_t zap, router;
  std::string bound;
  int wakeFd = -1;
  std::thread io;
  std::vector<std::thread> workers;

  std::mutex mu;
  std::condition_variable cv;
  std::deque<Request> requests;
  std::deque<Reply> replies;
  bool stop = false;

  Impl(const NodeConfig &c) : cfg(c) {}

  void wake() {
    uint64_t one = 1;
    [[maybe_unused]] auto r = ::write(wakeFd, &one, sizeof one);
  }

  void handleZap() {
    std::vector<zmq::message_t> req;
    for (;;) {
      zmq::message_t part;
      if (!zap.recv(part, zmq::recv_flags::dontwait)) break;
      bool more = part.more();
      req.push_back(std::move(part));
      if (!more) break;
    }
    if (req.empty()) return;
    while (req.size() < 2)
      req.emplace_back();
    std::string status = "400", text = "client key not pinned in the node configuration", user;
    if (req.size() >= 7 && req[0].to_string() == "1.0" && req[5].to_string() == "CURVE" &&
        req[6].size() == net::kKeyBytes) {
      net::PublicKey k;
      std::memcpy(k.data(), req[6].data(), net::kKeyBytes);
      for (std::size_t i = 0; i < cfg.clients.size(); ++i)
        if (cfg.clients[i].publicKey == k) {
          status = "200";
          text = "OK";
          user = std::to_string(i);
        }
      if (status != "200" && refused)
        refused("refused a client connection from " +
                (req.size() > 3 ? req[3].to_string() : std::string("?")) +
                ": its key is not pinned in the node configuration");
    }
    zap.send(zmq::buffer(std::string("1.0")), zmq::send_flags::sndmore);
    zap.send(zmq::buffer(req[1].to_string()), zmq::send_flags::sndmore);
    zap.send(zmq::buffer(status), zmq::send_flags::sndmore);
    zap.send(zmq::buffer(text), zmq::send_flags::sndmore);
    zap.send(zmq::buffer(user), zmq::send_flags::sndmore);
    zap.send(zmq::message_t(), zmq::send_flags::none);
  }

  void receive() {
    for (int n = 0; n < 256; ++n) {
      std::vector<zmq::message_t> parts;
      for (;;) {
        zmq::message_t m;
        if (!router.recv(m, parts.empty() ? zmq::recv_flags::dontwait : zmq::recv_flags::none))
          break;
        bool more = m.more();
        parts.push_back(std::move(m));
        if (!more) break;
      }
      if (parts.empty()) return;
      std::size_t client = SIZE_MAX;
      try {
        // The identity frame ROUTER adds carries no metadata; the client's own frames do.
        std::string uid = parts.size() > 1 ? parts[1].gets("User-Id") : "";
        if (!uid.empty() && uid.size() < 6) client = std::stoul(uid);
      } catch (const std::exception &) {
      }
      Request r;
      r.identity = parts[0].to_string();
      r.client = client;
      bool ok = client < cfg.clients.size() && (parts.size() == 2 || parts.size() == 3);
      if (ok) {
        try {
          r.msg.header = api::parseHeader(parts[1].to_string_view());
        } catch (const std::exception &e) {
          ok = false;
        }
      }
      if (parts.size() == 3) {
        auto *p = static_cast<const uint8_t *>(parts[2].data());
        if (ok && parts[2].size() <= api::kMaxPayloadBytes)
          r.msg.payload.assign(p, p + parts[2].size());
        sodium_memzero(parts[2].data(), parts[2].size());
      }
      if (!ok) {
        Reply bad{r.identity, {}};
        bad.msg.header = {{"ok", false},
                          {"code", api::code::kBadRequest},
                          {"error", "malformed request: expected a JSON header and at most one "
                                    "payload frame"}};
        send(bad);
        continue;
      }
      {
        std::lock_guard lk(mu);
        requests.push_back(std::move(r));
      }
      cv.notify_one();
    }
  }

  void send(Reply &r) {
    std::string head = r.msg.header.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    bool withPayload = !r.msg.payload.empty();
    router.send(zmq::buffer(r.identity), zmq::send_flags::sndmore);
    router.send(zmq::buffer(head), withPayload ? zmq::send_flags::sndmore : zmq::send_flags::none);
    if (withPayload) router.send(zmq::buffer(r.msg.payload), zmq::send_flags::none);
    wipe(r.msg.payload);
  }

  void ioLoop() {
    for (;;) {
      {
        std::deque<Reply> out;
        {
          std::lock_guard lk(mu);
          if (stop) return;
          out.swap(replies);
        }
        for (auto &r : out) {
          try {
            send(r);
          } catch (const zmq::error_t &) {
            wipe(r.msg.payload); // the client went away
          }
        }
      }
      zmq::pollitem_t items[] = {{zap.handle(), 0, ZMQ_POLLIN, 0},
                                 {router.handle(), 0, ZMQ_POLLIN, 0},
                                 {nullptr, wakeFd, ZMQ_POLLIN, 0}};
      zmq::poll(items, 3, std::chrono::milliseconds(200));
      if (items[0].revents & ZMQ_POLLIN) handleZap();
      if (items[1].revents & ZMQ_POLLIN) receive();
      if (items[2].revents & ZMQ_POLLIN) {
        uint64_t v;
        [[maybe_unused]] auto r = ::read(wakeFd, &v, sizeof v);
      }
    }
  }

  void workerLoop() {
    for (;;) {
      Request r;
      {
        std::unique_lock lk(mu);
        cv.wait(lk, [&] { return stop || !requests.empty(); });
        if (stop) return;
        r = std::move(requests.front());
        requests.pop_front();
      }
      Caller c;
      c.client = &cfg.clients[r.client];
      c.keyZ85 = net::z85Encode(c.client->publicKey.data());
      Reply rep{r.identity, {}};
      try {
        rep.msg = handler(c, r.msg);
      } catch (const std::exception &e) {
        rep.msg.header = {{"ok", false}, {"code", api::code::kFailed}, {"error", e.what()}};
      }
      wipe(r.msg.payload);
      if (r.msg.header.contains("id")) rep.msg.header["id"] = r.msg.header["id"];
      {
        std::lock_guard lk(mu);
        replies.push_back(std::move(rep));
      }
      wake();
    }
  }
};

ClientServer::ClientServer(const NodeConfig &cfg, const net::SecretKey &key, Handler handler,
                           std::function<void(const std::string &)> refused, unsigned workers)
    : impl_(std::make_unique<Impl>(cfg)) {
  Impl &m = *impl_;
  m.handler = std::move(handler);
  m.refused = std::move(refused);
  m.wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (m.wakeFd < 0) throw std::runtime_error("cannot create an eventfd for the client endpoint");
  // The ZAP handler must exist before the CURVE server binds.
  m.zap = zmq::socket_t(m.ctx, zmq::socket_type::rep);
  m.zap.set(zmq::sockopt::linger, 0);
  m.zap.bind("inproc://zeromq.zap.01");
  m.router = zmq::socket_t(m.ctx, zmq::socket_type::router);
  std::string sec = net::z85Encode(key.secretBytes());
  m.router.set(zmq::sockopt::curve_server, 1);
  m.router.set(zmq::sockopt::curve_secretkey, sec);
  sodium_memzero(sec.data(), sec.size());
  m.router.set(zmq::sockopt::zap_domain, "smpc-clients");
  m.router.set(zmq::sockopt::linger, 0);
  m.router.set(zmq::sockopt::maxmsgsize, int64_t(api::kMaxPayloadBytes + 4096));
  m.router.set(zmq::sockopt::router_mandatory, 0);
  std::string ep = cfg.clientBind;
  if (ep.size() > 2 && ep.compare(ep.size() - 2, 2, ":0") == 0) ep.replace(ep.size() - 1, 1, "*");
  try {
    m.router.bind(ep);
  } catch (const zmq::error_t &e) {
    ::close(m.wakeFd);
    throw std::runtime_error("cannot listen for clients on " + cfg.clientBind + ": " + e.what());
  }
  m.bound = m.router.get(zmq::sockopt::last_endpoint);
  m.io = std::thread([&m] { m.ioLoop(); });
  for (unsigned i = 0; i < workers; ++i)
    m.workers.emplace_back([&m] { m.workerLoop(); });
}

ClientServer::~ClientServer() {
  Impl &m = *impl_;
  {
    std::lock_guard lk(m.mu);
    m.stop = true;
  }
  m.cv.notify_all();
  m.wake();
  for (auto &w : m.workers)
    w.join();
  m.io.join();
  for (auto &r : m.requests)
    wipe(r.msg.payload);
  for (auto &r : m.replies)
    wipe(r.msg.payload);
  m.router.close();
  m.zap.close();
  ::close(m.wakeFd);
}

std::string ClientServer::endpoint() const {
  return impl_->bound;
}

} // namespace smpc::node
