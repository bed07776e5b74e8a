//===- exchange.h - one communication round of a round group ---------------===//
//
// In each round every op of the group appends what it sends to each peer;
// the protocol then sends ONE message per peer (possibly empty) and receives
// one from each. Ops read their parts back in the same order (all parties run
// the same ops in the same order, so the layout is implicit). A message that
// is shorter or longer than the layout says is a ProtocolError.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/core/channel.h"
#include "vm/core/protocol.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace smpc::protocols {

class Exchange {
public:
  Exchange(uint32_t self, uint32_t parties);
  ~Exchange();
  Exchange(const Exchange &) = delete;
  Exchange &operator=(const Exchange &) = delete;

  /// Forgets anything queued (after a failed round); buffers are kept.
  void reset();

  uint32_t self() const { return self_; }
  uint32_t parties() const { return parties_; }

  /// Appends `words` to the message for `peer`. The words are not copied:
  /// they must stay unchanged until transfer() returns.
  void put(uint32_t peer, std::span<const uint64_t> words);
  /// Appends `words` to the message for every peer (same lifetime rule).
  void putAll(std::span<const uint64_t> words);
  /// The next `n` words received from `peer`; throws ProtocolError if the
  /// message is too short.
  std::span<const uint64_t> take(uint32_t peer, size_t n);

  /// Sends the outgoing messages, receives one from every peer, clears the
  /// outgoing side. Returns payload bytes sent.
  uint64_t transfer(vm::Channel &ch, uint64_t &bytesReceived);
  /// Throws ProtocolError if some peer sent more than the ops consumed.
  void checkConsumed() const;

private:
  uint32_t self_, parties_;
  std::vector<std::vector<std::span<const uint64_t>>> out_; // segments per peer
  std::vector<std::span<const uint8_t>> parts_;             // one message's segments
  struct Inbox { // one received message as words (not zero-filled first)
    std::unique_ptr<uint64_t[]> words;
    size_t size = 0, capacity = 0;
  };
  std::vector<Inbox> in_;
  std::vector<size_t> cursor_;
};

/// Arithmetic opening in place: mine += the words every peer sent.
void sumOpenedInPlace(Exchange &ex, std::span<uint64_t> mine);
/// Arithmetic opening: result = mine + the words every peer sent.
void sumOpened(Exchange &ex, std::span<const uint64_t> mine, std::span<uint64_t> result);
/// Boolean opening in place: mine ^= the words every peer sent.
void xorOpenedInPlace(Exchange &ex, std::span<uint64_t> mine);
/// Boolean opening: result = mine XOR the words every peer sent.
void xorOpened(Exchange &ex, std::span<const uint64_t> mine, std::span<uint64_t> result);

/// Runs the tasks of one round group in lockstep until all are done: each
/// round every unfinished task queues what it sends, ONE message goes to
/// each peer, and every unfinished task reads its part. A Task has
/// send(Exchange &), receive(Exchange &) and done().
template <class Task>
void runRounds(std::vector<std::unique_ptr<Task>> &tasks, Exchange &ex, vm::Channel &ch,
               vm::ProtocolStats &stats) {
  ex.reset();
  auto pending = [&] {
    return std::any_of(tasks.begin(), tasks.end(), [](const auto &t) { return !t->done(); });
  };
  while (pending()) {
    for (auto &t : tasks)
      if (!t->done()) t->send(ex);
    stats.bytesSent += ex.transfer(ch, stats.bytesReceived);
    for (auto &t : tasks)
      if (!t->done()) t->receive(ex);
    ex.checkConsumed();
    ++stats.rounds;
  }
}

} // namespace smpc::protocols
