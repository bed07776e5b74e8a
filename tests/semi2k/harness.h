//===- harness.h - run N semi2k parties and a dealer as threads -----------===//
//
// Uses the in-process channel (tests/support, a test double for runtime/net)
// for both the online mesh and the dealer's links. Test data comes from a
// seeded std::mt19937_64 (test data only, never protocol randomness).
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/preproc/dealer/client.h"
#include "runtime/preproc/dealer/dealer.h"
#include "tests/support/local_channel.h"
#include "vm/protocols/semi2k/semi2k.h"

#include <cstdint>
#include <functional>
#include <random>
#include <vector>

namespace smpc::testing {

using PartyFn = std::function<void(uint32_t party, semi2k::Semi2k &proto)>;

/// Runs fn on `n` parties, each with its own Semi2k over a DealerClient, plus
/// the dealer. With `needs`, party 0 prefetches that material first (shift
/// 16 for truncations). Returns the dealer's stats.
inline dealer::DealerStats runSemi2k(uint32_t n, const PartyFn &fn,
                                     const bc::PreprocNeeds *needs = nullptr) {
  LocalNetwork online(n), dealerNet(n + 1);
  dealer::DealerStats ds;
  runParallel(n + 1, [&](uint32_t i) {
    if (i == n) {
      ds = dealer::serveJob(dealerNet.channel(n), n);
      return;
    }
    dealer::DealerClient pre(dealerNet.channel(i), n);
    if (needs) pre.prefetch(*needs, 16);
    semi2k::Semi2k proto(online.channel(i), pre);
    fn(i, proto);
    pre.finish();
  });
  return ds;
}

/// Additive shares of `x` for `n` parties: shares[party][i].
inline std::vector<std::vector<uint64_t>> shareOut(const std::vector<uint64_t> &x, uint32_t n,
                                                   std::mt19937_64 &rng) {
  std::vector<std::vector<uint64_t>> s(n, std::vector<uint64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    uint64_t acc = 0;
    for (uint32_t p = 1; p < n; ++p) {
      s[p][i] = rng();
      acc += s[p][i];
    }
    s[0][i] = x[i] - acc;
  }
  return s;
}

/// Sum of the parties' shares.
inline std::vector<uint64_t> reconstruct(const std::vector<std::vector<uint64_t>> &s) {
  std::vector<uint64_t> x(s.at(0).size(), 0);
  for (const auto &v : s)
    for (size_t i = 0; i < x.size(); ++i)
      x[i] += v[i];
  return x;
}

inline std::vector<uint64_t> randomVec(size_t n, std::mt19937_64 &rng) {
  std::vector<uint64_t> v(n);
  for (auto &e : v)
    e = rng();
  return v;
}

/// One elementwise op with operands x (and y) on every party.
inline vm::InteractiveOp makeOp(bc::Op op, std::span<const uint64_t> x, std::span<const uint64_t> y,
                                std::span<uint64_t> out) {
  vm::InteractiveOp o;
  o.op = op;
  o.x = x;
  o.y = y;
  o.out = out;
  return o;
}

} // namespace smpc::testing
