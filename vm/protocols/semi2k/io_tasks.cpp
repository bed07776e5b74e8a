//===- io_tasks.cpp - open, secret input, output to chosen recipients -----===//
#include "vm/core/errors.h"
#include "vm/crypto/prg.h"
#include "vm/protocols/semi2k/task.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace smpc::semi2k {

namespace {

/// Every party sends its share to every other party; all add them up.
class OpenTask final : public Task {
public:
  OpenTask(vm::InteractiveOp &op) : op_(op) {}
  void send(Exchange &ex) override { ex.putAll(op_.x); }
  void receive(Exchange &ex) override {
    sumOpened(ex, op_.x, op_.out);
    done_ = true;
  }

private:
  vm::InteractiveOp &op_;
};

/// Shares are sent only to the recipients; a non-recipient sends but
/// receives nothing for this op and leaves `out` untouched.
class OutputTask final : public Task {
public:
  OutputTask(vm::InteractiveOp &op, Context &ctx) : op_(op), ctx_(ctx), to_(ctx.parties, false) {
    if (op.recipients.empty()) std::fill(to_.begin(), to_.end(), true);
    for (uint32_t r : op.recipients)
      to_[r] = true;
    op.receives = to_[ctx.self];
  }
  void send(Exchange &ex) override {
    for (uint32_t p = 0; p < ctx_.parties; ++p)
      if (p != ctx_.self && to_[p]) ex.put(p, op_.x);
  }
  void receive(Exchange &ex) override {
    if (op_.receives) sumOpened(ex, op_.x, op_.out);
    done_ = true;
  }

private:
  vm::InteractiveOp &op_;
  Context &ctx_;
  std::vector<bool> to_;
};

/// The owner gives every other party a fresh PRG seed (4 words) whose
/// expansion is that party's share, and keeps x minus all of them. The other
/// parties see only a uniformly random seed, whatever the input.
class InputTask final : public Task {
public:
  InputTask(vm::InteractiveOp &op, Context &ctx) : op_(op), ctx_(ctx) {
    if (ctx.self != op.owner) return;
    std::copy(op.x.begin(), op.x.end(), op.out.begin());
    Words share(op.out.size());
    for (uint32_t p = 0; p < ctx.parties; ++p) {
      if (p == ctx.self) continue;
      crypto::Seed s = crypto::seed_keygen();
      crypto::Prg(s).fill(share.span());
      for (size_t i = 0; i < share.size(); ++i)
        op.out[i] -= share[i];
      Words w(kSeedWords);
      std::memcpy(w.data(), s.data(), s.size());
      seeds_.push_back(std::move(w));
      sodium_memzero(s.data(), s.size());
    }
  }
  void send(Exchange &ex) override {
    if (ctx_.self != op_.owner) return;
    size_t next = 0;
    for (uint32_t p = 0; p < ctx_.parties; ++p)
      if (p != ctx_.self) ex.put(p, seeds_[next++].span());
  }
  void receive(Exchange &ex) override {
    if (ctx_.self != op_.owner) {
      auto w = ex.take(op_.owner, kSeedWords);
      crypto::Seed s;
      std::memcpy(s.data(), w.data(), s.size());
      crypto::Prg(s).fill(op_.out);
      sodium_memzero(s.data(), s.size());
    }
    done_ = true;
  }

private:
  static constexpr size_t kSeedWords = crypto::kSeedBytes / sizeof(uint64_t);
  vm::InteractiveOp &op_;
  Context &ctx_;
  std::vector<Words> seeds_;
};

} // namespace

std::unique_ptr<Task> makeOpenTask(vm::InteractiveOp &op, Context &ctx) {
  if (op.x.size() != op.out.size()) throw vm::ProtocolError("open: operand lengths do not match");
  return std::make_unique<OpenTask>(op);
}

std::unique_ptr<Task> makeOutputTask(vm::InteractiveOp &op, Context &ctx) {
  if (op.x.size() != op.out.size())
    throw vm::ProtocolError("output.s: operand lengths do not match");
  for (uint32_t r : op.recipients)
    if (r >= ctx.parties)
      throw vm::ProtocolError("output.s: recipient party " + std::to_string(r) +
                              " does not exist in a job of " + std::to_string(ctx.parties) +
                              " parties");
  return std::make_unique<OutputTask>(op, ctx);
}

std::unique_ptr<Task> makeInputTask(vm::InteractiveOp &op, Context &ctx) {
  if (op.owner >= ctx.parties)
    throw vm::ProtocolError("input: owner party " + std::to_string(op.owner) +
                            " does not exist in a job of " + std::to_string(ctx.parties) +
                            " parties");
  if (ctx.self == op.owner && op.x.size() != op.out.size())
    throw vm::ProtocolError("input: the owner's data has " + std::to_string(op.x.size()) +
                            " elements, expected " + std::to_string(op.out.size()));
  return std::make_unique<InputTask>(op, ctx);
}

} // namespace smpc::semi2k
