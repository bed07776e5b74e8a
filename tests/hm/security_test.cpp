//===- security_test.cpp - views, seeds, freshness ------------------------===//
//
// What a party receives must not depend on the other parties' inputs: party
// 1 (no input, no output) records every online message of a program with
// products, truncations and comparisons; its bytes must look uniform and
// have the same distribution for all-zero and all-one inputs (chi-square,
// as the semi2k tests do). And seeds are fresh per job: the same input
// shared twice gives party 1 different shares.
//===----------------------------------------------------------------------===//
#include "tests/bytecode/samples.h"
#include "tests/hm/harness.h"

#include <array>
#include <cmath>

using namespace smpc;
using namespace smpc::testing;

namespace {

constexpr uint32_t kLen = 1024; // a multiple of 64: no padding lanes

bc::Program program() {
  bc::ProgramBuilder b;
  auto ia = b.input("a", ElemType::Fix, 0, kLen), ib = b.input("b", ElemType::Fix, 2, kLen);
  auto a = b.sreg(kLen), bb = b.sreg(kLen), p = b.sreg(kLen), t = b.sreg(kLen), l = b.sreg(kLen),
       e = b.sreg(kLen), d = b.sreg(1);
  b.emit(Op::Input, {a, ia});
  b.emit(Op::Input, {bb, ib});
  b.emit(Op::MulSS, {p, a, bb});
  b.emit(Op::TruncS, {t, p, 16});
  b.emit(Op::LtzS, {l, t});
  b.emit(Op::EqzS, {e, a});
  b.emit(Op::MatMulSS, {d, a, bb, 1, kLen, 1});
  auto o = b.output("r", ElemType::Int, kLen, 1, {0});
  b.emit(Op::AddSS, {l, l, e});
  b.emit(Op::OutputS, {l, o});
  b.emit(Op::OutputS, {d, b.output("d", ElemType::Int, 1, 1, {0})});
  return b.prog;
}

std::vector<uint8_t> viewOfParty1(const ProtoCase &pc, uint64_t value) {
  const bc::Program p = program();
  std::vector<uint8_t> log;
  LocalNetwork online(pc.parties), background(pc.parties);
  runParallel(pc.parties, [&](uint32_t i) {
    RecordingChannel rec(online.channel(i), log);
    vm::Channel &ch = i == 1 ? static_cast<vm::Channel &>(rec) : online.channel(i);
    vm::InputValues in;
    if (i == 0) in["a"] = std::vector<uint64_t>(kLen, value);
    if (i == 2) in["b"] = std::vector<uint64_t>(kLen, value);
    if (pc.name == "rep3") {
      rep3::Rep3 proto(ch);
      vm::run(p, proto, in);
    } else {
      shamir::Shamir proto(ch, background.channel(i), smallPools());
      vm::run(p, proto, in);
    }
  });
  return log;
}

std::array<double, 256> histogram(const std::vector<uint8_t> &v) {
  std::array<double, 256> h{};
  for (uint8_t b : v)
    h[b] += 1;
  return h;
}

double chiUniform(const std::vector<uint8_t> &v) {
  const auto h = histogram(v);
  const double expect = double(v.size()) / 256;
  double chi = 0;
  for (double c : h)
    chi += (c - expect) * (c - expect) / expect;
  return chi;
}

double chiTwoSample(const std::vector<uint8_t> &x, const std::vector<uint8_t> &y) {
  const auto hx = histogram(x), hy = histogram(y);
  const double kx = std::sqrt(double(y.size()) / double(x.size())), ky = 1 / kx;
  double chi = 0;
  for (int v = 0; v < 256; ++v)
    if (hx[v] + hy[v] > 0)
      chi += (kx * hx[v] - ky * hy[v]) * (kx * hx[v] - ky * hy[v]) / (hx[v] + hy[v]);
  return chi;
}

} // namespace

TEST_CASE("a party's view does not depend on the other parties' inputs") {
  for (const ProtoCase &pc :
       {ProtoCase{"rep3", 3}, ProtoCase{"shamir", 3}, ProtoCase{"shamir", 5}}) {
    INFO(pc.name << " with " << pc.parties << " parties");
    // Fixed-point 0 and -1 (all bits set): as different as inputs get.
    const auto v0 = viewOfParty1(pc, 0), v1 = viewOfParty1(pc, ~uint64_t(0));
    REQUIRE(v0.size() == v1.size()); // traffic depends on the program only
    REQUIRE(v0.size() > 80000);      // enough bytes for the tests below
    // 255 degrees of freedom: mean 255, sd 22.6; 400 is beyond 6 sd.
    CHECK(chiUniform(v0) < 400);
    CHECK(chiUniform(v1) < 400);
    CHECK(chiTwoSample(v0, v1) < 400);
  }
}

TEST_CASE("seeds are fresh per job: the same input gives other shares") {
  for (const ProtoCase &pc : {ProtoCase{"rep3", 3}, ProtoCase{"shamir", 3}}) {
    INFO(pc.name);
    std::vector<uint64_t> runs[2];
    for (auto &mine : runs)
      runHm(pc, [&](uint32_t i, hm::HmProtocol &proto) {
        std::vector<uint64_t> x(64, 42), out(64 * proto.shareWidth());
        vm::InteractiveOp op;
        op.op = bc::Op::Input;
        op.owner = 0;
        if (i == 0) op.x = x;
        op.out = out;
        proto.runGroup(std::span(&op, 1));
        if (i == 1) mine = out;
      });
    CHECK(runs[0] != runs[1]);
    size_t zeros = 0;
    for (uint64_t w : runs[0])
      zeros += w == 0;
    CHECK(zeros <= 64); // rep3: one plane of party 1's share is the zero slot
  }
}

namespace {

/// What the parties in `coalition` receive while party 0 inputs x and the
/// parties shuffle it, plus their shares of the result: one log per member,
/// concatenated.
std::vector<uint8_t> shuffleView(const ProtoCase &pc, const std::vector<uint32_t> &coalition,
                                 const std::vector<uint64_t> &x) {
  std::vector<std::vector<uint8_t>> logs(pc.parties);
  LocalNetwork online(pc.parties), background(pc.parties);
  runParallel(pc.parties, [&](uint32_t i) {
    const bool watched = std::find(coalition.begin(), coalition.end(), i) != coalition.end();
    RecordingChannel rec(online.channel(i), logs[i]);
    vm::Channel &ch = watched ? static_cast<vm::Channel &>(rec) : online.channel(i);
    auto run = [&](hm::HmProtocol &proto) {
      const size_t w = proto.shareWidth();
      std::vector<uint64_t> s(x.size() * w), t(x.size() * w);
      vm::InteractiveOp ops[2];
      ops[0].op = bc::Op::Input;
      ops[0].owner = 0;
      if (i == 0) ops[0].x = x;
      ops[0].out = s;
      ops[1].op = bc::Op::ShuffleS;
      ops[1].x = s, ops[1].out = t;
      proto.runGroup(std::span(ops, 1));
      proto.runGroup(std::span(ops + 1, 1));
      if (watched) {
        const auto *b = reinterpret_cast<const uint8_t *>(t.data());
        logs[i].insert(logs[i].end(), b, b + t.size() * sizeof(uint64_t));
      }
    };
    if (pc.name == "rep3") {
      rep3::Rep3 proto(ch);
      run(proto);
    } else {
      shamir::Shamir proto(ch, background.channel(i), smallPools());
      run(proto);
    }
  });
  std::vector<uint8_t> all;
  for (uint32_t c : coalition)
    all.insert(all.end(), logs[c].begin(), logs[c].end());
  return all;
}

} // namespace

TEST_CASE("a shuffle shows t parties nothing that depends on the data or the order") {
  // Equal rows (the order cannot show) against distinct ones (every order
  // differs): a coalition of t parties -- party 1 under rep3, parties 1 and
  // 2 of 5 under shamir -- must see uniform bytes, the same in both cases.
  // Party 0, the input's owner, is outside the coalition.
  std::vector<uint64_t> same(2048, 7), distinct(2048);
  for (size_t i = 0; i < distinct.size(); ++i)
    distinct[i] = i;
  struct Case {
    ProtoCase pc;
    std::vector<uint32_t> coalition;
  };
  const std::vector<Case> cases = {Case{ProtoCase{"rep3", 3}, std::vector<uint32_t>{1}},
                                   Case{ProtoCase{"rep3", 3}, std::vector<uint32_t>{2}},
                                   Case{ProtoCase{"shamir", 3}, std::vector<uint32_t>{2}},
                                   Case{ProtoCase{"shamir", 5}, std::vector<uint32_t>{1, 2}}};
  for (const Case &c : cases) {
    const ProtoCase &pc = c.pc;
    const std::vector<uint32_t> &coalition = c.coalition;
    INFO(pc.name << " with " << pc.parties << " parties, coalition of " << coalition.size()
                 << " from party " << coalition[0]);
    const auto v0 = shuffleView(pc, coalition, same), v1 = shuffleView(pc, coalition, distinct);
    REQUIRE(v0.size() == v1.size());
    REQUIRE(v0.size() > 30000);
    CHECK(chiUniform(v0) < 400);
    CHECK(chiUniform(v1) < 400);
    CHECK(chiTwoSample(v0, v1) < 400);
  }
}
