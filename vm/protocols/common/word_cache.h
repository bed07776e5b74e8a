//===- word_cache.h - share buffers kept between round groups -------------===//
//
// A product of 10^6 elements needs tens of megabytes of scratch shares. Fresh
// buffers that large cost a page fault per 4 KiB on first touch, and glibc
// hands freed ones back to the kernel once its heap top is large enough, so
// every round group paid for them again, and so did the transport's frame
// buffers allocated from the same heap right after (docs/benchmarks.md,
// "shamir: where the online time went"). A protocol keeps its large buffers
// here instead, for the next group of the same size; like the exchange's
// inbox, a kept buffer is wiped when it is dropped or the protocol ends.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/protocols/common/words.h"

#include <cstddef>
#include <deque>

namespace smpc::protocols {

class WordCache {
public:
  /// Buffers below this size come from the heap as before (no page faults
  /// worth avoiding).
  static constexpr size_t kMinWords = size_t(1) << 15;
  /// The cache holds at most this many words (256 MiB) and buffers.
  static constexpr size_t kMaxWords = size_t(1) << 25;
  static constexpr size_t kMaxBuffers = 8;

  /// n words, contents unspecified (every caller overwrites them).
  Words get(size_t n) {
    if (n >= kMinWords)
      for (auto it = kept_.begin(); it != kept_.end(); ++it)
        if (it->size() == n) {
          Words w = std::move(*it);
          kept_.erase(it);
          words_ -= n;
          return w;
        }
    return Words::uninit(n);
  }

  /// Takes `w` back for a later get of its size.
  void put(Words w) {
    const size_t n = w.size();
    if (n < kMinWords || n > kMaxWords) return; // freed (and wiped) by ~Words
    while (!kept_.empty() && (kept_.size() >= kMaxBuffers || words_ + n > kMaxWords)) {
      words_ -= kept_.front().size();
      kept_.pop_front(); // the oldest (~Words wipes it)
    }
    words_ += n;
    kept_.push_back(std::move(w));
  }

  /// Buffers kept now.
  size_t kept() const { return kept_.size(); }

private:
  std::deque<Words> kept_; // oldest first
  size_t words_ = 0;
};

} // namespace smpc::protocols
