//===- bench_semi2k.cpp - semi2k online/total time, traffic and rounds ----===//
//
// Prints `name value unit` lines (docs/benchmarks.md). For 2 and 3 parties,
// over the in-process channel and over a real CurveZMQ loopback mesh:
// 10^6 multiplications (one vector), a dot product of length 10^6, a 128x128
// fixed-point matrix product (matmul + truncation), 10^5 comparisons; and
// the dealer's triple generation rate. `online` times the protocol with
// material already at hand; `total` includes fetching it from the dealer.
// Usage: bench_semi2k [--quick] [--local-only] [--only SCENARIO]
//===----------------------------------------------------------------------===//
#include "bench/common/party_bench.h"
#include "bench/semi2k/stockpile.h"
#include "runtime/preproc/dealer/client.h"
#include "runtime/preproc/dealer/dealer.h"
#include "runtime/preproc/dealer/generator.h"
#include "tests/support/local_channel.h"
#include "tests/support/mesh_cluster.h"
#include "vm/crypto/prg.h"
#include "vm/protocols/semi2k/semi2k.h"

#include <barrier>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

using namespace smpc;
using Clock = std::chrono::steady_clock;

namespace {

using bench::line;
using bench::op;
using bench::rnd;

/// One benchmark: `make` draws a party's operand shares (untimed) and
/// returns the timed part, a sequence of round groups. `ops` is the number
/// of operations for the rate.
using Body = std::function<void(semi2k::Semi2k &)>;
struct Scenario {
  std::string name;
  uint64_t ops;
  std::function<Body(crypto::Prg &)> make;
};

std::vector<Scenario> scenarios(bool quick) {
  const size_t mulN = quick ? 100000 : 1000000, cmpN = quick ? 10000 : 100000;
  const uint32_t mat = quick ? 32 : 128;
  std::vector<Scenario> s;
  s.push_back({"mul", mulN, [=](crypto::Prg &g) -> Body {
                 return [x = rnd(mulN, g), y = rnd(mulN, g),
                         z = std::vector<uint64_t>(mulN)](semi2k::Semi2k &p) mutable {
                   auto o = op(bc::Op::MulSS, x, y, z);
                   p.runGroup(std::span(&o, 1));
                 };
               }});
  s.push_back({"dot", mulN, [=](crypto::Prg &g) -> Body {
                 return [=, x = rnd(mulN, g), y = rnd(mulN, g),
                         z = std::vector<uint64_t>(1)](semi2k::Semi2k &p) mutable {
                   auto o = op(bc::Op::MatMulSS, x, y, z);
                   o.m = 1, o.k = uint32_t(mulN), o.n = 1;
                   p.runGroup(std::span(&o, 1));
                 };
               }});
  s.push_back({"matmul" + std::to_string(mat) + "_sfix", uint64_t(mat) * mat * mat,
               [=](crypto::Prg &g) -> Body {
                 const size_t e = size_t(mat) * mat;
                 std::vector<uint64_t> x(e), y(e);
                 for (size_t i = 0; i < e; ++i) { // small fixed-point values
                   x[i] = static_cast<uint64_t>(static_cast<int64_t>(g.next()) >> 40);
                   y[i] = static_cast<uint64_t>(static_cast<int64_t>(g.next()) >> 40);
                 }
                 return [=, z = std::vector<uint64_t>(e),
                         t = std::vector<uint64_t>(e)](semi2k::Semi2k &p) mutable {
                   auto m = op(bc::Op::MatMulSS, x, y, z);
                   m.m = m.k = m.n = mat;
                   p.runGroup(std::span(&m, 1));
                   auto tr = op(bc::Op::TruncS, z, {}, t);
                   tr.shift = 16;
                   p.runGroup(std::span(&tr, 1));
                 };
               }});
  s.push_back({"ltz", cmpN, [=](crypto::Prg &g) -> Body {
                 return [x = rnd(cmpN, g),
                         z = std::vector<uint64_t>(cmpN)](semi2k::Semi2k &p) mutable {
                   auto o = op(bc::Op::LtzS, x, {}, z);
                   p.runGroup(std::span(&o, 1));
                 };
               }});
  return s;
}

using NodeFn = std::function<void(uint32_t, vm::Channel *, vm::Channel &)>;

void runLocal(uint32_t n, const NodeFn &fn) {
  testing::LocalNetwork online(n), dn(n + 1);
  testing::runParallel(
      n + 1, [&](uint32_t i) { fn(i, i < n ? &online.channel(i) : nullptr, dn.channel(i)); });
}

void benchCluster(uint32_t n, const std::string &transport, bool quick, const std::string &only,
                  const std::function<void(uint32_t, const NodeFn &)> &cluster) {
  for (const Scenario &sc : scenarios(quick)) {
    if (!only.empty() && sc.name != only) continue;
    std::barrier sync(n);
    double online = 0, total = 0, cpu = 0;
    vm::ProtocolStats st;
    cluster(n, [&](uint32_t i, vm::Channel *ch, vm::Channel &pre) {
      if (i == n) {
        dealer::serveJob(pre, n);
        return;
      }
      dealer::DealerClient dc(pre, n);
      bench::Stockpile pile(dc);
      // Operand shares, like every share, come from a libsodium-seeded PRG.
      crypto::Prg g(crypto::seed_keygen());
      auto timed = [&](bench::Stockpile::Mode mode, double &out, vm::ProtocolStats *keep) {
        pile.mode = mode;
        semi2k::Semi2k proto(*ch, pile);
        Body body = sc.make(g);
        const bench::Timing tm = bench::timeParties(sync, [&] { body(proto); });
        if (i == 0) {
          out = tm.wall;
          if (keep) *keep = proto.stats(), cpu = tm.cpu;
        }
      };
      double ignored = 0;
      timed(bench::Stockpile::Mode::Pass, total, nullptr);    // fetch on demand
      timed(bench::Stockpile::Mode::Stock, ignored, nullptr); // stock up, untimed
      timed(bench::Stockpile::Mode::Replay, online, &st);     // online only
      dc.finish();
    });
    const std::string p = "semi2k." + transport + ".n" + std::to_string(n) + "." + sc.name + ".";
    line(p + "online_time", online, "s");
    line(p + "online_cpu", cpu, "s");
    line(p + "total_time", total, "s");
    line(p + "online_rate", double(sc.ops) / online, "op/s");
    line(p + "bytes_sent_per_party", double(st.bytesSent), "B");
    line(p + "rounds", double(st.rounds), "rounds");
    if (sc.name == "mul") {
      line(p + "bytes_per_mul", double(st.bytesSent) / double(sc.ops), "B");
      // Theoretical minimum for Beaver: 2 ring elements to each peer.
      line(p + "bytes_per_mul_min", 16.0 * (n - 1), "B");
    }
  }
}

void benchDealer(uint32_t n, bool quick) {
  std::vector<crypto::Seed> seeds;
  for (uint32_t i = 0; i < n; ++i)
    seeds.push_back(crypto::seed_keygen());
  dealer::Generator gen(seeds);
  const uint64_t count = quick ? 200000 : 2000000, batch = 1 << 16;
  // One correction buffer for every batch, as the dealer's job loop keeps.
  std::vector<uint64_t> out(batch);
  gen.corrections({{dealer::Kind::Triple}, batch}, out); // warm-up: first allocations
  const auto t0 = Clock::now();
  for (uint64_t done = 0; done < count; done += batch)
    gen.corrections({{dealer::Kind::Triple}, batch}, out);
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  line("dealer.n" + std::to_string(n) + ".triples_per_s", double(count) / s, "triples/s");
}

} // namespace

int main(int argc, char **argv) {
  bool quick = false, localOnly = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick"))
      quick = true;
    else if (!std::strcmp(argv[i], "--local-only"))
      localOnly = true;
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc)
      only = argv[++i];
    else {
      std::fprintf(stderr, "usage: bench_semi2k [--quick] [--local-only] [--only SCENARIO]\n");
      return 2;
    }
  }
  try {
    for (uint32_t n : {2u, 3u}) {
      benchDealer(n, quick);
      benchCluster(n, "local", quick, only, runLocal);
      if (!localOnly) benchCluster(n, "curvezmq", quick, only, testing::runOnMesh);
    }
  } catch (const std::exception &e) {
    std::fprintf(stderr, "bench_semi2k: %s\n", e.what());
    return 1;
  }
  return 0;
}
