//===- mesh.cpp - the I/O thread, ZAP handler and channels of a mesh ------===//
#include "runtime/net/mesh.h"

#include "runtime/net/frame.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <sodium.h>
#include <sys/eventfd.h>
#include <thread>
#include <unistd.h>
#include <zmq.hpp>

namespace smpc::net {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using vm::NetError;

namespace {

// A message larger than this is refused: an authenticated but hostile peer
// must not make us buffer without bound.
constexpr uint64_t kMaxMessageBytes = uint64_t(1) << 32;
constexpr uint32_t kNoDest = 0xffffffffu;

struct PeerState {
  bool heard = false;       // any authenticated frame arrived
  bool closed = false;      // Bye arrived
  bool handshakeOk = false; // our DEALER completed CURVE with it
  std::string dead;         // non-empty: why the peer is unusable
  std::string handshakeProblem;
  Clock::time_point lastHeard;
  std::optional<Clock::time_point> disconnectedAt;
};

struct Link {
  std::deque<std::vector<uint8_t>> q; // complete messages, in order
  uint64_t nextSeq = 0;
  std::vector<uint8_t> partial; // chunks of a message not yet complete
};

// ZeroMQ free callback for frames we built: payloads may hold shares.
void wipeAndFree(void *data, void *size) {
  sodium_memzero(data, reinterpret_cast<std::size_t>(size));
  std::free(data);
}

// Appends to a buffer that may hold shares, wiping any block it outgrows.
void appendWiping(std::vector<uint8_t> &buf, std::span<const uint8_t> more) {
  if (buf.size() + more.size() > buf.capacity()) {
    std::vector<uint8_t> bigger;
    bigger.reserve(std::max(buf.size() + more.size(), 2 * buf.capacity()));
    bigger.assign(buf.begin(), buf.end());
    sodium_memzero(buf.data(), buf.size());
    buf.swap(bigger);
  }
  buf.insert(buf.end(), more.begin(), more.end());
}

struct Outgoing {
  uint32_t dest;
  Clock::time_point due;
  zmq::message_t msg;
};

} // namespace

struct Mesh::Impl {
  ClusterConfig cfg;
  uint32_t self;
  uint32_t nodes;
  JobHash job;
  MeshOptions opts;
  milliseconds hbIvl, peerTimeout, connectTimeout, recvTimeout, latency, grace;

  zmq::context_t ctx;
  zmq::socket_t zap, router;
  std::vector<zmq::socket_t> dealers;  // by node id; self's is unused
  std::vector<zmq::socket_t> monitors; // PAIR sockets reading DEALER monitor events
  int wakeFd = -1;
  std::thread io;
  Clock::time_point start;

  std::mutex mu;
  std::condition_variable cv;
  std::vector<PeerState> peers;
  std::vector<std::vector<Link>> links; // [channel][peer]
  std::vector<bool> taken;
  std::deque<Outgoing> outbox; // filled by channels, drained by the I/O thread
  bool closing = false, finished = false;
  std::string ioError;
  std::atomic<uint64_t> refused{0};

  std::string name(uint32_t id) const { return cfg.nodeName(id); }
  void log(const std::string &s) const {
    if (opts.log) opts.log(s);
  }
  void wake() {
    uint64_t one = 1;
    [[maybe_unused]] auto r = ::write(wakeFd, &one, sizeof one);
  }
  // Marks a peer unusable (first reason wins) and wakes waiting receivers.
  void kill(uint32_t p, const std::string &why) {
    if (peers[p].dead.empty()) {
      peers[p].dead = why;
      log("peer failure: " + why);
    }
    cv.notify_all();
  }

  void setup(const SecretKey &key);
  void ioLoop();
  void handleZap();
  void handleIncoming(zmq::message_t &msg);
  void handleMonitor(uint32_t p);
  void checkLiveness(Clock::time_point now);
  bool sendNow(uint32_t dest, zmq::message_t &msg);
  zmq::message_t control(FrameType t) const {
    FrameHeader h;
    h.type = t;
    h.job = job;
    zmq::message_t m(kHeaderBytes);
    encodeHeader(h, static_cast<uint8_t *>(m.data()));
    return m;
  }
};

namespace {

class MeshChannel final : public vm::Channel {
public:
  MeshChannel(Mesh::Impl *m, uint16_t id) : m_(m), id_(id), sendSeq_(m->nodes, 0) {}
  uint32_t self() const override { return m_->self; }
  uint32_t parties() const override { return m_->cfg.numParties(); }
  uint64_t bytesSent() const override { return sent_; }
  uint64_t bytesReceived() const override { return received_; }

  void send(uint32_t to, std::span<const uint8_t> msg) override {
    if (to >= m_->nodes || to == m_->self)
      throw std::logic_error("Channel::send: invalid destination node " + std::to_string(to));
    auto now = Clock::now();
    std::vector<zmq::message_t> frames;
    size_t off = 0;
    do {
      size_t n = std::min(kChunkBytes, msg.size() - off);
      FrameHeader h;
      h.type = off + n == msg.size() ? FrameType::DataEnd : FrameType::Data;
      h.channel = id_;
      h.job = m_->job;
      h.seq = sendSeq_[to]++;
      h.length = n;
      // Our own buffer, so it can be wiped once ZeroMQ is done with it.
      auto *p = static_cast<uint8_t *>(std::malloc(kHeaderBytes + n));
      if (!p) throw std::bad_alloc();
      encodeHeader(h, p);
      if (n) std::memcpy(p + kHeaderBytes, msg.data() + off, n);
      frames.emplace_back(p, kHeaderBytes + n, wipeAndFree,
                          reinterpret_cast<void *>(kHeaderBytes + n));
      off += n;
    } while (off < msg.size());
    {
      std::lock_guard lk(m_->mu);
      for (auto &f : frames) {
        sent_ += f.size();
        m_->outbox.push_back({to, now + m_->latency, std::move(f)});
      }
    }
    m_->wake();
  }

  std::vector<uint8_t> recv(uint32_t from) override {
    if (from >= m_->nodes || from == m_->self)
      throw std::logic_error("Channel::recv: invalid source node " + std::to_string(from));
    std::unique_lock lk(m_->mu);
    auto deadline = Clock::now() + m_->recvTimeout;
    for (;;) {
      Link &l = m_->links[id_][from];
      if (!l.q.empty()) {
        std::vector<uint8_t> out = std::move(l.q.front());
        l.q.pop_front();
        received_ += out.size();
        return out;
      }
      const PeerState &ps = m_->peers[from];
      if (!ps.dead.empty()) throw NetError(ps.dead);
      if (ps.closed)
        throw NetError(m_->name(from) + " ended the job before sending the message this node "
                                        "waits for");
      if (!m_->ioError.empty()) throw NetError(m_->ioError);
      if (m_->finished)
        throw NetError("the network of " + m_->name(m_->self) +
                       " was closed before the message from " + m_->name(from) + " arrived");
      if (m_->cv.wait_until(lk, deadline) == std::cv_status::timeout && l.q.empty() &&
          m_->peers[from].dead.empty())
        throw NetError("timed out after " + std::to_string(m_->recvTimeout.count()) +
                       " ms waiting for a message from " + m_->name(from) + " (timeouts.recv_ms)");
    }
  }

private:
  Mesh::Impl *m_;
  uint16_t id_;
  std::vector<uint64_t> sendSeq_;
  uint64_t sent_ = 0, received_ = 0;
};

} // namespace

void Mesh::Impl::setup(const SecretKey &key) {
  if (key.publicKey() != cfg.node(self).publicKey)
    throw ConfigError("the secret key given for " + name(self) +
                      " does not match the public key the cluster configuration pins for it");
  std::string pub = z85Encode(key.publicKey().data());
  std::string sec = z85Encode(key.secretBytes());
  const int linger = int(std::min<int64_t>(2000, peerTimeout.count()));

  // The ZAP handler must exist before the CURVE server binds, or libzmq
  // would admit every client.
  zap = zmq::socket_t(ctx, zmq::socket_type::rep);
  zap.set(zmq::sockopt::linger, 0);
  zap.bind("inproc://zeromq.zap.01");

  router = zmq::socket_t(ctx, zmq::socket_type::router);
  router.set(zmq::sockopt::curve_server, 1);
  router.set(zmq::sockopt::curve_secretkey, sec);
  router.set(zmq::sockopt::zap_domain, "smpc");
  router.set(zmq::sockopt::linger, 0);
  router.set(zmq::sockopt::rcvhwm, 0);
  // CURVE framing adds a few bytes to each frame; allow for them.
  router.set(zmq::sockopt::maxmsgsize, int64_t(kHeaderBytes + kChunkBytes + 4096));
  try {
    router.bind(cfg.node(self).bind);
  } catch (const zmq::error_t &e) {
    sodium_memzero(sec.data(), sec.size());
    throw NetError("cannot listen on " + cfg.node(self).bind + " for " + name(self) + ": " +
                   e.what());
  }

  dealers.resize(nodes);
  monitors.resize(nodes);
  for (uint32_t p = 0; p < nodes; ++p) {
    if (p == self) continue;
    auto &d = dealers[p];
    d = zmq::socket_t(ctx, zmq::socket_type::dealer);
    d.set(zmq::sockopt::curve_serverkey, z85Encode(cfg.node(p).publicKey.data()));
    d.set(zmq::sockopt::curve_publickey, pub);
    d.set(zmq::sockopt::curve_secretkey, sec);
    d.set(zmq::sockopt::linger, linger);
    d.set(zmq::sockopt::sndhwm, 0);
    d.set(zmq::sockopt::reconnect_ivl, 100);
    std::string monEp = "inproc://smpc-monitor-" + std::to_string(p);
    if (zmq_socket_monitor(d.handle(), monEp.c_str(),
                           ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                               ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) != 0)
      throw NetError("cannot monitor the link to " + name(p));
    monitors[p] = zmq::socket_t(ctx, zmq::socket_type::pair);
    monitors[p].set(zmq::sockopt::linger, 0);
    monitors[p].connect(monEp);
    d.connect(cfg.node(p).endpoint);
  }
  sodium_memzero(sec.data(), sec.size());
}

bool Mesh::Impl::sendNow(uint32_t dest, zmq::message_t &msg) {
  // HWM is unlimited, so this fails only while the DEALER has no pipe (a
  // refused handshake tears it down until the next reconnect).
  try {
    return bool(dealers[dest].send(msg, zmq::send_flags::dontwait));
  } catch (const zmq::error_t &) {
    return false;
  }
}

void Mesh::Impl::handleZap() {
  std::vector<zmq::message_t> req;
  while (true) {
    zmq::message_t part;
    if (!zap.recv(part, zmq::recv_flags::dontwait)) break;
    bool more = part.more();
    req.push_back(std::move(part));
    if (!more) break;
  }
  // libzmq always sends complete requests; answer anything else with a
  // refusal anyway, because a REP socket must reply before it can read on.
  if (req.empty()) return; // spurious wake-up: nothing to answer
  while (req.size() < 2)
    req.emplace_back();
  std::string status = "400", text = "public key not in the cluster configuration", user;
  std::string address = req.size() > 3 ? req[3].to_string() : "?";
  if (req.size() >= 7 && req[0].to_string() == "1.0" && req[5].to_string() == "CURVE" &&
      req[6].size() == kKeyBytes) {
    PublicKey k;
    std::memcpy(k.data(), req[6].data(), kKeyBytes);
    for (uint32_t p = 0; p < nodes; ++p)
      if (p != self && cfg.node(p).publicKey == k) {
        status = "200";
        text = "OK";
        user = std::to_string(p);
      }
  }
  if (status != "200") {
    ++refused;
    log("refused a connection from " + address +
        ": its public key is not pinned in the cluster configuration");
  }
  std::string reqId = req[1].to_string();
  zap.send(zmq::buffer(std::string("1.0")), zmq::send_flags::sndmore);
  zap.send(zmq::buffer(reqId), zmq::send_flags::sndmore);
  zap.send(zmq::buffer(status), zmq::send_flags::sndmore);
  zap.send(zmq::buffer(text), zmq::send_flags::sndmore);
  zap.send(zmq::buffer(user), zmq::send_flags::sndmore);
  zap.send(zmq::message_t(), zmq::send_flags::none);
}

void Mesh::Impl::handleIncoming(zmq::message_t &msg) {
  // The ZAP handler set User-Id to the sender's node id: identity comes from
  // the CURVE key, not from anything the sender writes.
  struct Wipe { // the decrypted frame may hold shares
    zmq::message_t &m;
    ~Wipe() { sodium_memzero(m.data(), m.size()); }
  } wipe{msg};
  uint32_t from = kNoDest;
  try {
    std::string uid = msg.gets("User-Id");
    if (!uid.empty() && uid.size() < 4 && std::all_of(uid.begin(), uid.end(), ::isdigit))
      from = uint32_t(std::stoul(uid));
  } catch (const zmq::error_t &) {
  }
  if (from >= nodes || from == self) return; // cannot happen with our ZAP handler
  auto data = std::span<const uint8_t>(static_cast<const uint8_t *>(msg.data()), msg.size());
  std::string why;
  auto h = decodeHeader(data, why);
  std::lock_guard lk(mu);
  PeerState &ps = peers[from];
  if (!ps.dead.empty()) return; // the link is already condemned
  if (!ps.heard) log("connected: " + name(from));
  ps.heard = true;
  ps.lastHeard = Clock::now();
  if (!h) return kill(from, name(from) + " sent a " + why);
  if (h->job != job)
    return kill(from, name(from) + " sent a frame for another job (job id mismatch); check that "
                                   "every node uses the same cluster configuration");
  switch (h->type) {
  case FrameType::Heartbeat:
    return;
  case FrameType::Bye:
    ps.closed = true;
    cv.notify_all();
    return;
  case FrameType::Data:
  case FrameType::DataEnd:
    break;
  }
  Link &l = links[h->channel][from];
  std::string where = " on channel " + std::to_string(h->channel) + " (sequence " +
                      std::to_string(h->seq) + ", expected " + std::to_string(l.nextSeq) + ")";
  if (h->seq < l.nextSeq) return kill(from, name(from) + " sent a replayed message" + where);
  if (h->seq > l.nextSeq)
    return kill(from, name(from) + " skipped messages" + where +
                          ": a message was lost, reordered or tampered with");
  ++l.nextSeq;
  if (l.partial.size() + h->length > kMaxMessageBytes)
    return kill(from, name(from) + " sent a message larger than the 4 GiB limit");
  appendWiping(l.partial, data.subspan(kHeaderBytes));
  if (h->type == FrameType::DataEnd) {
    l.q.push_back(std::move(l.partial));
    l.partial = {};
    cv.notify_all();
  }
}

void Mesh::Impl::handleMonitor(uint32_t p) {
  zmq::message_t ev, ep;
  if (!monitors[p].recv(ev, zmq::recv_flags::dontwait)) return;
  if (ev.more()) (void)monitors[p].recv(ep, zmq::recv_flags::dontwait);
  if (ev.size() < 6) return;
  uint16_t event;
  std::memcpy(&event, ev.data(), 2);
  std::lock_guard lk(mu);
  PeerState &ps = peers[p];
  switch (event) {
  case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
    ps.handshakeOk = true;
    cv.notify_all();
    break;
  case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
    ps.handshakeProblem = name(p) + " refused this node's public key (CurveZMQ handshake "
                                    "failed: HANDSHAKE_FAILED_AUTH)";
    log(ps.handshakeProblem);
    break;
  case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
  case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
    ps.handshakeProblem = "the CurveZMQ handshake with " + name(p) +
                          " failed; check that the configuration pins its current public key";
    log(ps.handshakeProblem);
    break;
  case ZMQ_EVENT_DISCONNECTED:
    if (ps.handshakeOk && !ps.disconnectedAt) ps.disconnectedAt = Clock::now();
    break;
  default:
    break;
  }
}

void Mesh::Impl::checkLiveness(Clock::time_point now) {
  std::lock_guard lk(mu);
  for (uint32_t p = 0; p < nodes; ++p) {
    if (p == self) continue;
    PeerState &ps = peers[p];
    if (!ps.dead.empty() || ps.closed) continue;
    if (!ps.heard) {
      if (now - start > connectTimeout)
        kill(p, name(p) + " did not connect within " + std::to_string(connectTimeout.count()) +
                    " ms (timeouts.connect_ms): check that it runs, that " + cfg.node(p).endpoint +
                    " is reachable" +
                    (ps.handshakeProblem.empty() ? std::string(" and that the keys match")
                                                 : "; " + ps.handshakeProblem));
    } else if (ps.disconnectedAt && now - *ps.disconnectedAt > grace) {
      kill(p, name(p) + " disconnected (its process exited or the network failed)");
    } else if (now - ps.lastHeard > peerTimeout) {
      kill(p, name(p) + " has been silent for more than " + std::to_string(peerTimeout.count()) +
                  " ms (timeouts.peer_ms): it crashed, hangs or the network failed");
    }
  }
}

void Mesh::Impl::ioLoop() {
  std::deque<Outgoing> delayed; // data frames in due order (one fixed delay)
  std::vector<std::deque<zmq::message_t>> backlog(nodes); // due, not yet accepted by zmq
  auto nextHb = Clock::now();
  Clock::time_point closeDeadline{};
  bool byeSent = false;
  try {
    for (;;) {
      auto now = Clock::now();
      if (now >= nextHb) {
        for (uint32_t p = 0; p < nodes; ++p)
          if (p != self) {
            auto m = control(FrameType::Heartbeat);
            (void)sendNow(p, m); // a lost heartbeat is harmless
          }
        nextHb = now + hbIvl;
      }
      checkLiveness(now);
      {
        std::lock_guard lk(mu);
        while (!outbox.empty()) {
          delayed.push_back(std::move(outbox.front()));
          outbox.pop_front();
        }
        if (closing && !byeSent) {
          // Bye goes behind every data frame so peers see it last.
          for (uint32_t p = 0; p < nodes; ++p)
            if (p != self) delayed.push_back({p, now + latency, control(FrameType::Bye)});
          byeSent = true;
        }
      }
      while (!delayed.empty() && delayed.front().due <= now) {
        backlog[delayed.front().dest].push_back(std::move(delayed.front().msg));
        delayed.pop_front();
      }
      bool pending = false;
      for (uint32_t p = 0; p < nodes; ++p) {
        auto &b = backlog[p];
        while (!b.empty() && sendNow(p, b.front()))
          b.pop_front();
        if (!b.empty()) {
          std::lock_guard lk(mu);
          if (!peers[p].dead.empty()) b.clear(); // nobody will ever read them
        }
        pending = pending || !b.empty();
      }
      if (byeSent && closeDeadline == Clock::time_point{}) closeDeadline = now + grace * 4;
      if (byeSent && delayed.empty() && (!pending || now > closeDeadline)) break;

      auto until = std::min(nextHb, now + milliseconds(50));
      if (!delayed.empty()) until = std::min(until, delayed.front().due);
      if (pending) until = std::min(until, now + milliseconds(5));
      auto timeout = std::chrono::duration_cast<milliseconds>(until - now) + milliseconds(1);
      std::vector<zmq::pollitem_t> items = {
          {zap.handle(), 0, ZMQ_POLLIN, 0},
          {router.handle(), 0, ZMQ_POLLIN, 0},
          {nullptr, wakeFd, ZMQ_POLLIN, 0},
      };
      for (uint32_t p = 0; p < nodes; ++p)
        if (p != self) items.push_back({monitors[p].handle(), 0, ZMQ_POLLIN, 0});
      zmq::poll(items.data(), items.size(), timeout);
      if (items[0].revents & ZMQ_POLLIN) handleZap();
      if (items[1].revents & ZMQ_POLLIN) {
        for (int i = 0; i < 1024; ++i) {
          zmq::message_t id, payload;
          if (!router.recv(id, zmq::recv_flags::dontwait)) break;
          if (!id.more()) continue;
          (void)router.recv(payload, zmq::recv_flags::none);
          bool extra = payload.more();
          while (extra) { // we never send multipart: drop the rest
            zmq::message_t junk;
            (void)router.recv(junk, zmq::recv_flags::none);
            extra = junk.more();
          }
          handleIncoming(payload);
        }
      }
      if (items[2].revents & ZMQ_POLLIN) {
        uint64_t v;
        [[maybe_unused]] auto r = ::read(wakeFd, &v, sizeof v);
      }
      for (size_t i = 3; i < items.size(); ++i)
        if (items[i].revents & ZMQ_POLLIN) {
          uint32_t p = uint32_t(i - 3);
          if (p >= self) ++p;
          handleMonitor(p);
        }
    }
  } catch (const std::exception &e) {
    std::lock_guard lk(mu);
    ioError = "network I/O of " + name(self) + " failed: " + e.what();
    log(ioError);
  }
  std::lock_guard lk(mu);
  finished = true;
  cv.notify_all();
}

Mesh::Mesh(const ClusterConfig &cfg, uint32_t self, const SecretKey &key, MeshOptions opts)
    : impl_(std::make_unique<Impl>()) {
  Impl &m = *impl_;
  if (self >= cfg.numNodes())
    throw ConfigError("node id " + std::to_string(self) + " is not in the cluster configuration");
  m.cfg = cfg;
  m.self = self;
  m.nodes = cfg.numNodes();
  m.job = hashJobId(cfg.jobId);
  m.opts = std::move(opts);
  const Timeouts &t = cfg.timeouts;
  m.peerTimeout = milliseconds(t.peerMs);
  m.hbIvl = milliseconds(t.heartbeatMs ? t.heartbeatMs : std::max<uint32_t>(1, t.peerMs / 5));
  m.connectTimeout = milliseconds(t.connectMs);
  m.recvTimeout = milliseconds(t.recvMs);
  m.latency = milliseconds(cfg.latencyMs);
  m.grace = milliseconds(std::min<uint32_t>(500, t.peerMs / 2));
  m.peers.resize(m.nodes);
  m.links.assign(kMaxChannels, std::vector<Link>(m.nodes));
  m.taken.assign(kMaxChannels, false);
  m.wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (m.wakeFd < 0) throw NetError("cannot create an eventfd for the network thread");
  try {
    m.setup(key);
  } catch (...) {
    ::close(m.wakeFd);
    throw;
  }
  m.start = Clock::now();
  m.io = std::thread([&m] { m.ioLoop(); });
}

Mesh::~Mesh() {
  close();
  ::close(impl_->wakeFd);
}

uint32_t Mesh::self() const {
  return impl_->self;
}
const ClusterConfig &Mesh::config() const {
  return impl_->cfg;
}
uint64_t Mesh::refusedConnections() const {
  return impl_->refused.load();
}

std::unique_ptr<vm::Channel> Mesh::channel(uint16_t id) {
  if (id >= kMaxChannels) throw std::logic_error("Mesh::channel: channel id out of range");
  std::lock_guard lk(impl_->mu);
  if (impl_->taken[id]) throw std::logic_error("Mesh::channel: channel already taken");
  impl_->taken[id] = true;
  return std::make_unique<MeshChannel>(impl_.get(), id);
}

void Mesh::waitReady() {
  Impl &m = *impl_;
  std::unique_lock lk(m.mu);
  for (;;) {
    std::string missing;
    for (uint32_t p = 0; p < m.nodes; ++p) {
      if (p == m.self) continue;
      if (!m.peers[p].dead.empty()) throw NetError(m.peers[p].dead);
      if (!m.peers[p].heard || !m.peers[p].handshakeOk)
        missing += (missing.empty() ? "" : ", ") + m.name(p);
    }
    if (missing.empty()) return;
    if (!m.ioError.empty()) throw NetError(m.ioError);
    m.cv.wait_for(lk, milliseconds(100));
  }
}

void Mesh::close() {
  Impl &m = *impl_;
  if (!m.io.joinable()) return;
  {
    std::lock_guard lk(m.mu);
    m.closing = true;
  }
  m.wake();
  m.io.join();
  // Sockets close here; DEALER linger lets the last frames reach the peers.
  m.zap.close();
  m.router.close();
  for (auto &s : m.monitors)
    s.close();
  for (uint32_t p = 0; p < m.nodes; ++p) {
    if (p == m.self) continue;
    // Linger only toward peers that still read: one that said Bye or died
    // would just hold the close up.
    std::lock_guard lk(m.mu);
    if (m.peers[p].closed || !m.peers[p].dead.empty()) m.dealers[p].set(zmq::sockopt::linger, 0);
    m.dealers[p].close();
  }
}

void Mesh::sendRawForTest(uint32_t to, std::vector<uint8_t> frame) {
  if (to >= impl_->nodes || to == impl_->self) throw std::logic_error("sendRawForTest: bad node");
  {
    std::lock_guard lk(impl_->mu);
    impl_->outbox.push_back({to, Clock::now(), zmq::message_t(frame.begin(), frame.end())});
  }
  impl_->wake();
}

} // namespace smpc::net
