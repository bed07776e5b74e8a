//===- errors_test.cpp - semi2k rejects bad ops and malformed messages ----===//
#include "tests/semi2k/harness.h"
#include "vm/core/errors.h"

#include <cstring>
#include <doctest/doctest.h>

using namespace smpc;
using namespace smpc::testing;

namespace {

// Party 0 runs a mul of length 2; party 1 answers with `reply` bytes.
std::string errorFromPeerReply(size_t replyBytes) {
  LocalNetwork online(2), dn(3);
  std::string what;
  runParallel(3, [&](uint32_t i) {
    if (i == 2) {
      dealer::serveJob(dn.channel(2), 2);
      return;
    }
    dealer::DealerClient pre(dn.channel(i), 2);
    if (i == 1) {
      online.channel(1).recv(0);
      std::vector<uint8_t> junk(replyBytes, 0x5a);
      online.channel(1).send(0, junk);
      return;
    }
    semi2k::Semi2k proto(online.channel(0), pre);
    std::vector<uint64_t> x{1, 2}, out(2);
    auto op = makeOp(bc::Op::MulSS, x, x, out);
    try {
      proto.runGroup(std::span(&op, 1));
    } catch (const vm::ProtocolError &e) {
      what = e.what();
    }
    pre.finish();
  });
  return what;
}

std::string errorOf(const std::function<void(vm::InteractiveOp &)> &setup) {
  LocalNetwork online(2), dn(3);
  std::string what;
  runParallel(3, [&](uint32_t i) {
    if (i == 2) {
      dealer::serveJob(dn.channel(2), 2);
      return;
    }
    dealer::DealerClient pre(dn.channel(i), 2);
    if (i == 1) return;
    semi2k::Semi2k proto(online.channel(0), pre);
    std::vector<uint64_t> x{1, 2}, out(2);
    auto op = makeOp(bc::Op::MulSS, x, x, out);
    setup(op);
    try {
      proto.runGroup(std::span(&op, 1));
    } catch (const vm::ProtocolError &e) {
      what = e.what();
    }
    pre.finish();
  });
  return what;
}

} // namespace

TEST_CASE("a peer's message of the wrong size is a clear protocol error") {
  CHECK(errorFromPeerReply(7) ==
        "party 1 sent a message that is not a whole number of ring elements");
  CHECK(errorFromPeerReply(8) == "party 1 sent a message shorter than this round requires");
  CHECK(errorFromPeerReply(40) == "party 1 sent a message longer than this round requires");
}

TEST_CASE("invalid operations are refused before anything is sent") {
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::TruncS;
          op.shift = 63;
        }) == "trunc.s: shift must be between 1 and 62, got 63");
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::TruncS;
          op.shift = 0;
        }) == "trunc.s: shift must be between 1 and 62, got 0");
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::OutputS;
          op.recipients = {0, 5};
        }) == "output.s: recipient party 5 does not exist in a job of 2 parties");
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::Input;
          op.owner = 2;
        }) == "input: owner party 2 does not exist in a job of 2 parties");
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::Input;
          op.owner = 0;
          op.x = op.x.subspan(0, 1);
        }) == "input: the owner's data has 1 elements, expected 2");
  CHECK(errorOf([](vm::InteractiveOp &op) { op.y = op.y.subspan(0, 1); }) ==
        "mul.ss: operand lengths do not match");
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::MatMulSS;
          op.m = 1, op.k = 1, op.n = 3;
        }) == "matmul.ss: operand lengths do not match");
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::MatMulSS;
          op.m = 0, op.k = 1, op.n = 2;
        }) == "matmul.ss: matrix dimensions must be positive");
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::LtzS;
          op.x = op.x.subspan(0, 1);
        }) == "ltz.s: operand lengths do not match");
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::EqzS;
          op.x = op.x.subspan(0, 1);
        }) == "eqz.s: operand lengths do not match");
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::TruncS;
          op.shift = 16;
          op.x = op.x.subspan(0, 1);
        }) == "trunc.s: operand lengths do not match");
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::Open;
          op.x = op.x.subspan(0, 1);
        }) == "open: operand lengths do not match");
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::OutputS;
          op.x = op.x.subspan(0, 1);
        }) == "output.s: operand lengths do not match");
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::ShuffleS;
          op.width = 3;
        }) == "shuffle.s: operand lengths do not match");
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::ShuffleS;
          op.width = 0;
        }) == "shuffle.s: operand lengths do not match");
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::BitS;
          op.shift = 64;
        }) == "bit.s: bit position must be between 0 and 63, got 64");
  CHECK(errorOf([](vm::InteractiveOp &op) {
          op.op = bc::Op::BitS;
          op.x = op.x.subspan(0, 1);
        }) == "bit.s: operand lengths do not match");
  CHECK(errorOf([](vm::InteractiveOp &op) { op.op = bc::Op::AddSS; }) ==
        "semi2k: 'add.ss' is not an interactive instruction");
}

TEST_CASE("a vanished peer makes runGroup fail instead of hanging") {
  LocalNetwork online(2, std::chrono::milliseconds(200)), dn(3);
  std::string what;
  runParallel(3, [&](uint32_t i) {
    if (i == 2) {
      dealer::serveJob(dn.channel(2), 2);
      return;
    }
    dealer::DealerClient pre(dn.channel(i), 2);
    if (i == 1) return; // party 1 never answers
    semi2k::Semi2k proto(online.channel(0), pre);
    std::vector<uint64_t> x{1}, out(1);
    auto op = makeOp(bc::Op::Open, x, {}, out);
    try {
      proto.runGroup(std::span(&op, 1));
    } catch (const vm::NetError &e) {
      what = e.what();
    }
    pre.finish();
  });
  CHECK(what == "timed out waiting for a message from party 1");
}

TEST_CASE("semi2k refuses a channel with a single party") {
  LocalNetwork one(1), dn(3);
  dn.channel(2).send(0, dealer::encodeSeed({0, 2, crypto::seed_keygen()}));
  dealer::DealerClient pre(dn.channel(0), 2);
  std::string what;
  try {
    semi2k::Semi2k proto(one.channel(0), pre);
  } catch (const vm::ProtocolError &e) {
    what = e.what();
  }
  CHECK(what == "semi2k needs at least 2 parties");
  pre.finish();
}
