//===- cost_test.cpp - rep3 and shamir send what bc::opCost says ----------===//
//
// `smpcc cost --protocol rep3|shamir` prices a program with bc::opCost; here
// every interactive instruction runs alone under rep3 and shamir (3, 4, 5, 7
// parties) for lengths that fill, do not fill and exceed one 64-bit word,
// and the rounds and the bytes of the busiest party must equal the model
// exactly. Share values do not matter for the traffic: they are random.
//===----------------------------------------------------------------------===//
#include "tests/hm/harness.h"
#include "vm/bytecode/cost.h"

#include <algorithm>
#include <random>

using namespace smpc;
using namespace smpc::testing;

namespace {

struct OpCase {
  bc::Op op;
  bc::OpShape shape;
  uint32_t owner = 0;
  std::vector<uint32_t> recipients;
};

std::string describe(const OpCase &c) {
  std::string s(bc::info(c.op).mnemonic);
  if (c.op == bc::Op::MatMulSS)
    return s + " " + std::to_string(c.shape.m) + "x" + std::to_string(c.shape.k) + "x" +
           std::to_string(c.shape.n);
  s += " of " + std::to_string(c.shape.len);
  if (c.op == bc::Op::OutputS) s += " to " + std::to_string(c.recipients.size()) + " parties";
  if (c.op == bc::Op::Input) s += " from party " + std::to_string(c.owner);
  return s;
}

OpCase mk(bc::Op op, bc::OpShape shape, uint32_t owner = 0, std::vector<uint32_t> to = {}) {
  OpCase c;
  c.op = op, c.shape = shape, c.owner = owner, c.recipients = std::move(to);
  return c;
}

std::vector<OpCase> cases() {
  std::vector<OpCase> v;
  for (uint64_t len : {1ull, 64ull, 130ull}) {
    for (bc::Op op :
         {bc::Op::MulSS, bc::Op::TruncS, bc::Op::LtzS, bc::Op::EqzS, bc::Op::BitS, bc::Op::Open})
      v.push_back(mk(op, {.len = len}));
    v.push_back(mk(bc::Op::OutputS, {.len = len}));
    v.push_back(mk(bc::Op::OutputS, {.len = len}, 0, {1}));
    v.push_back(mk(bc::Op::Input, {.len = len}, 0));
    v.push_back(mk(bc::Op::Input, {.len = len}, 2));
  }
  v.push_back(mk(bc::Op::MatMulSS, {.len = 12, .m = 3, .k = 7, .n = 4}));
  v.push_back(mk(bc::Op::MatMulSS, {.len = 1, .m = 1, .k = 300, .n = 1}));
  return v;
}

// Runs `c` once on every party; returns each party's counters.
std::vector<vm::ProtocolStats> runOne(const ProtoCase &pc, const OpCase &c, std::mt19937_64 &rng) {
  const uint64_t n = c.shape.len;
  const uint64_t xs = c.op == bc::Op::MatMulSS ? uint64_t(c.shape.m) * c.shape.k : n;
  const uint64_t ys = c.op == bc::Op::MatMulSS ? uint64_t(c.shape.k) * c.shape.n : n;
  std::vector<std::vector<uint64_t>> xv(pc.parties), yv(pc.parties);
  for (uint32_t p = 0; p < pc.parties; ++p) {
    xv[p].resize(xs * vm::kMaxShareWidth), yv[p].resize(ys * vm::kMaxShareWidth);
    for (auto &w : xv[p])
      w = rng();
    for (auto &w : yv[p])
      w = rng() >> 40; // trunc.s: keep |x| < 2^62 on plane 0
  }
  std::vector<vm::ProtocolStats> st(pc.parties);
  runHm(pc, [&](uint32_t i, hm::HmProtocol &proto) {
    const uint32_t w = proto.shareWidth();
    std::vector<uint64_t> out(n * w);
    vm::InteractiveOp op;
    op.op = c.op;
    op.x = std::span<const uint64_t>(xv[i].data(), xs * w);
    op.y = std::span<const uint64_t>(yv[i].data(), ys * w);
    op.m = c.shape.m, op.k = c.shape.k, op.n = c.shape.n;
    op.shift = 16;
    op.owner = c.owner;
    op.recipients = c.recipients;
    if (c.op == bc::Op::TruncS) op.x = op.y;
    if (c.op == bc::Op::Open || c.op == bc::Op::OutputS) out.resize(n);
    if (c.op == bc::Op::Input)
      op.x =
          i == c.owner ? std::span<const uint64_t>(xv[i].data(), n) : std::span<const uint64_t>();
    op.out = out;
    proto.runGroup(std::span<vm::InteractiveOp>(&op, 1));
    st[i] = proto.stats();
  });
  return st;
}

} // namespace

TEST_CASE("rep3 and shamir send exactly what the cost model says") {
  const uint64_t seed = 7311;
  std::mt19937_64 rng(seed);
  INFO("data seed " << seed);
  for (const ProtoCase &pc : allCases()) {
    const bc::ProtocolId id = *bc::protocolFromName(pc.name);
    for (const OpCase &c : cases()) {
      INFO(pc.name << " with " << pc.parties << " parties, " << describe(c));
      const std::vector<vm::ProtocolStats> st = runOne(pc, c, rng);
      bc::OpShape shape = c.shape;
      shape.owner = c.owner, shape.recipients = c.recipients;
      const bc::OpCost want = bc::opCost(c.op, shape, pc.parties, id);
      uint64_t busiest = 0;
      for (uint32_t p = 0; p < st.size(); ++p) {
        CHECK(st[p].rounds == want.rounds);
        busiest = std::max(busiest, st[p].bytesSent);
        // Each party's own figure bounds what it sent, exactly for an input.
        const uint64_t mine = bc::opBytesSent(c.op, shape, pc.parties, p, id);
        CHECK(st[p].bytesSent <= mine);
        if (c.op == bc::Op::Input) CHECK(st[p].bytesSent == mine);
      }
      CHECK(busiest == want.bytesPerParty);
      CHECK(want.rounds == bc::opRounds(c.op, pc.parties, id));
    }
  }
}

TEST_CASE("shamir comparisons need more rounds for more parties") {
  // t+1 numbers to add: carry-save levels 0 (N = 3, 4), 1 (5, 6), 2 (7, 8).
  CHECK(bc::opRounds(bc::Op::LtzS, 3, bc::ProtocolId::Shamir) == 9);
  CHECK(bc::opRounds(bc::Op::LtzS, 5, bc::ProtocolId::Shamir) == 10);
  CHECK(bc::opRounds(bc::Op::EqzS, 7, bc::ProtocolId::Shamir) == 10);
  CHECK(bc::opRounds(bc::Op::LtzS, 3, bc::ProtocolId::Rep3) == 9);
  CHECK(bc::opRounds(bc::Op::LtzS, 3, bc::ProtocolId::Semi2k) == 8);
}
