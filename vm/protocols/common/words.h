//===- words.h - a vector of share words that is zeroed when freed --------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <sodium.h>
#include <span>
#include <vector>

namespace smpc::protocols {

/// A vector of shares or masks that is zeroed when freed. Words(n) is
/// zero-filled; Words::uninit(n) skips that for buffers about to be
/// overwritten in full (the hot paths handle millions of elements).
class Words {
public:
  Words() = default;
  explicit Words(size_t n) : p_(new uint64_t[n]()), n_(n) {}
  static Words uninit(size_t n) {
    Words w;
    w.p_.reset(new uint64_t[n]);
    w.n_ = n;
    return w;
  }
  ~Words() { wipe(); }
  Words(Words &&o) noexcept : p_(std::move(o.p_)), n_(o.n_) { o.n_ = 0; }
  Words &operator=(Words &&o) noexcept {
    wipe();
    p_ = std::move(o.p_);
    n_ = o.n_;
    o.n_ = 0;
    return *this;
  }
  uint64_t &operator[](size_t i) { return p_[i]; }
  uint64_t operator[](size_t i) const { return p_[i]; }
  size_t size() const { return n_; }
  uint64_t *data() { return p_.get(); }
  const uint64_t *data() const { return p_.get(); }
  std::span<uint64_t> span() { return {p_.get(), n_}; }
  std::span<const uint64_t> span() const { return {p_.get(), n_}; }

private:
  void wipe() {
    if (p_) sodium_memzero(p_.get(), n_ * sizeof(uint64_t));
  }
  std::unique_ptr<uint64_t[]> p_;
  size_t n_ = 0;
};

/// An allocator that zeroes what it frees, for std::vector of shares or
/// material that grows: a reallocation frees the old buffer, and erasing from
/// the front leaves copies beyond size(); both are wiped when the memory goes
/// back to the heap.
template <class T> struct WipingAllocator {
  using value_type = T;
  WipingAllocator() = default;
  template <class U> WipingAllocator(const WipingAllocator<U> &) noexcept {}
  T *allocate(size_t n) { return std::allocator<T>().allocate(n); }
  void deallocate(T *p, size_t n) noexcept {
    sodium_memzero(p, n * sizeof(T));
    std::allocator<T>().deallocate(p, n);
  }
  template <class U> bool operator==(const WipingAllocator<U> &) const noexcept { return true; }
};

/// A growable vector of words that is zeroed, with all its capacity, when
/// its memory is freed.
using WordVector = std::vector<uint64_t, WipingAllocator<uint64_t>>;

} // namespace smpc::protocols
