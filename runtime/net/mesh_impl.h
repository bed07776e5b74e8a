//===- mesh_impl.h - state shared by the mesh's I/O thread and channels ---===//
//
// Private to runtime/net. Everything below `mu` is guarded by it; the I/O
// thread owns the sockets.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/net/frame.h"
#include "runtime/net/mesh.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sodium.h>
#include <thread>
#include <zmq.hpp>

namespace smpc::net {

using Clock = std::chrono::steady_clock;

/// Random per Mesh instance; heartbeats carry it so that peers can tell a
/// restarted node from one that merely reconnected.
using Incarnation = std::array<uint8_t, kIncarnationBytes>;

struct PeerState {
  bool heard = false;       // any authenticated frame arrived
  bool closed = false;      // Bye arrived
  bool ackDue = false;      // its Bye is not acknowledged yet (a job's mesh)
  bool acked = false;       // it acknowledged our Bye: it has all we sent
  std::string failed;       // the reason its Bye gave for failing ("" = ended normally)
  bool handshakeOk = false; // our DEALER completed CURVE with it
  std::string dead;         // non-empty: why the peer is unusable
  std::string handshakeProblem;
  Clock::time_point lastHeard;
  std::optional<Clock::time_point> disconnectedAt;
  std::optional<Incarnation> incarnation; // multiplexed meshes
  uint64_t downs = 0;
  bool up = false; // multiplexed: announced up (heard, our link works, not dead)
  // The one inbound connection admitted with this peer's key: its socket
  // (ZeroMQ's SRCFD; -1 = none) and when it last delivered a frame.
  int connFd = -1;
  Clock::time_point connHeard;
};

/// One direction of one (job, channel) link: complete messages in order.
/// One frame of a received message, kept as ZeroMQ decrypted it (the
/// payload starts at `offset`): a message is not reassembled in the I/O
/// thread but copied once, by its reader, where the reader wants it.
/// Wiped when dropped (it may hold shares).
struct Chunk {
  zmq::message_t frame;
  std::size_t offset = 0;
  Chunk(zmq::message_t f, std::size_t off) : frame(std::move(f)), offset(off) {}
  Chunk(Chunk &&) noexcept = default;
  Chunk &operator=(Chunk &&) = delete;
  ~Chunk() {
    if (frame.size()) sodium_memzero(frame.data(), frame.size());
  }
  std::span<const uint8_t> payload() const {
    return {static_cast<const uint8_t *>(frame.data()) + offset, frame.size() - offset};
  }
};

/// What a received frame counts against the buffer limits: its payload,
/// but at least this much, the frame's own bookkeeping (its ZeroMQ message,
/// its Chunk). Otherwise a peer could queue empty messages without bound.
inline constexpr uint64_t kMinFrameCharge = 256;
inline uint64_t frameCharge(std::size_t payload) {
  return std::max<uint64_t>(payload, kMinFrameCharge);
}

/// A message as the frames it came in.
struct Message {
  std::vector<Chunk> chunks;
  std::size_t size = 0; // payload bytes
  uint64_t charge = 0;  // what it counts against the limits: frameCharge of each chunk
  Message() = default;
  Message(Message &&) noexcept = default;
  Message &operator=(Message &&) noexcept = default;
  Message(const Message &) = delete;
  Message &operator=(const Message &) = delete;
  /// Writes the message to out[0..size).
  void copyTo(uint8_t *out) const {
    for (const Chunk &c : chunks) {
      const auto p = c.payload();
      if (!p.empty()) std::memcpy(out, p.data(), p.size());
      out += p.size();
    }
  }
};

struct Link {
  std::deque<Message> q;
  uint64_t bytes = 0; // in q and partial: counted against the buffer limits
  uint64_t nextSeq = 0;
  Message partial;   // frames of a message not yet complete
  std::string error; // a framing failure of this link
};

/// One open (job, channel) at this node.
struct ChanState {
  JobHash job{};
  uint16_t id = 0;
  bool sequenced = true;
  bool taken = false;            // one-shot meshes: handed out by channel()
  std::vector<Link> links;       // by peer
  std::vector<uint64_t> sendSeq; // by peer
  std::string failed;            // non-empty: every receive throws this
};

using ChanKey = std::pair<JobHash, uint16_t>;

/// Multiplexed meshes: frames of a (job, channel) not open yet, because a
/// fast peer may start a job a moment before this node opens it. Bounded in
/// bytes per peer and in time; replayed through the checks on open.
struct PendingFrames {
  Clock::time_point since;
  std::vector<std::pair<uint32_t, std::vector<uint8_t>>> frames; // (from, whole frame)
};
inline constexpr std::size_t kMaxPendingBytesPerPeer = std::size_t(16) << 20;
inline constexpr std::chrono::seconds kPendingTtl{60};
inline constexpr std::size_t kRecentlyClosed = 4096;

/// Logs a repeating event (a refused connection retried every 100 ms) once
/// per window, with the number of repeats it held back.
class LogLimiter {
public:
  static constexpr std::chrono::seconds kWindow{10};
  /// The line to log now for event `key` (`line` plus the repeats held
  /// back), or "" to stay quiet.
  std::string admit(const std::string &key, const std::string &line, Clock::time_point now) {
    Entry &e = entries_[key];
    if (e.logged && now - e.last < kWindow) {
      ++e.held;
      return "";
    }
    std::string out = line;
    if (e.held)
      out += " (and " + std::to_string(e.held) + " more time" + (e.held == 1 ? "" : "s") +
             " in the last " + std::to_string(kWindow.count()) + " s)";
    e = {true, now, 0};
    if (entries_.size() > 1024) entries_.clear(); // keys come from peers' addresses
    return out;
  }

private:
  struct Entry {
    bool logged = false;
    Clock::time_point last;
    uint64_t held = 0;
  };
  std::map<std::string, Entry> entries_;
};

struct Outgoing {
  uint32_t dest;
  Clock::time_point due;
  zmq::message_t msg;
};

struct PeerEvent {
  uint32_t peer;
  bool up;
  std::string why;
};

struct Mesh::Impl {
  ClusterConfig cfg;
  uint32_t self;
  uint32_t nodes;
  JobHash job; // the configuration's job: one-shot channels, heartbeats, Bye
  MeshOptions opts;
  Incarnation incarnation{};
  std::chrono::milliseconds hbIvl, peerTimeout, connectTimeout, recvTimeout, latency, grace;
  std::chrono::milliseconds receiveBudget; // longest the I/O thread reads before looking round

  // Made by setup(), not with the object: init() alone (tests/fuzz/fuzz_frame.cpp)
  // then costs no context, eventfd or /etc/protocols lookup per frame sequence.
  std::optional<zmq::context_t> ctx;
  zmq::socket_t zap, router;
  std::vector<zmq::socket_t> dealers;  // by node id; self's is unused
  std::vector<zmq::socket_t> monitors; // PAIR sockets reading DEALER monitor events
  zmq::socket_t routerMonitor;         // PAIR reading the ROUTER's disconnects
  LogLimiter logLimiter;               // I/O thread only
  int wakeFd = -1;
  std::thread io;
  Clock::time_point start;

  mutable std::mutex mu;
  std::condition_variable cv;
  std::vector<PeerState> peers;
  std::map<ChanKey, std::shared_ptr<ChanState>> chans;
  std::map<ChanKey, PendingFrames> pending;
  std::vector<std::size_t> pendingBytes; // by peer
  std::vector<uint64_t> buffered;        // by peer: bytes in open channels' links
  uint64_t peerCap = 0, channelCap = 0;  // cfg.limits in bytes
  uint64_t bufferedPeak = 0;             // most bytes buffered for one peer at once
  std::deque<ChanKey> closedOrder;       // recently closed (job, channel), oldest first
  std::set<ChanKey> closedSet;
  std::deque<Outgoing> outbox;   // filled by channels, drained by the I/O thread
  std::vector<PeerEvent> events; // for opts.onPeer, fired outside the lock
  bool closing = false, finished = false;
  std::string failure; // why this node fails its job (Mesh::close): its Bye says so
  std::string ioError;
  std::atomic<uint64_t> refused{0}, dropped{0}, sentBytes{0}, receivedBytes{0};

  std::string name(uint32_t id) const { return cfg.nodeName(id); }
  void log(const std::string &s) const {
    if (opts.log) opts.log(s);
  }
  /// log() at most once per LogLimiter window for the same `key`.
  void logLimited(const std::string &key, const std::string &s) {
    if (std::string line = logLimiter.admit(key, s, Clock::now()); !line.empty()) log(line);
  }
  /// Whether a frame on inbound socket `fd` from `p` is on the connection
  /// admitted for p's key (admitting it when there is none). Needs mu.
  bool admitConnection(uint32_t p, int fd);
  /// Whether p's key has a live admitted connection: one that delivered a
  /// frame within peer_ms (a longer silence is a dead, half-open link).
  /// Needs mu.
  bool keyTaken(const PeerState &ps, Clock::time_point now) const {
    return ps.connFd >= 0 && now - ps.connHeard <= peerTimeout;
  }
  void handleRouterMonitor();
  void wake();
  /// Marks a peer unusable (first reason wins), fails the sequenced channels
  /// it takes part in (multiplexed) and wakes waiting receivers. Needs mu.
  void kill(uint32_t p, const std::string &why);
  /// The error for a peer whose frames carry another job id.
  std::string otherJob(uint32_t from) const;
  /// The error for a peer not heard from within the connect timeout. Needs mu.
  std::string neverHeard(uint32_t p) const;
  /// Multiplexed: a peer heard again after being down (or restarted). Needs mu.
  void revive(uint32_t p);
  void markUp(uint32_t p);
  void fireEvents();

  /// The state a new mesh starts from, before any socket: Mesh's
  /// constructor, and tests/fuzz/fuzz_frame.cpp, which feeds it frames.
  void init(const ClusterConfig &config, uint32_t selfId, MeshOptions options);
  void setup(const SecretKey &key);
  void ioLoop();
  void handleZap();
  void handleIncoming(zmq::message_t &msg);
  /// What a frame from authenticated node `from` does once its connection
  /// is admitted: header checks, heartbeats, Bye, the data path. Takes mu.
  /// `frame`, when given, is the ZeroMQ message `data` lies in: a data
  /// frame for an open channel is then kept without a copy (moved out).
  void handleFrame(uint32_t from, std::span<const uint8_t> data, zmq::message_t *frame = nullptr);
  void handleData(uint32_t from, const FrameHeader &h, std::span<const uint8_t> payload,
                  zmq::message_t *frame = nullptr);
  /// Feeds a frame to an open channel's link: sequence checks, reassembly.
  void deliver(ChanState &st, uint32_t from, const FrameHeader &h, std::span<const uint8_t> payload,
               zmq::message_t *frame = nullptr);
  /// Takes the oldest complete message of link `from` of `st`. Needs mu.
  Message take(ChanState &st, uint32_t from);
  /// Wipes and forgets what a link holds (queued messages, a partial one).
  void clearLink(ChanState &st, uint32_t from);
  /// Multiplexed: opens (job, id) and replays its pending frames through
  /// the checks; nullptr if it is open already. Takes mu.
  std::shared_ptr<ChanState> open(const JobHash &jobHash, uint16_t id, bool sequenced);
  /// Wipes and forgets pending frames (all of `key`'s, or the expired ones).
  void dropPending(std::map<ChanKey, PendingFrames>::iterator it);
  void expirePending(Clock::time_point now);
  /// Called when a multiplexed channel closes: late frames are dropped.
  void rememberClosed(const ChanKey &key);
  void handleMonitor(uint32_t p);
  void checkLiveness(Clock::time_point now);
  /// A job's mesh peer that said Bye: it is sent nothing but its ByeAck.
  bool settledPeer(uint32_t p) const;
  /// Closing: every live peer has acknowledged our Bye or closed itself.
  bool peersSettled();
  bool sendNow(uint32_t dest, zmq::message_t &msg);
  /// A Heartbeat (with the incarnation) or a Bye (with `reason`).
  zmq::message_t control(FrameType t, std::string_view reason = {}) const;
};

/// The channel object handed out by Mesh::channel and Mesh::openJob.
std::unique_ptr<JobChannel> makeMeshChannel(Mesh::Impl *m, std::shared_ptr<ChanState> st,
                                            bool unregister);

} // namespace smpc::net
