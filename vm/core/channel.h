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
  virtual uint64_t bytesSent() const = 0;
  virtual uint64_t bytesReceived() const = 0;
};

} // namespace smpc::vm
