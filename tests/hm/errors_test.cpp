//===- errors_test.cpp - every error rep3 and shamir raise, with its text --===//
#include "tests/hm/harness.h"
#include "vm/core/errors.h"

#include <cstring>

using namespace smpc;
using namespace smpc::testing;

TEST_CASE("rep3 and shamir refuse a job with the wrong number of parties") {
  {
    LocalNetwork net(2);
    CHECK_THROWS_WITH_AS(rep3::Rep3(net.channel(0)), "rep3 needs exactly 3 parties, the job has 2",
                         vm::ProtocolError);
    CHECK_THROWS_WITH_AS(shamir::Shamir(net.channel(0), net.channel(0)),
                         "shamir needs between 3 and 255 parties, the job has 2",
                         vm::ProtocolError);
  }
  LocalNetwork net(4);
  CHECK_THROWS_WITH_AS(rep3::Rep3(net.channel(0)), "rep3 needs exactly 3 parties, the job has 4",
                       vm::ProtocolError);
}

TEST_CASE("a malformed seed message at the start is refused") {
  LocalNetwork net(3), bg(3);
  net.channel(2).send(0, std::vector<uint8_t>(5, 1)); // party 2 -> 0: too short
  CHECK_THROWS_WITH_AS(rep3::Rep3(net.channel(0)),
                       "rep3: party 2 sent a malformed seed message at the start of the job",
                       vm::ProtocolError);
  LocalNetwork net2(3);
  net2.channel(0).send(1, std::vector<uint8_t>(33, 1));
  CHECK_THROWS_WITH_AS(shamir::Shamir(net2.channel(1), bg.channel(1)),
                       "shamir: party 0 sent a malformed seed message at the start of the job",
                       vm::ProtocolError);
}

TEST_CASE("shamir refuses a background channel of other parties") {
  LocalNetwork net(3), bg(3);
  // Party 0 draws the seeds for pairs (0,1) and (0,2): it needs no message.
  CHECK_THROWS_WITH_AS(shamir::Shamir(net.channel(0), bg.channel(1)),
                       "shamir: the background channel does not connect the same parties as the "
                       "online channel",
                       vm::ProtocolError);
}

TEST_CASE("a malformed preprocessing command fails the online phase with its reason") {
  LocalNetwork net(3), bg(3);
  std::string err1;
  runParallel(3, [&](uint32_t i) {
    if (i == 0) { // plays party 0's seed agreement, then sends garbage commands
      // Each message: the pair's seed and that of the set {0, j} (the shuffle's).
      for (uint32_t j : {1u, 2u})
        net.channel(0).send(j, std::vector<uint8_t>(64, 7));
      for (uint32_t j : {1u, 2u})
        bg.channel(0).send(j, std::vector<uint8_t>{9, 9, 9});
      return;
    }
    shamir::Shamir proto(net.channel(i), bg.channel(i), smallPools());
    std::vector<uint64_t> x(2 * 4), z(2 * 4);
    auto step = [&] {
      vm::InteractiveOp op;
      op.op = bc::Op::MulSS;
      op.x = x, op.y = x, op.out = z;
      proto.runGroup(std::span(&op, 1));
    };
    try {
      step();
    } catch (const vm::ProtocolError &e) {
      if (i == 1) err1 = e.what();
    }
  });
  CHECK(err1 == "shamir: making preprocessing material failed: shamir: party 0 sent a malformed "
                "preprocessing command");
}

TEST_CASE("ops the protocols cannot run are refused with the reason") {
  runHm({"rep3", 3}, [](uint32_t i, hm::HmProtocol &proto) {
    std::vector<uint64_t> x(6), z(4), pub(3);
    vm::InteractiveOp op;
    op.op = bc::Op::MulSS;
    op.x = x, op.y = x, op.out = z;
    CHECK_THROWS_WITH_AS(proto.runGroup(std::span(&op, 1)), "mul.ss: operand lengths do not match",
                         vm::ProtocolError);
    op.op = bc::Op::TruncS;
    op.out = x;
    op.shift = 63;
    CHECK_THROWS_WITH_AS(proto.runGroup(std::span(&op, 1)),
                         "trunc.s: shift must be between 1 and 62, got 63", vm::ProtocolError);
    op.op = bc::Op::OutputS;
    op.out = pub;
    op.recipients = {3};
    CHECK_THROWS_WITH_AS(proto.runGroup(std::span(&op, 1)),
                         "output.s: recipient party 3 does not exist in a job of 3 parties",
                         vm::ProtocolError);
    op.op = bc::Op::Input;
    op.owner = 5;
    CHECK_THROWS_WITH_AS(proto.runGroup(std::span(&op, 1)),
                         "input: owner party 5 does not exist in a job of 3 parties",
                         vm::ProtocolError);
    op.owner = i;
    op.x = pub;
    op.out = z;
    CHECK_THROWS_WITH_AS(proto.runGroup(std::span(&op, 1)),
                         "input: the owner's data has 3 elements, expected 2", vm::ProtocolError);
    op.op = bc::Op::MatMulSS;
    op.m = 0;
    CHECK_THROWS_WITH_AS(proto.runGroup(std::span(&op, 1)),
                         "matmul.ss: matrix dimensions must be positive", vm::ProtocolError);
    op.op = bc::Op::AddSS;
    CHECK_THROWS_WITH_AS(proto.runGroup(std::span(&op, 1)),
                         "rep3: 'add.ss' is not an interactive instruction", vm::ProtocolError);
    op.op = bc::Op::BitS;
    op.x = x, op.out = x;
    op.shift = 64;
    CHECK_THROWS_WITH_AS(proto.runGroup(std::span(&op, 1)),
                         "bit.s: bit position must be between 0 and 63, got 64", vm::ProtocolError);
    op.op = bc::Op::ShuffleS;
    op.width = 4; // 3 elements in rows of 4
    op.x = pub, op.out = std::span(x).first(6);
    CHECK_THROWS_WITH_AS(proto.runGroup(std::span(&op, 1)),
                         "shuffle.s: operand lengths do not match", vm::ProtocolError);
    op.width = 0;
    op.x = x;
    CHECK_THROWS_WITH_AS(proto.runGroup(std::span(&op, 1)),
                         "shuffle.s: operand lengths do not match", vm::ProtocolError);
  });
}

TEST_CASE("shamir refuses a shuffle with more sets of t+1 parties than it runs") {
  // 13 parties: C(13, 7) = 1716 turns.
  runHm({"shamir", 13}, [](uint32_t, hm::HmProtocol &proto) {
    std::vector<uint64_t> x(size_t(4) * proto.shareWidth()), z(x.size());
    vm::InteractiveOp op;
    op.op = bc::Op::ShuffleS;
    op.x = x, op.out = z;
    CHECK_THROWS_WITH_AS(proto.runGroup(std::span(&op, 1)),
                         "shamir: shuffle.s (shuffle, sort and unsort of secret values) takes one "
                         "round per set of t+1 parties, 1716 with 13 parties; run it with at most "
                         "11 parties or under semi2k",
                         vm::ProtocolError);
  });
}
