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

/// Passes everything through and keeps a copy of what `self` receives.
class RecordingChannel final : public vm::Channel {
public:
  RecordingChannel(vm::Channel &inner, std::vector<uint8_t> &log) : in_(inner), log_(log) {}
  uint32_t self() const override { return in_.self(); }
  uint32_t parties() const override { return in_.parties(); }
  void send(uint32_t to, std::span<const uint8_t> m) override { in_.send(to, m); }
  std::vector<uint8_t> recv(uint32_t from) override {
    auto m = in_.recv(from);
    log_.insert(log_.end(), m.begin(), m.end());
    return m;
  }
  uint64_t bytesSent() const override { return in_.bytesSent(); }
  uint64_t bytesReceived() const override { return in_.bytesReceived(); }

private:
  vm::Channel &in_;
  std::vector<uint8_t> &log_;
};

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
    REQUIRE(v0.size() > 100000);
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
