//===- pool_ring.h - FIFO of fixed-arity records that wipes what it hands out
//
// Each record is `arity` 64-bit words (e.g. a, b, c of one triple). pop()
// moves records out and zeroes their slots at once, so material can be
// handed out only once and does not linger in memory. Not thread-safe.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace smpc::preproc {

class PoolRing {
public:
  PoolRing(std::size_t arity, std::size_t capacity);
  ~PoolRing();
  PoolRing(const PoolRing &) = delete;
  PoolRing &operator=(const PoolRing &) = delete;

  std::size_t arity() const { return arity_; }
  std::size_t size() const { return size_; } // records held
  /// Appends records (words.size() must be a multiple of arity); grows
  /// beyond the initial capacity if needed.
  void push(std::span<const uint64_t> words);
  /// Removes min(n, size()) records from the front into out (arity words
  /// each), wiping their slots; returns how many were removed.
  std::size_t pop(std::size_t n, std::span<uint64_t> out);
  /// The raw storage, for tests that check consumed slots are zero.
  std::span<const uint64_t> raw() const { return buf_; }

private:
  void grow(std::size_t records);
  std::size_t arity_, head_ = 0, size_ = 0, cap_;
  std::vector<uint64_t> buf_;
};

} // namespace smpc::preproc
