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

/// A vector of shares or masks that is zeroed when freed.
class Words {
public:
  Words() = default;
  explicit Words(size_t n) : v_(n) {}
  ~Words() { sodium_memzero(v_.data(), v_.size() * sizeof(uint64_t)); }
  Words(Words &&) = default;
  Words &operator=(Words &&o) {
    sodium_memzero(v_.data(), v_.size() * sizeof(uint64_t));
    v_ = std::move(o.v_);
    return *this;
  }
  uint64_t &operator[](size_t i) { return v_[i]; }
  uint64_t operator[](size_t i) const { return v_[i]; }
  size_t size() const { return v_.size(); }
  uint64_t *data() { return v_.data(); }
  const uint64_t *data() const { return v_.data(); }
  std::span<uint64_t> span() { return v_; }
  std::span<const uint64_t> span() const { return v_; }
  std::span<uint64_t> sub(size_t at, size_t n) { return std::span<uint64_t>(v_).subspan(at, n); }

private:
  std::vector<uint64_t> v_;
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
