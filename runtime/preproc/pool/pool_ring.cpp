//===- pool_ring.cpp - wiping FIFO ring of preprocessing records ----------===//
#include "runtime/preproc/pool/pool_ring.h"

#include <algorithm>
#include <sodium.h>
#include <stdexcept>

namespace smpc::preproc {

PoolRing::PoolRing(std::size_t arity, std::size_t capacity)
    : arity_(arity), cap_(std::max<std::size_t>(capacity, 1)), buf_(cap_ * arity) {
  if (arity == 0) throw std::invalid_argument("PoolRing: arity must be positive");
}

PoolRing::~PoolRing() {
  sodium_memzero(buf_.data(), buf_.size() * sizeof(uint64_t));
}

void PoolRing::grow(std::size_t records) {
  std::size_t cap = cap_;
  while (cap < records)
    cap *= 2;
  std::vector<uint64_t> nb(cap * arity_);
  for (std::size_t i = 0; i < size_; ++i) {
    const std::size_t from = (head_ + i) % cap_;
    std::copy_n(buf_.begin() + from * arity_, arity_, nb.begin() + i * arity_);
  }
  sodium_memzero(buf_.data(), buf_.size() * sizeof(uint64_t));
  buf_.swap(nb);
  cap_ = cap;
  head_ = 0;
}

void PoolRing::push(std::span<const uint64_t> words) {
  if (words.size() % arity_ != 0) throw std::invalid_argument("PoolRing: partial record");
  const std::size_t n = words.size() / arity_;
  if (size_ + n > cap_) grow(size_ + n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t slot = (head_ + size_ + i) % cap_;
    std::copy_n(words.begin() + i * arity_, arity_, buf_.begin() + slot * arity_);
  }
  size_ += n;
}

std::size_t PoolRing::pop(std::size_t n, std::span<uint64_t> out) {
  n = std::min(n, size_);
  if (out.size() < n * arity_) throw std::invalid_argument("PoolRing: output too small");
  for (std::size_t i = 0; i < n; ++i) {
    uint64_t *slot = buf_.data() + head_ * arity_;
    std::copy_n(slot, arity_, out.begin() + i * arity_);
    sodium_memzero(slot, arity_ * sizeof(uint64_t));
    head_ = (head_ + 1) % cap_;
  }
  size_ -= n;
  return n;
}

} // namespace smpc::preproc
