//===- hm.cpp - the round-group driver and the one-step ops ---------------===//
#include "vm/protocols/hm/hm.h"

#include "vm/core/errors.h"

#include <algorithm>
#include <cstdint>
#include <sodium.h>
#include <string>

namespace smpc::hm {

namespace {

void checkLen(bool ok, const char *what) {
  if (!ok) throw vm::ProtocolError(std::string(what) + ": operand lengths do not match");
}

// bit.s as a comparison: with bits 0..i-1 of x zero, x * 2^(63-i) is 0 or
// 2^63, so bit i is its sign. Owns the shifted shares the comparison reads.
class BitTask final : public Task {
public:
  BitTask(HmProtocol &proto, const vm::InteractiveOp &op) : shifted_(op.x.begin(), op.x.end()) {
    const uint64_t scale = uint64_t(1) << (63 - op.shift);
    for (uint64_t &v : shifted_)
      v *= scale; // shares (also Galois-ring coefficients) scale linearly
    ltz_.op = bc::Op::LtzS;
    ltz_.x = shifted_;
    ltz_.out = op.out;
    inner_ = makeCompareTask(proto, ltz_);
    done_ = inner_->done();
  }
  ~BitTask() override { sodium_memzero(shifted_.data(), shifted_.size() * sizeof(uint64_t)); }
  void send(Exchange &ex) override { inner_->send(ex); }
  void receive(Exchange &ex) override {
    inner_->receive(ex);
    done_ = inner_->done();
  }

private:
  std::vector<uint64_t> shifted_;
  vm::InteractiveOp ltz_;
  std::unique_ptr<Task> inner_;
};

} // namespace

HmProtocol::HmProtocol(vm::Channel &ch) : ch_(ch), ex_(ch.self(), ch.parties()) {}

std::unique_ptr<Task> HmProtocol::makeTask(vm::InteractiveOp &op) {
  const uint32_t w = shareWidth();
  switch (op.op) {
  case bc::Op::MulSS: {
    const size_t n = op.out.size() / w;
    checkLen(op.out.size() == n * w && op.x.size() == op.out.size() && op.y.size() == op.out.size(),
             "mul.ss");
    return std::make_unique<StepTask>(mul(op.x, op.y, op.out, n));
  }
  case bc::Op::MatMulSS:
    if (!op.m || !op.k || !op.n)
      throw vm::ProtocolError("matmul.ss: matrix dimensions must be positive");
    checkLen(op.x.size() == uint64_t(op.m) * op.k * w && op.y.size() == uint64_t(op.k) * op.n * w &&
                 op.out.size() == uint64_t(op.m) * op.n * w,
             "matmul.ss");
    return std::make_unique<StepTask>(matmul(op.x, op.y, op.out, op.m, op.k, op.n));
  case bc::Op::TruncS:
    checkLen(op.x.size() == op.out.size() && op.out.size() % w == 0, "trunc.s");
    if (op.shift < 1 || op.shift > 62)
      throw vm::ProtocolError("trunc.s: shift must be between 1 and 62, got " +
                              std::to_string(op.shift));
    return trunc(op);
  case bc::Op::LtzS:
  case bc::Op::EqzS:
    checkLen(op.x.size() == op.out.size() && op.out.size() % w == 0,
             op.op == bc::Op::LtzS ? "ltz.s" : "eqz.s");
    return makeCompareTask(*this, op);
  case bc::Op::BitS:
    checkLen(op.x.size() == op.out.size() && op.out.size() % w == 0, "bit.s");
    if (op.shift > 63)
      throw vm::ProtocolError("bit.s: bit position must be between 0 and 63, got " +
                              std::to_string(op.shift));
    return std::make_unique<BitTask>(*this, op);
  case bc::Op::ShuffleS:
    checkLen(op.width > 0 && op.x.size() == op.out.size() &&
                 op.out.size() % (uint64_t(op.width) * w) == 0,
             "shuffle.s");
    if (op.out.size() / w / op.width > UINT32_MAX)
      throw vm::ProtocolError("shuffle.s: too many rows");
    return shuffle(op);
  case bc::Op::Open:
    checkLen(op.x.size() == op.out.size() * w, "open");
    return std::make_unique<StepTask>(
        open(op.x, op.out, op.out.size(), std::vector<bool>(numParties(), true)));
  case bc::Op::Input: {
    const size_t n = op.out.size() / w;
    if (op.owner >= numParties())
      throw vm::ProtocolError("input: owner party " + std::to_string(op.owner) +
                              " does not exist in a job of " + std::to_string(numParties()) +
                              " parties");
    if (partyId() == op.owner && op.x.size() != n)
      throw vm::ProtocolError("input: the owner's data has " + std::to_string(op.x.size()) +
                              " elements, expected " + std::to_string(n));
    return std::make_unique<StepTask>(input(op.owner, op.x, op.out, n));
  }
  case bc::Op::OutputS: {
    checkLen(op.x.size() == op.out.size() * w, "output.s");
    std::vector<bool> to(numParties(), op.recipients.empty());
    for (uint32_t r : op.recipients) {
      if (r >= numParties())
        throw vm::ProtocolError("output.s: recipient party " + std::to_string(r) +
                                " does not exist in a job of " + std::to_string(numParties()) +
                                " parties");
      to[r] = true;
    }
    op.receives = to[partyId()];
    return std::make_unique<StepTask>(open(op.x, op.out, op.out.size(), to));
  }
  // Local and control-flow instructions never reach a protocol.
  // clang-format off
#include "vm/bytecode/noninteractive_cases.inc"
  // clang-format on
  break;
  }
  throw vm::ProtocolError(std::string(name()) + ": '" + std::string(bc::info(op.op).mnemonic) +
                          "' is not an interactive instruction");
}

void HmProtocol::runGroup(std::span<vm::InteractiveOp> ops) {
  // Tasks are made in op order, identical on every party (they draw
  // correlated randomness as they are made).
  std::vector<std::unique_ptr<Task>> tasks;
  tasks.reserve(ops.size());
  for (auto &op : ops)
    tasks.push_back(makeTask(op));
  protocols::runRounds(tasks, ex_, ch_, stats_);
}

} // namespace smpc::hm
