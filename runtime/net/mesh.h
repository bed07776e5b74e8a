//===- mesh.h - full CurveZMQ mesh between the nodes of a cluster ---------===//
//
// Every node binds one ROUTER (CURVE server; a ZAP handler admits only the
// public keys pinned in the cluster configuration and tags each connection
// with the sender's node id) and connects one DEALER (CURVE client, pinned
// server key) to every other node. One I/O thread owns all sockets; logical
// channels hand frames to it and wait on per-link queues, so several threads
// can share the links. Heartbeats and socket monitors detect a dead peer
// within the configured timeout.
//
// Two modes. A one-shot mesh (`smpc party`) serves the one job named in the
// configuration: channels 0..7 of that job, and a peer that fails is gone for
// good. A multiplexed mesh (`smpc node`, MeshOptions::multiplex) lives as long
// as the node and carries many jobs at once: each job opens its own channels
// (openJob), frames are sequenced per (job, channel, link), and a peer that
// goes down fails only the channels opened while it was up; when it comes
// back (a restart is told apart by the random incarnation in its heartbeats)
// new channels work again.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/net/config.h"
#include "runtime/net/keys.h"
#include "vm/core/channel.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smpc::net {

/// Logical channel ids of a job; each is used by one thread.
inline constexpr uint16_t kOnlineChannel = 0;
inline constexpr uint16_t kPreprocChannel = 1;

struct MeshOptions {
  /// Receives diagnostic lines (connections, refused keys, failures); never
  /// payload bytes. Called from the I/O thread.
  std::function<void(const std::string &)> log;
  /// A long-lived mesh carrying many jobs (see the file comment).
  bool multiplex = false;
  /// Multiplexed meshes: told when a peer comes up (`up`, empty reason) or
  /// goes down (with the reason). Called from the I/O thread, no lock held.
  std::function<void(uint32_t peer, bool up, const std::string &why)> onPeer;
  /// Tests: the I/O thread spends this long on every frame it receives, as
  /// a node would under heavy load (heartbeats must keep flowing).
  std::chrono::microseconds slowReceiveForTest{0};
};

/// A channel of a multiplexed mesh, bound to one job.
class JobChannel : public vm::Channel {
public:
  /// Makes blocked and later receives throw NetError(why); later sends are
  /// dropped. Used to cancel a job or to fail it when another part fails.
  virtual void abort(const std::string &why) = 0;
  /// The next message from whichever peer sends one first, or nullopt after
  /// `timeout`. Throws NetError once the channel is aborted or failed.
  virtual std::optional<std::pair<uint32_t, std::vector<uint8_t>>>
  recvAny(std::chrono::milliseconds timeout) = 0;
  /// Why the channel failed (aborted, a peer went down), or "" while usable.
  virtual std::string failure() const = 0;
};

/// What the status page and /readyz show about a peer.
struct PeerInfo {
  uint32_t id = 0;
  bool up = false;
  std::string down;         // why it is down ("" while up or never seen)
  uint64_t downs = 0;       // times it went down (or restarted)
  int64_t lastHeardMs = -1; // ms since its last frame, -1 = never
};

class Mesh {
public:
  /// Binds this node's endpoint and starts connecting to every other node.
  /// `self` is a party id, or cfg.dealerId() for the dealer. `key` must be
  /// the secret key whose public key the configuration pins for `self`.
  Mesh(const ClusterConfig &cfg, uint32_t self, const SecretKey &key, MeshOptions opts = {});
  /// Calls close() and releases the sockets. Channels must be gone by then.
  ~Mesh();
  Mesh(const Mesh &) = delete;
  Mesh &operator=(const Mesh &) = delete;

  uint32_t self() const;
  const ClusterConfig &config() const;

  /// One-shot meshes: logical channel `id` (< kMaxChannels) of the
  /// configuration's job; each id can be taken once. Its peers are node ids:
  /// parties 0..N-1 and, if configured, the dealer N.
  std::unique_ptr<vm::Channel> channel(uint16_t id);

  /// Multiplexed meshes: channel `id` of job `jobId`, until the returned
  /// object is destroyed (frames that come before it opens wait; frames of
  /// a job closed here are dropped). A `sequenced` channel checks every
  /// frame's sequence number and fails for good when a peer goes down while
  /// it is open (receiving from a peer that is down fails at once); an
  /// unsequenced one (node control messages, each self-contained) survives
  /// peers going down and coming back.
  /// Throws std::logic_error if that channel of that job is already open.
  std::unique_ptr<JobChannel> openJob(const std::string &jobId, uint16_t id, bool sequenced = true);

  /// Blocks until every other node has been heard from. Throws NetError
  /// naming the nodes that did not connect within timeouts.connect_ms.
  void waitReady();

  /// Peer states, by node id (this node's own entry says up).
  std::vector<PeerInfo> peers() const;

  /// Tells the peers this node is done (after all queued frames) and flushes
  /// them; later receives by the peers from this node fail cleanly. A
  /// non-empty `failure` is why this node fails its job: its Bye carries it
  /// (one line, cut to kMaxByeReasonBytes), so the peers report that root
  /// cause rather than merely this node's departure. Error texts never hold
  /// secret values; pass nothing else.
  void close(std::string_view failure = {});

  /// Number of connection attempts the ZAP handler refused (unknown key).
  uint64_t refusedConnections() const;
  /// Frames dropped because their job had no open channel (multiplexed).
  uint64_t droppedFrames() const;
  /// The most bytes of unread messages this node has held for one peer at
  /// once (bounded by the configuration's limits).
  uint64_t bufferedPeak() const;
  /// Payload bytes handed to and received from the network so far.
  uint64_t bytesSent() const;
  uint64_t bytesReceived() const;

  /// Test hook: queues `frame` unchanged (no header added) to node `to`, to
  /// exercise the receiver's framing checks over a real authenticated link.
  void sendRawForTest(uint32_t to, std::vector<uint8_t> frame);

  struct Impl;

private:
  std::unique_ptr<Impl> impl_;
};

} // namespace smpc::net
