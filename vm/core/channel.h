//===- channel.h - message passing between the parties of one job --------===//
//
// Protocols talk through this interface; runtime/net implements it over
// ZeroMQ with CurveZMQ (authenticated encryption, pinned keys), and adds the
// job id and a per-link sequence number to every message so that a replayed,
// reordered or foreign message is rejected. One Channel is used by one
// thread; a mesh can hand out several independent channels (online phase,
// background preprocessing) that share the links.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <sodium.h>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace smpc::vm {

/// A peer vanished, timed out, or sent something that failed validation.
/// The message names the party and never contains payload bytes.
class NetError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class Channel {
public:
  virtual ~Channel() = default;
  virtual uint32_t self() const = 0;
  virtual uint32_t parties() const = 0;
  /// Queues one message for `to` (never blocks for long; the message travels
  /// as one frame). Sending to self is a contract violation.
  virtual void send(uint32_t to, std::span<const uint8_t> msg) = 0;
  /// Next message from `from`, in order. Throws NetError on timeout,
  /// disconnect or a message that fails the job-id/sequence check.
  virtual std::vector<uint8_t> recv(uint32_t from) = 0;
  /// Sends the concatenation of `parts` as one message, as send would.
  /// The default joins them first (and wipes the joined copy).
  virtual void sendParts(uint32_t to, std::span<const std::span<const uint8_t>> parts) {
    std::vector<uint8_t> m;
    for (auto p : parts)
      m.insert(m.end(), p.begin(), p.end());
    struct Wipe { // also when send throws
      std::vector<uint8_t> &v;
      ~Wipe() { sodium_memzero(v.data(), v.size()); }
    } wipe{m};
    send(to, m);
  }
  /// Like recv, but the message goes straight to the memory sink(n) returns
  /// for its size n (room for n bytes); returns n. A transport that keeps
  /// messages as received frames copies them once, with no whole copy left
  /// to wipe. The default receives, copies and wipes.
  virtual size_t recvInto(uint32_t from, const std::function<uint8_t *(size_t)> &sink) {
    std::vector<uint8_t> m = recv(from);
    struct Wipe { // also when sink throws
      std::vector<uint8_t> &v;
      ~Wipe() { sodium_memzero(v.data(), v.size()); }
    } wipe{m};
    uint8_t *out = sink(m.size());
    if (!m.empty()) std::memcpy(out, m.data(), m.size());
    return m.size();
  }
  virtual uint64_t bytesSent() const = 0;
  virtual uint64_t bytesReceived() const = 0;
};

} // namespace smpc::vm
