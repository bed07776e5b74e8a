//===- bench_hm.cpp - rep3 and shamir: online time, traffic and rounds ----===//
//
// Prints `name value unit` lines (docs/benchmarks.md), the scenarios of
// bench_semi2k: 10^6 multiplications (one vector), a dot product of length
// 10^6, a 128x128 fixed-point matrix product (matmul + truncation), 10^5
// comparisons, and a secret shuffle of 2^16 elements; under rep3 (3 parties) and shamir (3, 5, 7
// parties), over the in-process channel and a real CurveZMQ loopback mesh. rep3 needs no
// preprocessing: `online` is the whole run. shamir's material is made by
// its background thread: `total` starts with empty pools, `online` waits
// until the pools hold what the scenario needs, then times it;
// `material` is how long the thread took to make that (from the end of the
// first run, which emptied the pools, with no round group running). Bytes are
// those of the party that sent most; `online_cpu` is the CPU time of the
// busiest party's thread during `online` (a figure a loaded machine does not
// inflate as much as the wall clock).
// Usage: bench_hm [--quick] [--local-only] [--only SCENARIO] [--protocol P]
//        [--parties N]
//===----------------------------------------------------------------------===//
#include "bench/common/party_bench.h"
#include "tests/support/local_channel.h"
#include "tests/support/mesh_cluster.h"
#include "vm/bytecode/cost.h"
#include "vm/crypto/prg.h"
#include "vm/protocols/common/heap.h"
#include "vm/protocols/rep3/rep3.h"
#include "vm/protocols/shamir/shamir.h"

#include <barrier>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

using namespace smpc;

namespace {

using bench::line;
using bench::op;
using bench::rnd;

using Body = std::function<void(hm::HmProtocol &)>;
struct Scenario {
  std::string name;
  uint64_t ops;
  // Shamir material per run: arithmetic double sharings, boolean double
  // sharing words, random bits, daBit groups.
  std::array<size_t, shamir::kKinds> material;
  std::function<Body(crypto::Prg &, uint32_t w)> make;
  // The round groups it runs, one instruction each, for the cost model
  // (`smpcc cost` prices a program with the same bc::opCost).
  std::vector<std::pair<bc::Op, bc::OpShape>> groups;
};

// Rounds and bytes of the busiest party by the cost model.
std::pair<uint64_t, uint64_t> model(const Scenario &sc, const std::string &protocol, uint32_t n) {
  const bc::ProtocolId id = *bc::protocolFromName(protocol);
  uint64_t rounds = 0, bytes = 0;
  for (const auto &[op, shape] : sc.groups) {
    const bc::OpCost c = bc::opCost(op, shape, n, id);
    rounds += c.rounds, bytes += c.bytesPerParty;
  }
  return {rounds, bytes};
}

std::vector<Scenario> scenarios(bool quick, uint32_t parties) {
  const size_t mulN = quick ? 100000 : 1000000, cmpN = quick ? 10000 : 100000;
  const uint32_t mat = quick ? 32 : 128;
  const size_t csa = parties <= 3 ? 0 : parties <= 5 ? 1 : 2;  // carry-save levels (shamir)
  const size_t cmpWords = (cmpN + 63) / 64 * (186 + 63 * csa); // AND words
  std::vector<Scenario> s;
  s.push_back({"mul",
               mulN,
               {mulN, 0, 0, 0},
               [=](crypto::Prg &g, uint32_t w) -> Body {
                 return [x = rnd(mulN * w, g), y = rnd(mulN * w, g),
                         z = std::vector<uint64_t>(mulN * w)](hm::HmProtocol &p) mutable {
                   auto o = op(bc::Op::MulSS, x, y, z);
                   p.runGroup(std::span(&o, 1));
                 };
               },
               {{bc::Op::MulSS, {.len = mulN}}}});
  s.push_back({"dot",
               mulN,
               {1, 0, 0, 0},
               [=](crypto::Prg &g, uint32_t w) -> Body {
                 return [=, x = rnd(mulN * w, g), y = rnd(mulN * w, g),
                         z = std::vector<uint64_t>(w)](hm::HmProtocol &p) mutable {
                   auto o = op(bc::Op::MatMulSS, x, y, z);
                   o.m = 1, o.k = uint32_t(mulN), o.n = 1;
                   p.runGroup(std::span(&o, 1));
                 };
               },
               {{bc::Op::MatMulSS, {.len = 1, .m = 1, .k = uint32_t(mulN), .n = 1}}}});
  const size_t e = size_t(mat) * mat;
  s.push_back({"matmul" + std::to_string(mat) + "_sfix",
               uint64_t(mat) * mat * mat,
               {e, 0, 64 * e, 0},
               [=](crypto::Prg &g, uint32_t w) -> Body {
                 // Shares of small fixed-point values: the constant plane
                 // (the first) holds the value, the others are random.
                 std::vector<uint64_t> x = rnd(e * w, g), y = rnd(e * w, g);
                 for (size_t i = 0; i < e; ++i) {
                   x[i] = static_cast<uint64_t>(static_cast<int64_t>(x[i]) >> 40);
                   y[i] = static_cast<uint64_t>(static_cast<int64_t>(y[i]) >> 40);
                 }
                 return [=, z = std::vector<uint64_t>(e * w),
                         t = std::vector<uint64_t>(e * w)](hm::HmProtocol &p) mutable {
                   auto m = op(bc::Op::MatMulSS, x, y, z);
                   m.m = m.k = m.n = mat;
                   p.runGroup(std::span(&m, 1));
                   auto tr = op(bc::Op::TruncS, z, {}, t);
                   tr.shift = 16;
                   p.runGroup(std::span(&tr, 1));
                 };
               },
               {{bc::Op::MatMulSS, {.len = e, .m = mat, .k = mat, .n = mat}},
                {bc::Op::TruncS, {.len = e}}}});
  s.push_back({"ltz",
               cmpN,
               {0, cmpWords, 0, (cmpN + 63) / 64},
               [=](crypto::Prg &g, uint32_t w) -> Body {
                 return [x = rnd(cmpN * w, g),
                         z = std::vector<uint64_t>(cmpN * w)](hm::HmProtocol &p) mutable {
                   auto o = op(bc::Op::LtzS, x, {}, z);
                   p.runGroup(std::span(&o, 1));
                 };
               },
               {{bc::Op::LtzS, {.len = cmpN}}}});
  // The dealer-free secret shuffle (one pass of a sort moves 3 + the
  // payload words per row through one).
  const size_t shufN = quick ? 4096 : 65536;
  s.push_back({"shuffle",
               shufN,
               {0, 0, 0, 0},
               [=](crypto::Prg &g, uint32_t w) -> Body {
                 return [x = rnd(shufN * w, g),
                         z = std::vector<uint64_t>(shufN * w)](hm::HmProtocol &p) mutable {
                   auto o = op(bc::Op::ShuffleS, x, {}, z);
                   p.runGroup(std::span(&o, 1));
                 };
               },
               {{bc::Op::ShuffleS, {.len = shufN}}}});
  return s;
}

using NodeFn = std::function<void(uint32_t, vm::Channel *, vm::Channel &)>;

void runLocal(uint32_t n, const NodeFn &fn) {
  testing::LocalNetwork online(n), bg(n + 1);
  testing::runParallel(
      n + 1, [&](uint32_t i) { fn(i, i < n ? &online.channel(i) : nullptr, bg.channel(i)); });
}

void benchProtocol(const std::string &protocol, uint32_t n, const std::string &transport,
                   bool quick, const std::string &only,
                   const std::function<void(uint32_t, const NodeFn &)> &cluster) {
  for (const Scenario &sc : scenarios(quick, n)) {
    if (!only.empty() && sc.name != only) continue;
    std::barrier sync(n);
    double online = 0, total = 0, material = 0;
    double cpu = 0;     // the online CPU time of the busiest party's thread
    double process = 0; // the whole process's CPU time during `online`
    vm::ProtocolStats st;
    std::mutex mu;
    uint64_t busiest = 0; // bytes sent by the party that sent most
    cluster(n, [&](uint32_t i, vm::Channel *ch, vm::Channel &bg) {
      if (i == n) return; // the mesh's extra node (a dealer slot) is not used
      crypto::Prg g(crypto::seed_keygen());
      std::unique_ptr<hm::HmProtocol> proto;
      shamir::Shamir *sh = nullptr;
      if (protocol == "rep3") {
        proto = std::make_unique<rep3::Rep3>(*ch);
      } else {
        shamir::MaterialConfig mc;
        for (size_t k = 0; k < shamir::kKinds; ++k)
          mc.capacity[k] = std::max<size_t>(64, sc.material[k]);
        auto s = std::make_unique<shamir::Shamir>(*ch, bg, mc);
        sh = s.get();
        proto = std::move(s);
      }
      std::chrono::steady_clock::time_point firstEnd;
      auto timed = [&](double &out, bool keep) {
        Body body = sc.make(g, proto->shareWidth());
        if (sh && keep) { // online: the material this run needs is made first
          for (size_t k = 0; k < shamir::kKinds; ++k)
            sh->material().waitForLevel(shamir::Kind(k), sc.material[k]);
          if (i == 0) // since the first run emptied the pools
            material =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - firstEnd).count();
        }
        const vm::ProtocolStats before = proto->stats();
        const bench::Timing tm = bench::timeParties(sync, [&] { body(*proto); });
        if (keep) {
          std::lock_guard lk(mu);
          busiest = std::max(busiest, proto->stats().bytesSent - before.bytesSent);
          cpu = std::max(cpu, tm.cpu);
        }
        if (i == 0) {
          out = tm.wall;
          if (keep) {
            process = tm.process;
            st = proto->stats();
            st.rounds -= before.rounds, st.bytesSent -= before.bytesSent;
          }
        }
      };
      timed(total, false);
      firstEnd = std::chrono::steady_clock::now();
      timed(online, true);
    });
    const std::string p =
        protocol + "." + transport + ".n" + std::to_string(n) + "." + sc.name + ".";
    line(p + "online_time", online, "s");
    line(p + "online_cpu", cpu, "s");
    line(p + "online_process_cpu", process, "s");
    if (protocol == "shamir") {
      line(p + "total_time", total, "s");
      line(p + "material_time", material, "s");
    }
    line(p + "online_rate", double(sc.ops) / online, "op/s");
    line(p + "bytes_sent_per_party", double(busiest), "B");
    line(p + "rounds", double(st.rounds), "rounds");
    const auto [mRounds, mBytes] = model(sc, protocol, n);
    line(p + "model_rounds", double(mRounds), "rounds");
    line(p + "model_bytes_per_party", double(mBytes), "B");
    if (sc.name == "mul") line(p + "bytes_per_mul", double(busiest) / double(sc.ops), "B");
  }
}

} // namespace

int main(int argc, char **argv) {
  // The parties run here as they run in `smpc` processes.
  smpc::protocols::keepShareBuffersOnHeap();
  bool quick = false, localOnly = false;
  std::string only, protocol;
  uint32_t parties = 0;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick"))
      quick = true;
    else if (!std::strcmp(argv[i], "--local-only"))
      localOnly = true;
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc)
      only = argv[++i];
    else if (!std::strcmp(argv[i], "--protocol") && i + 1 < argc)
      protocol = argv[++i];
    else if (!std::strcmp(argv[i], "--parties") && i + 1 < argc)
      parties = uint32_t(std::strtoul(argv[++i], nullptr, 10));
    else {
      std::fprintf(stderr, "usage: bench_hm [--quick] [--local-only] [--only SCENARIO] "
                           "[--protocol rep3|shamir] [--parties N]\n");
      return 2;
    }
  }
  try {
    struct Case {
      const char *protocol;
      uint32_t n;
    };
    for (Case c : {Case{"rep3", 3}, Case{"shamir", 3}, Case{"shamir", 5}, Case{"shamir", 7}}) {
      if (!protocol.empty() && protocol != c.protocol) continue;
      if (parties != 0 && parties != c.n) continue;
      benchProtocol(c.protocol, c.n, "local", quick, only, runLocal);
      if (!localOnly) benchProtocol(c.protocol, c.n, "curvezmq", quick, only, testing::runOnMesh);
    }
  } catch (const std::exception &e) {
    std::fprintf(stderr, "bench_hm: %s\n", e.what());
    return 1;
  }
  return 0;
}
