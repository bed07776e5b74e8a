//===- exchange.cpp - batching the messages of one round ------------------===//
#include "vm/protocols/common/exchange.h"

#include "vm/core/errors.h"

#include <algorithm>
#include <cstring>
#include <sodium.h>
#include <string>

namespace smpc::protocols {

Exchange::Exchange(uint32_t self, uint32_t parties)
    : self_(self), parties_(parties), out_(parties), in_(parties), cursor_(parties, 0) {}

Exchange::~Exchange() {
  for (Inbox &b : in_)
    if (b.words) sodium_memzero(b.words.get(), b.capacity * sizeof(uint64_t));
}

void Exchange::reset() {
  for (auto &o : out_)
    o.clear();
  for (Inbox &b : in_)
    b.size = 0;
  std::fill(cursor_.begin(), cursor_.end(), 0);
}

void Exchange::put(uint32_t peer, std::span<const uint64_t> words) {
  if (!words.empty()) out_[peer].push_back(words);
}

void Exchange::putAll(std::span<const uint64_t> words) {
  for (uint32_t p = 0; p < parties_; ++p)
    if (p != self_) put(p, words);
}

std::span<const uint64_t> Exchange::take(uint32_t peer, size_t n) {
  const Inbox &v = in_[peer];
  if (v.size - cursor_[peer] < n)
    throw vm::ProtocolError("party " + std::to_string(peer) +
                            " sent a message shorter than this round requires");
  std::span<const uint64_t> s(v.words.get() + cursor_[peer], n);
  cursor_[peer] += n;
  return s;
}

uint64_t Exchange::transfer(vm::Channel &ch, uint64_t &bytesReceived) {
  uint64_t sent = 0;
  // Send everything first: Channel::send only queues, so no party waits on
  // another's receive.
  for (uint32_t p = 0; p < parties_; ++p) {
    if (p == self_) continue;
    // The segments go out as they are: the channel copies them into its
    // frames (joined there, not here first).
    // Little-endian hosts only (x86-64, aarch64): words go out as in memory.
    parts_.clear();
    for (auto seg : out_[p]) {
      parts_.emplace_back(reinterpret_cast<const uint8_t *>(seg.data()),
                          seg.size() * sizeof(uint64_t));
      sent += seg.size() * sizeof(uint64_t);
    }
    if (parts_.size() <= 1)
      ch.send(p, parts_.empty() ? std::span<const uint8_t>() : parts_[0]);
    else
      ch.sendParts(p, parts_);
  }
  for (uint32_t p = 0; p < parties_; ++p) {
    out_[p].clear();
    if (p == self_) continue;
    // Straight into the reused inbox: the transport copies the message once
    // and leaves no other copy of these shares or masked shares behind.
    Inbox &box = in_[p];
    const size_t bytes = ch.recvInto(p, [&](size_t n) -> uint8_t * {
      if (n % sizeof(uint64_t) != 0)
        throw vm::ProtocolError("party " + std::to_string(p) +
                                " sent a message that is not a whole number of ring elements");
      const size_t words = n / sizeof(uint64_t);
      if (words > box.capacity) {
        // The outgrown buffer is wiped like the last one (destructor).
        if (box.words) sodium_memzero(box.words.get(), box.capacity * sizeof(uint64_t));
        box.words.reset(new uint64_t[words]);
        box.capacity = words;
      }
      return reinterpret_cast<uint8_t *>(box.words.get());
    });
    box.size = bytes / sizeof(uint64_t);
    cursor_[p] = 0;
    bytesReceived += bytes;
  }
  return sent;
}

void Exchange::checkConsumed() const {
  for (uint32_t p = 0; p < parties_; ++p)
    if (p != self_ && cursor_[p] != in_[p].size)
      throw vm::ProtocolError("party " + std::to_string(p) +
                              " sent a message longer than this round requires");
}

void sumOpenedInPlace(Exchange &ex, std::span<uint64_t> mine) {
  for (uint32_t p = 0; p < ex.parties(); ++p) {
    if (p == ex.self()) continue;
    auto theirs = ex.take(p, mine.size());
    for (size_t i = 0; i < mine.size(); ++i)
      mine[i] += theirs[i];
  }
}

void sumOpened(Exchange &ex, std::span<const uint64_t> mine, std::span<uint64_t> result) {
  std::copy(mine.begin(), mine.end(), result.begin());
  for (uint32_t p = 0; p < ex.parties(); ++p) {
    if (p == ex.self()) continue;
    auto theirs = ex.take(p, mine.size());
    for (size_t i = 0; i < result.size(); ++i)
      result[i] += theirs[i];
  }
}

void xorOpenedInPlace(Exchange &ex, std::span<uint64_t> mine) {
  for (uint32_t p = 0; p < ex.parties(); ++p) {
    if (p == ex.self()) continue;
    auto theirs = ex.take(p, mine.size());
    for (size_t i = 0; i < mine.size(); ++i)
      mine[i] ^= theirs[i];
  }
}

void xorOpened(Exchange &ex, std::span<const uint64_t> mine, std::span<uint64_t> result) {
  std::copy(mine.begin(), mine.end(), result.begin());
  for (uint32_t p = 0; p < ex.parties(); ++p) {
    if (p == ex.self()) continue;
    auto theirs = ex.take(p, mine.size());
    for (size_t i = 0; i < result.size(); ++i)
      result[i] ^= theirs[i];
  }
}

} // namespace smpc::protocols
