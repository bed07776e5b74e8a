//===- task.h - one interactive op of a round group, as a phase machine ----===//
//
// A Task runs one InteractiveOp round by round: send() appends this round's
// outgoing words to the Exchange, receive() consumes the answers and moves to
// the next phase (or finishes). The protocol drives all tasks of a group in
// lockstep, so a group takes as many rounds as its longest task.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/core/preprocessing.h"
#include "vm/core/protocol.h"
#include "vm/protocols/semi2k/exchange.h"

#include <cstdint>
#include <memory>
#include <sodium.h>
#include <vector>

namespace smpc::semi2k {

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

/// What every task may use.
struct Context {
  uint32_t self = 0;
  uint32_t parties = 0;
  vm::Preprocessing &pre;
  vm::ProtocolStats &stats;
  bool leader() const { return self == 0; } // party 0 adds public constants
};

class Task {
public:
  virtual ~Task() = default;
  virtual void send(Exchange &ex) = 0;
  virtual void receive(Exchange &ex) = 0;
  bool done() const { return done_; }

protected:
  bool done_ = false;
};

/// Validates `op` (sizes, parameters) and fetches its preprocessing material.
/// Throws vm::ProtocolError on an op the protocol cannot run.
std::unique_ptr<Task> makeTask(vm::InteractiveOp &op, Context &ctx);

std::unique_ptr<Task> makeMulTask(vm::InteractiveOp &op, Context &ctx);
std::unique_ptr<Task> makeMatMulTask(vm::InteractiveOp &op, Context &ctx);
std::unique_ptr<Task> makeTruncTask(vm::InteractiveOp &op, Context &ctx);
std::unique_ptr<Task> makeOpenTask(vm::InteractiveOp &op, Context &ctx);
std::unique_ptr<Task> makeInputTask(vm::InteractiveOp &op, Context &ctx);
std::unique_ptr<Task> makeOutputTask(vm::InteractiveOp &op, Context &ctx);
std::unique_ptr<Task> makeCompareTask(vm::InteractiveOp &op, Context &ctx);

} // namespace smpc::semi2k
