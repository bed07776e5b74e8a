//===- shuffle_test.cpp - shuffle.s under rep3 and shamir, without a dealer ===//
//
// The shuffled rows are the input's rows, moved whole; the rounds and bytes
// are the cost model's; shuffling [x, index] and placing the rows by the
// opened index (what unsort does) gives x back; and the order is uniform.
//===----------------------------------------------------------------------===//
#include "tests/hm/harness.h"
#include "vm/bytecode/cost.h"

#include <algorithm>
#include <random>

using namespace smpc;
using namespace smpc::testing;

namespace {

/// Party 0 inputs x; the parties shuffle it in rows of `width`, `times`
/// times over (each a fresh order) and open every result to all. Returns
/// the opened vectors (party 0's) and every party's counters of the first
/// shuffle alone.
struct ShuffleRun {
  std::vector<std::vector<uint64_t>> opened;
  std::vector<vm::ProtocolStats> stats;
};

ShuffleRun runShuffles(const ProtoCase &pc, const std::vector<uint64_t> &x, uint32_t width,
                       size_t times = 1) {
  ShuffleRun r;
  r.opened.resize(times);
  r.stats.resize(pc.parties);
  runHm(pc, [&](uint32_t i, hm::HmProtocol &proto) {
    const size_t n = x.size(), w = proto.shareWidth();
    std::vector<uint64_t> s(n * w), t(n * w), o(n);
    vm::InteractiveOp in;
    in.op = bc::Op::Input;
    in.owner = 0;
    if (i == 0) in.x = x;
    in.out = s;
    proto.runGroup(std::span(&in, 1));
    for (size_t k = 0; k < times; ++k) {
      const vm::ProtocolStats before = proto.stats();
      vm::InteractiveOp sh;
      sh.op = bc::Op::ShuffleS;
      sh.x = s, sh.out = t, sh.width = width;
      proto.runGroup(std::span(&sh, 1));
      if (k == 0) {
        r.stats[i] = proto.stats();
        r.stats[i].rounds -= before.rounds;
        r.stats[i].bytesSent -= before.bytesSent;
      }
      vm::InteractiveOp op;
      op.op = bc::Op::Open;
      op.x = t, op.out = o;
      proto.runGroup(std::span(&op, 1));
      if (i == 0) r.opened[k] = o;
    }
  });
  return r;
}

std::vector<std::vector<uint64_t>> sortedRows(const std::vector<uint64_t> &v, uint32_t width) {
  std::vector<std::vector<uint64_t>> r;
  for (size_t i = 0; i < v.size(); i += width)
    r.emplace_back(v.begin() + ptrdiff_t(i), v.begin() + ptrdiff_t(i + width));
  std::sort(r.begin(), r.end());
  return r;
}

} // namespace

TEST_CASE("shuffle.s moves whole rows, in the rounds and bytes smpcc cost predicts") {
  for (const ProtoCase &pc : allCases()) {
    const bc::ProtocolId id = *bc::protocolFromName(pc.name);
    for (uint32_t width : {1u, 3u}) {
      const uint64_t seed = 4100 + 10 * pc.parties + width;
      INFO(pc.name << " with " << pc.parties << " parties, width " << width << ", seed " << seed);
      std::mt19937_64 rng(seed);
      std::vector<uint64_t> x(size_t(200) * width);
      for (auto &v : x)
        v = rng();
      const ShuffleRun r = runShuffles(pc, x, width);
      CHECK(sortedRows(r.opened[0], width) == sortedRows(x, width));
      CHECK(r.opened[0] != x); // the identity has probability 1/200!
      bc::OpShape sh;
      sh.len = x.size();
      sh.width = width;
      const bc::OpCost want = bc::opCost(bc::Op::ShuffleS, sh, pc.parties, id);
      CHECK(!want.unsupported);
      uint64_t busiest = 0;
      for (const auto &s : r.stats) {
        CHECK(s.rounds == want.rounds);
        busiest = std::max(busiest, s.bytesSent);
      }
      CHECK(busiest == want.bytesPerParty);
      CHECK(want.rounds == bc::opRounds(bc::Op::ShuffleS, pc.parties, id));
    }
  }
  // One turn per pair (rep3) or per set of t+1 parties (shamir).
  CHECK(bc::opRounds(bc::Op::ShuffleS, 3, bc::ProtocolId::Rep3) == 3);
  CHECK(bc::opRounds(bc::Op::ShuffleS, 3, bc::ProtocolId::Shamir) == 3);
  CHECK(bc::opRounds(bc::Op::ShuffleS, 5, bc::ProtocolId::Shamir) == 10);
  CHECK(bc::opRounds(bc::Op::ShuffleS, 7, bc::ProtocolId::Shamir) == 35);
  CHECK(bc::opRounds(bc::Op::ShuffleS, 11, bc::ProtocolId::Shamir) == 462);
  bc::OpShape big;
  big.len = 10;
  CHECK(bc::opCost(bc::Op::ShuffleS, big, 13, bc::ProtocolId::Shamir).unsupported);
}

TEST_CASE("rep3 shuffle hands the 2-out-of-2 sharing from pair to pair: 4 n words in all") {
  // Party 0 sends in turns 0 and 2, party 1 in turn 1, party 2 in turn 2
  // (one reshare to replicated at the end, not one per turn).
  const uint64_t seed = 4200;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> x(300);
  for (auto &v : x)
    v = rng();
  const ShuffleRun r = runShuffles(ProtoCase{"rep3", 3}, x, 3);
  CHECK(sortedRows(r.opened[0], 3) == sortedRows(x, 3));
  const uint64_t n = 8 * x.size();
  CHECK(r.stats[0].bytesSent == 2 * n);
  CHECK(r.stats[1].bytesSent == n);
  CHECK(r.stats[2].bytesSent == n);
}

TEST_CASE("an empty shuffle still takes its rounds") {
  for (const ProtoCase &pc : {ProtoCase{"rep3", 3}, ProtoCase{"shamir", 5}}) {
    INFO(pc.name << " with " << pc.parties << " parties");
    const ShuffleRun r = runShuffles(pc, {}, 2);
    CHECK(r.opened[0].empty());
    CHECK(r.stats[0].rounds ==
          bc::opRounds(bc::Op::ShuffleS, pc.parties, *bc::protocolFromName(pc.name)));
  }
}

TEST_CASE("shuffling [x, index] and placing rows by the opened index gives x back") {
  // What unsort(v, order) does: the order column travels with the values,
  // its opened value says where each row goes.
  for (const ProtoCase &pc :
       {ProtoCase{"rep3", 3}, ProtoCase{"shamir", 3}, ProtoCase{"shamir", 5}}) {
    const uint64_t seed = 4300 + pc.parties;
    INFO(pc.name << " with " << pc.parties << " parties, seed " << seed);
    std::mt19937_64 rng(seed);
    const size_t rows = 150;
    std::vector<uint64_t> x(rows), rowsWithIndex(2 * rows);
    for (size_t r = 0; r < rows; ++r) {
      x[r] = rng();
      rowsWithIndex[2 * r] = r;
      rowsWithIndex[2 * r + 1] = x[r];
    }
    const ShuffleRun run = runShuffles(pc, rowsWithIndex, 2);
    const std::vector<uint64_t> &y = run.opened[0];
    std::vector<uint64_t> back(rows, 0);
    std::vector<bool> seen(rows, false);
    for (size_t r = 0; r < rows; ++r) {
      const uint64_t dst = y[2 * r];
      REQUIRE(dst < rows);
      CHECK(!seen[dst]);
      seen[dst] = true;
      back[dst] = y[2 * r + 1];
    }
    CHECK(back == x);
    CHECK(y != rowsWithIndex);
  }
}

TEST_CASE("every order of three rows is equally likely") {
  // 600 shuffles of (0, 1, 2) in one job: chi-square over the 6 orders,
  // 5 degrees of freedom; 25 is beyond p = 0.0002.
  for (const ProtoCase &pc :
       {ProtoCase{"rep3", 3}, ProtoCase{"shamir", 3}, ProtoCase{"shamir", 5}}) {
    INFO(pc.name << " with " << pc.parties << " parties");
    const size_t times = 600;
    const ShuffleRun r = runShuffles(pc, {0, 1, 2}, 1, times);
    std::map<std::vector<uint64_t>, double> count;
    for (const auto &o : r.opened)
      count[o] += 1;
    CHECK(count.size() == 6);
    double chi = 0;
    const double expect = double(times) / 6;
    for (const auto &[order, c] : count)
      chi += (c - expect) * (c - expect) / expect;
    CHECK(chi < 25);
  }
}
