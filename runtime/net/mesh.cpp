//===- mesh.cpp - the I/O thread, ZAP handler and peer states of a mesh ---===//
#include "runtime/net/mesh.h"

#include "runtime/net/mesh_impl.h"

#include <algorithm>
#include <cstring>
#include <sodium.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace smpc::net {

using std::chrono::milliseconds;
using vm::NetError;

namespace {

constexpr uint32_t kNoDest = 0xffffffffu;
constexpr int kRouterHwmFrames = 64;

// The payload of a Bye: text, checked by byeReason before any use.
std::string_view toText(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char *>(b.data()), b.size()};
}

} // namespace

void Mesh::Impl::wake() {
  uint64_t one = 1;
  [[maybe_unused]] auto r = ::write(wakeFd, &one, sizeof one);
}

void Mesh::Impl::kill(uint32_t p, const std::string &why) {
  PeerState &ps = peers[p];
  if (ps.dead.empty()) {
    ps.dead = why;
    ++ps.downs;
    log("peer failure: " + why);
    ps.up = false;
    if (opts.multiplex) {
      // Its jobs cannot go on: their messages in flight are lost.
      for (auto &[key, st] : chans)
        if (st->sequenced && st->failed.empty()) st->failed = why;
      for (auto &[key, pf] : pending) // frames of its jobs that never started here
        std::erase_if(pf.frames, [&](auto &fr) {
          if (fr.first != p) return false;
          pendingBytes[p] -= fr.second.size();
          sodium_memzero(fr.second.data(), fr.second.size());
          ++dropped;
          return true;
        });
      events.push_back({p, false, why});
    }
  }
  cv.notify_all();
}

std::string Mesh::Impl::otherJob(uint32_t from) const {
  return name(from) + " sent a frame of another job: its job id differs from this node's '" +
         cfg.jobId +
         "' (is it still running an earlier job, or was it started with an earlier job's "
         "configuration?); give every node the same cluster configuration";
}

void Mesh::Impl::revive(uint32_t p) {
  PeerState &ps = peers[p];
  ps.dead.clear();
  ps.closed = false;
  ps.disconnectedAt.reset();
  for (auto &[key, st] : chans) { // a fresh start for the links that survive
    Link &l = st->links[p];
    l.bytes -= l.partial.charge;
    buffered[p] -= l.partial.charge;
    l.partial = {}; // wiped by ~Chunk
    l.nextSeq = 0;
    l.error.clear();
    st->sendSeq[p] = 0;
  }
  log("peer back: " + name(p));
  markUp(p);
}

void Mesh::Impl::markUp(uint32_t p) {
  if (peers[p].up) return;
  peers[p].up = true;
  events.push_back({p, true, ""});
  cv.notify_all();
}

void Mesh::Impl::fireEvents() {
  std::vector<PeerEvent> ev;
  {
    std::lock_guard lk(mu);
    ev.swap(events);
  }
  if (opts.onPeer)
    for (auto &e : ev)
      opts.onPeer(e.peer, e.up, e.why);
}

zmq::message_t Mesh::Impl::control(FrameType t, std::string_view reason) const {
  FrameHeader h;
  h.type = t;
  h.job = job;
  std::span<const uint8_t> payload;
  if (t == FrameType::Heartbeat)
    payload = incarnation;
  else // close() made it fit: printable, at most kMaxByeReasonBytes
    payload = {reinterpret_cast<const uint8_t *>(reason.data()), reason.size()};
  h.length = payload.size();
  zmq::message_t m(kHeaderBytes + h.length);
  encodeHeader(h, static_cast<uint8_t *>(m.data()));
  if (!payload.empty())
    std::memcpy(static_cast<uint8_t *>(m.data()) + kHeaderBytes, payload.data(), payload.size());
  return m;
}

void Mesh::Impl::setup(const SecretKey &key) {
  if (key.publicKey() != cfg.node(self).publicKey)
    throw ConfigError("the secret key given for " + name(self) +
                      " does not match the public key the cluster configuration pins for it");
  std::string pub = z85Encode(key.publicKey().data());
  std::string sec = z85Encode(key.secretBytes());
  const int linger = int(std::min<int64_t>(2000, peerTimeout.count()));

  // The ZAP handler must exist before the CURVE server binds, or libzmq
  // would admit every client.
  ctx.emplace();
  zap = zmq::socket_t(*ctx, zmq::socket_type::rep);
  zap.set(zmq::sockopt::linger, 0);
  zap.bind("inproc://zeromq.zap.01");

  router = zmq::socket_t(*ctx, zmq::socket_type::router);
  router.set(zmq::sockopt::curve_server, 1);
  router.set(zmq::sockopt::curve_secretkey, sec);
  router.set(zmq::sockopt::zap_domain, "smpc");
  router.set(zmq::sockopt::linger, 0);
  // ZeroMQ's own queue per connection is bounded too (in frames of at most
  // 1 MiB); when it is full, TCP pushes back on the sender.
  router.set(zmq::sockopt::rcvhwm, kRouterHwmFrames);
  // CURVE framing adds a few bytes to each frame; allow for them.
  router.set(zmq::sockopt::maxmsgsize, int64_t(kHeaderBytes + kChunkBytes + 4096));
  // Disconnects of inbound connections free their key for a new connection.
  if (zmq_socket_monitor(router.handle(), "inproc://smpc-router-monitor", ZMQ_EVENT_DISCONNECTED) !=
      0)
    throw NetError("cannot monitor the listening socket of " + name(self));
  routerMonitor = zmq::socket_t(*ctx, zmq::socket_type::pair);
  routerMonitor.set(zmq::sockopt::linger, 0);
  routerMonitor.connect("inproc://smpc-router-monitor");
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
    d = zmq::socket_t(*ctx, zmq::socket_type::dealer);
    d.set(zmq::sockopt::curve_serverkey, z85Encode(cfg.node(p).publicKey.data()));
    d.set(zmq::sockopt::curve_publickey, pub);
    d.set(zmq::sockopt::curve_secretkey, sec);
    d.set(zmq::sockopt::linger, linger);
    d.set(zmq::sockopt::sndhwm, 0);
    // Peers start in any order: retry soon after a refused connect, backing
    // off to 100 ms, so a local job does not wait 100 ms for a late binder.
    d.set(zmq::sockopt::reconnect_ivl, 5);
    d.set(zmq::sockopt::reconnect_ivl_max, 100);
    std::string monEp = "inproc://smpc-monitor-" + std::to_string(p);
    if (zmq_socket_monitor(d.handle(), monEp.c_str(),
                           ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                               ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) != 0)
      throw NetError("cannot monitor the link to " + name(p));
    monitors[p] = zmq::socket_t(*ctx, zmq::socket_type::pair);
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
    const std::size_t n = msg.size();
    if (!dealers[dest].send(msg, zmq::send_flags::dontwait)) return false;
    sentBytes += n;
    return true;
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
        std::lock_guard lk(mu);
        const PeerState &ps = peers[p];
        if (keyTaken(ps, Clock::now())) {
          // One connection per key: a second one would interleave its
          // frames with the real party's and get that party blamed.
          status = "400";
          text = "another connection with this key is already admitted";
          ++refused;
          logLimited("second:" + user,
                     "refused a second connection with " + name(p) + "'s key from " + address +
                         ": " + name(p) +
                         " is already connected (only one connection per key is admitted; "
                         "check that no other process uses its key)");
        }
      }
  }
  if (status == "400" && user.empty()) {
    ++refused;
    logLimited("unknown:" + address, "refused a connection from " + address +
                                         ": its public key is not pinned in the cluster "
                                         "configuration");
  }
  if (status != "200") user.clear();
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
  const int fd = zmq_msg_get(msg.handle(), ZMQ_SRCFD);
  {
    std::lock_guard lk(mu);
    if (!admitConnection(from, fd)) return;
  }
  if (opts.slowReceiveForTest.count()) std::this_thread::sleep_for(opts.slowReceiveForTest);
  handleFrame(from, std::span<const uint8_t>(static_cast<const uint8_t *>(msg.data()), msg.size()),
              &msg);
}

void Mesh::Impl::handleFrame(uint32_t from, std::span<const uint8_t> data, zmq::message_t *frame) {
  receivedBytes += data.size();
  std::string why;
  auto h = decodeHeader(data, why);
  std::lock_guard lk(mu);
  PeerState &ps = peers[from];
  const bool multiplex = opts.multiplex;
  if (!ps.dead.empty() && !multiplex) return; // the link is already condemned
  if (!ps.heard) log("connected: " + name(from));
  if (!h) {
    // A long-lived node keeps the peer: the frame is lost, and a job that
    // needed it notices the gap in its sequence numbers.
    if (multiplex) return log(name(from) + " sent a " + why + " (frame dropped)");
    ps.heard = true, ps.lastHeard = Clock::now();
    return kill(from, name(from) + " sent a " + why);
  }
  if (h->type == FrameType::Heartbeat || h->type == FrameType::Bye ||
      h->type == FrameType::ByeAck) {
    if (h->job != job) {
      if (multiplex)
        return log(name(from) + " belongs to another cluster (its cluster id differs); frame "
                                "dropped");
      ps.heard = true, ps.lastHeard = Clock::now();
      return kill(from, otherJob(from));
    }
  }
  if (multiplex) {
    if (h->type == FrameType::Heartbeat && h->length == kIncarnationBytes) {
      Incarnation inc;
      std::memcpy(inc.data(), data.data() + kHeaderBytes, kIncarnationBytes);
      if (ps.incarnation && *ps.incarnation != inc) kill(from, name(from) + " restarted");
      ps.incarnation = inc;
    }
    ps.heard = true;
    ps.lastHeard = Clock::now();
    if (h->type == FrameType::Bye) {
      ps.closed = true;
      ps.failed = byeReason(toText(data.subspan(kHeaderBytes)));
      // Its key is free for its next life at once. A Bye read after its
      // connection's disconnect event re-admitted that dead connection,
      // and this node then refused the restarted peer for peer_ms.
      ps.connFd = -1;
      return kill(from, name(from) + " shut down" + (ps.failed.empty() ? "" : ": " + ps.failed));
    }
    if (!ps.dead.empty() && ps.handshakeOk)
      revive(from);
    else if (ps.handshakeOk)
      markUp(from);
    if (!ps.dead.empty()) return; // until our own link to it is back
  }
  ps.heard = true;
  ps.lastHeard = Clock::now();
  switch (h->type) {
  case FrameType::Heartbeat:
    return;
  case FrameType::Bye:
    ps.closed = true;
    ps.failed = byeReason(toText(data.subspan(kHeaderBytes)));
    ps.ackDue = true; // it waits to hear that its last frames arrived
    cv.notify_all();
    return;
  case FrameType::ByeAck:
    ps.acked = true;
    return;
  case FrameType::Data:
  case FrameType::DataEnd:
    break;
  }
  handleData(from, *h, data.subspan(kHeaderBytes), frame);
}

bool Mesh::Impl::admitConnection(uint32_t p, int fd) {
  PeerState &ps = peers[p];
  const auto now = Clock::now();
  if (fd < 0 || ps.connFd == fd) { // (no socket: a transport without one, cannot tell)
    ps.connHeard = now;
    return true;
  }
  // A connection silent for peer_ms is a dead one whose disconnect we have
  // not seen (a half-open TCP link): the new connection replaces it.
  if (!keyTaken(ps, now)) {
    ps.connFd = fd;
    ps.connHeard = now;
    return true;
  }
  // Both passed the handshake before either sent anything: keep the first.
  ++refused;
  logLimited("second-frame:" + std::to_string(p),
             "dropped a frame from a second connection with " + name(p) + "'s key: " + name(p) +
                 " is already connected (only one connection per key is admitted; check that "
                 "no other process uses its key)");
  return false;
}

void Mesh::Impl::handleRouterMonitor() {
  zmq::message_t ev, ep;
  if (!routerMonitor.recv(ev, zmq::recv_flags::dontwait)) return;
  if (ev.more()) (void)routerMonitor.recv(ep, zmq::recv_flags::dontwait);
  if (ev.size() < 6) return;
  uint16_t event;
  uint32_t value;
  std::memcpy(&event, ev.data(), 2);
  std::memcpy(&value, static_cast<const uint8_t *>(ev.data()) + 2, 4);
  if (event != ZMQ_EVENT_DISCONNECTED) return;
  std::lock_guard lk(mu);
  for (PeerState &ps : peers)
    if (ps.connFd == int(value)) ps.connFd = -1;
}

void Mesh::Impl::handleData(uint32_t from, const FrameHeader &h, std::span<const uint8_t> payload,
                            zmq::message_t *frame) {
  const ChanKey key{h.job, h.channel};
  auto it = chans.find(key);
  if (it != chans.end()) return deliver(*it->second, from, h, payload, frame);
  if (!opts.multiplex) return kill(from, otherJob(from));
  // A job this node has finished, or not opened yet.
  if (closedSet.count(key) ||
      pendingBytes[from] + kHeaderBytes + payload.size() > kMaxPendingBytesPerPeer) {
    ++dropped;
    return;
  }
  auto &pf = pending[key];
  if (pf.frames.empty()) pf.since = Clock::now();
  std::vector<uint8_t> f(kHeaderBytes + payload.size());
  encodeHeader(h, f.data());
  std::copy(payload.begin(), payload.end(), f.begin() + kHeaderBytes);
  pendingBytes[from] += f.size();
  pf.frames.emplace_back(from, std::move(f));
}

void Mesh::Impl::deliver(ChanState &st, uint32_t from, const FrameHeader &h,
                         std::span<const uint8_t> payload, zmq::message_t *frame) {
  Link &l = st.links[from];
  if (!l.error.empty()) return; // this link already failed
  auto failLink = [&](const std::string &why) {
    l.error = why;
    log("peer failure: " + why);
    if (!opts.multiplex) return kill(from, why);
    cv.notify_all();
  };
  if (st.sequenced) {
    std::string where = " on channel " + std::to_string(h.channel) + " (sequence " +
                        std::to_string(h.seq) + ", expected " + std::to_string(l.nextSeq) + ")";
    if (h.seq < l.nextSeq) return failLink(name(from) + " sent a replayed message" + where);
    if (h.seq > l.nextSeq)
      return failLink(name(from) + " skipped messages" + where +
                      ": a message was lost, reordered or tampered with");
    ++l.nextSeq;
  }
  if (!st.failed.empty()) return; // aborted or failed: nobody will read it
  // Everything this node holds of a peer's unread messages counts, so a peer
  // that floods a channel nobody reads is cut off at a fixed bound.
  const uint64_t n = payload.size(), charge = frameCharge(payload.size());
  auto mib = [](uint64_t b) { return std::to_string(b >> 20) + " MiB"; };
  auto cutOff = [&](const std::string &why) { // the whole peer, in either mode
    l.error = why;
    kill(from, why);
  };
  if (l.bytes + charge > channelCap) {
    return cutOff(name(from) + " sent more than " + mib(channelCap) + " on channel " +
                  std::to_string(h.channel) +
                  " that this node has not read; it is cut off (raise "
                  "limits.channel_buffer_mib in the cluster configuration if the program sends "
                  "messages this large)");
  }
  if (buffered[from] + charge > peerCap) {
    return cutOff(name(from) + " sent more than " + mib(peerCap) +
                  " that this node has not read; it is cut off (raise limits.peer_buffer_mib in "
                  "the cluster configuration if the program sends this much at once)");
  }
  // The frame ZeroMQ decrypted is kept as it is (its reader copies the
  // message once, where it wants it); a frame replayed from the pending
  // store is copied.
  const auto *base = frame ? static_cast<const uint8_t *>(frame->data()) : nullptr;
  if (frame && payload.data() >= base && payload.data() + n == base + frame->size())
    l.partial.chunks.emplace_back(std::move(*frame), std::size_t(payload.data() - base));
  else
    l.partial.chunks.emplace_back(zmq::message_t(payload.data(), n), 0);
  l.partial.size += n;
  l.partial.charge += charge;
  l.bytes += charge;
  buffered[from] += charge;
  bufferedPeak = std::max(bufferedPeak, buffered[from]);
  if (h.type == FrameType::DataEnd) {
    l.q.push_back(std::move(l.partial));
    l.partial = {};
    cv.notify_all();
  }
}

Message Mesh::Impl::take(ChanState &st, uint32_t from) {
  Link &l = st.links[from];
  Message out = std::move(l.q.front());
  l.q.pop_front();
  l.bytes -= out.charge;
  buffered[from] -= out.charge;
  return out;
}

void Mesh::Impl::clearLink(ChanState &st, uint32_t from) {
  Link &l = st.links[from];
  l.q.clear(); // wiped by ~Chunk
  l.partial = {};
  buffered[from] -= l.bytes;
  l.bytes = 0;
}

void Mesh::Impl::dropPending(std::map<ChanKey, PendingFrames>::iterator it) {
  for (auto &[from, f] : it->second.frames) {
    pendingBytes[from] -= f.size();
    sodium_memzero(f.data(), f.size());
    ++dropped;
  }
  pending.erase(it);
}

void Mesh::Impl::expirePending(Clock::time_point now) {
  std::lock_guard lk(mu);
  for (auto it = pending.begin(); it != pending.end();) {
    auto next = std::next(it);
    if (now - it->second.since > kPendingTtl) dropPending(it);
    it = next;
  }
}

void Mesh::Impl::rememberClosed(const ChanKey &key) {
  if (!closedSet.insert(key).second) return;
  closedOrder.push_back(key);
  if (closedOrder.size() > kRecentlyClosed) {
    closedSet.erase(closedOrder.front());
    closedOrder.pop_front();
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
    ps.handshakeProblem.clear();
    if (opts.multiplex) {
      ps.disconnectedAt.reset();
      // Heard from recently, and now our own link to it works again.
      if (ps.heard && !ps.closed && Clock::now() - ps.lastHeard < peerTimeout) {
        if (!ps.dead.empty())
          revive(p);
        else
          markUp(p);
      }
    }
    cv.notify_all();
    break;
  case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
    ps.handshakeProblem = name(p) + " refused this node's public key (CurveZMQ handshake "
                                    "failed: HANDSHAKE_FAILED_AUTH)";
    logLimited("handshake:" + std::to_string(p), ps.handshakeProblem);
    break;
  case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
  case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
    ps.handshakeProblem = "the CurveZMQ handshake with " + name(p) +
                          " failed; check that the configuration pins its current public key";
    logLimited("handshake:" + std::to_string(p), ps.handshakeProblem);
    break;
  case ZMQ_EVENT_DISCONNECTED:
    if (ps.handshakeOk && !ps.disconnectedAt) ps.disconnectedAt = Clock::now();
    if (opts.multiplex) ps.handshakeOk = false; // until the DEALER reconnects
    break;
  default:
    break;
  }
}

std::string Mesh::Impl::neverHeard(uint32_t p) const {
  const PeerState &ps = peers[p];
  const std::string within = std::to_string(connectTimeout.count()) + " ms (timeouts.connect_ms)";
  // Our own connection to it passed the CurveZMQ handshake, so both keys
  // are right; what silences a peer then is a frame it refused.
  if (ps.handshakeOk)
    return name(p) + " accepted this node's connection (the keys match) but sent nothing within " +
           within +
           ": it most likely refused this node's job id (a node started with an earlier job's "
           "configuration?); give every node the same cluster configuration and see " +
           name(p) + "'s own error";
  return name(p) + " did not connect within " + within + ": check that it runs, that " +
         cfg.node(p).endpoint + " is reachable" +
         (ps.handshakeProblem.empty() ? std::string(" and that the keys match")
                                      : "; " + ps.handshakeProblem);
}

void Mesh::Impl::checkLiveness(Clock::time_point now) {
  std::lock_guard lk(mu);
  for (uint32_t p = 0; p < nodes; ++p) {
    if (p == self) continue;
    PeerState &ps = peers[p];
    if (!ps.dead.empty() || ps.closed) continue;
    if (!ps.heard) {
      // A long-lived node waits for its peers as long as it takes.
      if (now - start > connectTimeout && !opts.multiplex) kill(p, neverHeard(p));
    } else if (ps.disconnectedAt && now - *ps.disconnectedAt > grace) {
      kill(p, name(p) + " disconnected (its process exited or the network failed)");
    } else if (now - ps.lastHeard > peerTimeout) {
      kill(p, name(p) + " has been silent for more than " + std::to_string(peerTimeout.count()) +
                  " ms (timeouts.peer_ms): it crashed, hangs or the network failed");
    }
  }
}

bool Mesh::Impl::settledPeer(uint32_t p) const {
  return !opts.multiplex && peers[p].closed;
}

bool Mesh::Impl::peersSettled() {
  std::lock_guard lk(mu);
  for (uint32_t p = 0; p < nodes; ++p) {
    const PeerState &ps = peers[p];
    // Never heard: nothing of ours reached it either. Closed: its program
    // has ended and needs nothing more from this node.
    if (p != self && ps.heard && !ps.closed && !ps.acked && ps.dead.empty()) return false;
  }
  return true;
}

void Mesh::Impl::ioLoop() {
  std::deque<Outgoing> delayed; // data frames in due order (one fixed delay)
  std::vector<std::deque<zmq::message_t>> backlog(nodes); // due, not yet accepted by zmq
  auto nextHb = Clock::now();
  Clock::time_point closeDeadline{}, ackDeadline{};
  bool byeSent = false;
  try {
    for (;;) {
      auto now = Clock::now();
      if (now >= nextHb) {
        for (uint32_t p = 0; p < nodes; ++p)
          // After its Bye a job's mesh node is closed for its peers, which
          // check its liveness no more: a heartbeat then could only be left
          // queued toward a peer that has gone.
          if (p != self && !settledPeer(p) && !(byeSent && !opts.multiplex)) {
            auto m = control(FrameType::Heartbeat);
            (void)sendNow(p, m); // a lost heartbeat is harmless
          }
        nextHb = now + hbIvl;
      }
      checkLiveness(now);
      if (opts.multiplex) expirePending(now);
      {
        std::lock_guard lk(mu);
        while (!outbox.empty()) {
          // A peer whose program has ended reads nothing more.
          if (!settledPeer(outbox.front().dest)) delayed.push_back(std::move(outbox.front()));
          outbox.pop_front();
        }
        // A peer that said Bye waits for one frame from this node: its
        // ByeAck, or this node's own Bye when that went out first. Nothing
        // follows it, so when the peer exits on it, nothing is left queued
        // toward it and closing never lingers on a peer that is gone.
        for (uint32_t p = 0; p < nodes; ++p)
          if (peers[p].ackDue) {
            peers[p].ackDue = false;
            if (!byeSent) delayed.push_back({p, now + latency, control(FrameType::ByeAck)});
          }
        if (closing && !byeSent) {
          // Bye goes behind every data frame so peers see it last.
          for (uint32_t p = 0; p < nodes; ++p)
            if (p != self && !settledPeer(p))
              delayed.push_back({p, now + latency, control(FrameType::Bye, failure)});
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
      if (byeSent && closeDeadline == Clock::time_point{}) {
        closeDeadline = now + grace * 4;
        ackDeadline = now + recvTimeout;
      }
      // A closing node of a job's mesh stays until each live peer has every
      // frame it sent (its ByeAck) or has closed itself, so a large last
      // message to a slow reader is not cut off by the sockets' linger. A
      // live peer acknowledges as soon as its I/O thread reads the Bye; a
      // silent one is declared dead by the liveness checks above.
      if (byeSent && delayed.empty() && (!pending || now > closeDeadline) &&
          (opts.multiplex || now > ackDeadline || peersSettled()))
        break;

      auto until = std::min(nextHb, now + milliseconds(50));
      if (!delayed.empty()) until = std::min(until, delayed.front().due);
      if (pending) until = std::min(until, now + milliseconds(5));
      auto timeout = std::chrono::duration_cast<milliseconds>(until - now) + milliseconds(1);
      std::vector<zmq::pollitem_t> items = {
          {zap.handle(), 0, ZMQ_POLLIN, 0},
          {router.handle(), 0, ZMQ_POLLIN, 0},
          {nullptr, wakeFd, ZMQ_POLLIN, 0},
          {routerMonitor.handle(), 0, ZMQ_POLLIN, 0},
      };
      constexpr size_t kFirstMonitor = 4;
      for (uint32_t p = 0; p < nodes; ++p)
        if (p != self) items.push_back({monitors[p].handle(), 0, ZMQ_POLLIN, 0});
      zmq::poll(items.data(), items.size(), timeout);
      // Disconnects first, so a peer's key is free again before its
      // reconnection asks the ZAP handler.
      if (items[3].revents & ZMQ_POLLIN)
        for (int i = 0; i < 64 && (routerMonitor.get(zmq::sockopt::events) & ZMQ_POLLIN); ++i)
          handleRouterMonitor();
      if (items[0].revents & ZMQ_POLLIN) handleZap();
      if (items[1].revents & ZMQ_POLLIN) {
        // Bounded work per turn: heartbeats and liveness checks come round
        // again soon whatever the data volume, so a busy node is never taken
        // for a silent one (and never takes a peer for one).
        const auto budgetEnd = Clock::now() + receiveBudget;
        for (int i = 0; i < 1024 && (i == 0 || Clock::now() < budgetEnd); ++i) {
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
      for (size_t i = kFirstMonitor; i < items.size(); ++i)
        if (items[i].revents & ZMQ_POLLIN) {
          uint32_t p = uint32_t(i - kFirstMonitor);
          if (p >= self) ++p;
          handleMonitor(p);
        }
      fireEvents();
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

void Mesh::Impl::init(const ClusterConfig &config, uint32_t selfId, MeshOptions options) {
  if (selfId >= config.numNodes())
    throw ConfigError("node id " + std::to_string(selfId) + " is not in the cluster configuration");
  cfg = config;
  self = selfId;
  nodes = cfg.numNodes();
  job = hashJobId(cfg.jobId);
  opts = std::move(options);
  const Timeouts &t = cfg.timeouts;
  peerTimeout = milliseconds(t.peerMs);
  hbIvl = milliseconds(t.heartbeatMs ? t.heartbeatMs : std::max<uint32_t>(1, t.peerMs / 5));
  connectTimeout = milliseconds(t.connectMs);
  recvTimeout = milliseconds(t.recvMs);
  latency = milliseconds(cfg.latencyMs);
  grace = milliseconds(std::min<uint32_t>(500, t.peerMs / 2));
  receiveBudget = std::min(milliseconds(20), std::max(milliseconds(1), hbIvl / 4));
  peers.resize(nodes);
  peers[self].up = true;
  pendingBytes.assign(nodes, 0);
  buffered.assign(nodes, 0);
  peerCap = uint64_t(cfg.limits.peerBufferMib) << 20;
  channelCap = uint64_t(cfg.limits.channelBufferMib) << 20;
  randombytes_buf(incarnation.data(), incarnation.size());
  if (!opts.multiplex) // the configuration's job: every channel exists from the start
    for (uint16_t id = 0; id < kMaxChannels; ++id) {
      auto st = std::make_shared<ChanState>();
      st->job = job;
      st->id = id;
      st->links.resize(nodes);
      st->sendSeq.assign(nodes, 0);
      chans[{job, id}] = st;
    }
}

Mesh::Mesh(const ClusterConfig &cfg, uint32_t self, const SecretKey &key, MeshOptions opts)
    : impl_(std::make_unique<Impl>()) {
  Impl &m = *impl_;
  m.init(cfg, self, std::move(opts));
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

uint64_t Mesh::droppedFrames() const {
  return impl_->dropped.load();
}
uint64_t Mesh::bufferedPeak() const {
  std::lock_guard lk(impl_->mu);
  return impl_->bufferedPeak;
}
uint64_t Mesh::bytesSent() const {
  return impl_->sentBytes.load();
}
uint64_t Mesh::bytesReceived() const {
  return impl_->receivedBytes.load();
}

std::unique_ptr<vm::Channel> Mesh::channel(uint16_t id) {
  if (id >= kMaxChannels) throw std::logic_error("Mesh::channel: channel id out of range");
  if (impl_->opts.multiplex) throw std::logic_error("Mesh::channel: use openJob on this mesh");
  std::lock_guard lk(impl_->mu);
  auto &st = impl_->chans.at({impl_->job, id});
  if (st->taken) throw std::logic_error("Mesh::channel: channel already taken");
  st->taken = true;
  return makeMeshChannel(impl_.get(), st, false);
}

std::shared_ptr<ChanState> Mesh::Impl::open(const JobHash &jobHash, uint16_t id, bool sequenced) {
  auto st = std::make_shared<ChanState>();
  st->job = jobHash;
  st->id = id;
  st->sequenced = sequenced;
  st->links.resize(nodes);
  st->sendSeq.assign(nodes, 0);
  std::lock_guard lk(mu);
  const ChanKey key{st->job, id};
  if (!chans.emplace(key, st).second) return nullptr;
  closedSet.erase(key); // reopened on purpose (tests): no longer closed
  if (auto it = pending.find(key); it != pending.end()) {
    for (auto &[from, f] : it->second.frames) {
      std::string why;
      if (auto h = decodeHeader(f, why))
        deliver(*st, from, *h, std::span<const uint8_t>(f).subspan(kHeaderBytes));
      pendingBytes[from] -= f.size();
      sodium_memzero(f.data(), f.size());
    }
    pending.erase(it);
  }
  return st;
}

std::unique_ptr<JobChannel> Mesh::openJob(const std::string &jobId, uint16_t id, bool sequenced) {
  if (id >= kMaxChannels) throw std::logic_error("Mesh::openJob: channel id out of range");
  if (!impl_->opts.multiplex) throw std::logic_error("Mesh::openJob: the mesh is not multiplexed");
  auto st = impl_->open(hashJobId(jobId), id, sequenced);
  if (!st)
    throw std::logic_error("Mesh::openJob: channel " + std::to_string(id) + " of job '" + jobId +
                           "' is already open");
  return makeMeshChannel(impl_.get(), st, true);
}

void Mesh::waitReady() {
  Impl &m = *impl_;
  // A multiplexed mesh never gives up on a peer by itself (a node waits for
  // its peers as long as it takes), so the caller's wait is bounded here.
  const auto deadline = Clock::now() + m.connectTimeout;
  std::unique_lock lk(m.mu);
  for (;;) {
    std::string missing;
    for (uint32_t p = 0; p < m.nodes; ++p) {
      if (p == m.self) continue;
      const PeerState &ps = m.peers[p];
      if (!ps.dead.empty() && !m.opts.multiplex) throw NetError(ps.dead);
      if (m.opts.multiplex ? !ps.up : !ps.heard || !ps.handshakeOk)
        missing += (missing.empty() ? "" : ", ") + m.name(p);
    }
    if (missing.empty()) return;
    if (!m.ioError.empty()) throw NetError(m.ioError);
    if (m.opts.multiplex && Clock::now() > deadline)
      throw NetError(missing + " did not come up within " +
                     std::to_string(m.connectTimeout.count()) +
                     " ms (timeouts.connect_ms): check that they run and are reachable");
    m.cv.wait_for(lk, milliseconds(100));
  }
}

std::vector<PeerInfo> Mesh::peers() const {
  const Impl &m = *impl_;
  std::lock_guard lk(m.mu);
  std::vector<PeerInfo> out;
  auto now = Clock::now();
  for (uint32_t p = 0; p < m.nodes; ++p) {
    const PeerState &ps = m.peers[p];
    PeerInfo i;
    i.id = p;
    i.up = p == m.self || (m.opts.multiplex ? ps.up : ps.heard && ps.dead.empty());
    i.down = ps.dead;
    i.downs = ps.downs;
    if (ps.heard)
      i.lastHeardMs =
          std::chrono::duration_cast<std::chrono::milliseconds>(now - ps.lastHeard).count();
    out.push_back(i);
  }
  return out;
}

void Mesh::close(std::string_view failure) {
  Impl &m = *impl_;
  if (!m.io.joinable()) return;
  {
    std::lock_guard lk(m.mu);
    m.closing = true;
    m.failure = byeReason(failure);
  }
  m.wake();
  m.io.join();
  // Sockets close here; DEALER linger lets the last frames reach the peers.
  m.zap.close();
  m.router.close();
  for (auto &s : m.monitors)
    s.close();
  m.routerMonitor.close();
  for (uint32_t p = 0; p < m.nodes; ++p) {
    if (p == m.self) continue;
    // Linger only toward peers that still read: a dead one would just hold
    // the close up. A job's mesh gets here once every live peer has
    // acknowledged this node's Bye or said its own; toward the latter at
    // most the one frame it waits for may still be queued.
    std::lock_guard lk(m.mu);
    if (!m.peers[p].dead.empty() || (m.opts.multiplex && m.peers[p].closed))
      m.dealers[p].set(zmq::sockopt::linger, 0);
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
