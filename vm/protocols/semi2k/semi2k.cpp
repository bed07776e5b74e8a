//===- semi2k.cpp - local ops and the round-group driver ------------------===//
#include "vm/protocols/semi2k/semi2k.h"

#include "vm/core/errors.h"
#include "vm/protocols/semi2k/exchange.h"
#include "vm/protocols/semi2k/task.h"

#include <algorithm>
#include <string>

namespace smpc::semi2k {

Semi2k::Semi2k(vm::Channel &ch, vm::Preprocessing &pre)
    : ch_(ch), pre_(pre, stats_.material), ex_(ch.self(), ch.parties()) {
  if (ch.parties() < 2) throw vm::ProtocolError("semi2k needs at least 2 parties");
}

void Semi2k::classify(std::span<const uint64_t> p, std::span<vm::Share> out) {
  if (ch_.self() == 0)
    std::copy(p.begin(), p.end(), out.begin());
  else
    std::fill(out.begin(), out.end(), 0);
}

void Semi2k::addPublic(std::span<const vm::Share> s, std::span<const uint64_t> p,
                       std::span<vm::Share> out) {
  if (ch_.self() == 0)
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = s[i] + p[i];
  else
    std::copy(s.begin(), s.end(), out.begin());
}

std::unique_ptr<Task> makeTask(vm::InteractiveOp &op, Context &ctx) {
  switch (op.op) {
  case bc::Op::MulSS:
    return makeMulTask(op, ctx);
  case bc::Op::MatMulSS:
    return makeMatMulTask(op, ctx);
  case bc::Op::TruncS:
    return makeTruncTask(op, ctx);
  case bc::Op::LtzS:
  case bc::Op::EqzS:
    return makeCompareTask(op, ctx);
  case bc::Op::Open:
    return makeOpenTask(op, ctx);
  case bc::Op::Input:
    return makeInputTask(op, ctx);
  case bc::Op::OutputS:
    return makeOutputTask(op, ctx);
  case bc::Op::ShuffleS:
    return makeShuffleTask(op, ctx);
  case bc::Op::BitS:
    return makeBitTask(op, ctx);
    // Local and control-flow instructions never reach a protocol.
    // clang-format off
#include "vm/bytecode/noninteractive_cases.inc"
    // clang-format on
    break;
  }
  throw vm::ProtocolError("semi2k: '" + std::string(bc::info(op.op).mnemonic) +
                          "' is not an interactive instruction");
}

void Semi2k::runGroup(std::span<vm::InteractiveOp> ops) {
  Context ctx{ch_.self(), ch_.parties(), pre_, stats_};
  // Material is fetched in op order, identical on every party.
  std::vector<std::unique_ptr<Task>> tasks;
  tasks.reserve(ops.size());
  for (auto &op : ops)
    tasks.push_back(makeTask(op, ctx));

  protocols::runRounds(tasks, ex_, ch_, stats_);
}

} // namespace smpc::semi2k
