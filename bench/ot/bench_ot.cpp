//===- bench_ot.cpp - throughput of base OT, IKNP and OT preprocessing ----===//
//
// Prints `name value unit` lines (docs/benchmarks.md). Parties are threads
// over the in-process channel of tests/support, so figures are compute
// bound: on a real network add the bytes per triple over the link rate.
//===----------------------------------------------------------------------===//
#include "runtime/crypto/ot/base_ot.h"
#include "runtime/crypto/ot/cr_hash.h"
#include "runtime/crypto/ot/iknp.h"
#include "runtime/preproc/ot/ot_preprocessing.h"
#include "runtime/preproc/pool/triple_pool.h"
#include "tests/support/local_channel.h"
#include "tests/support/mesh_cluster.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sodium.h>
#include <string>
#include <vector>

using namespace smpc;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void print(const std::string &name, double value, const char *unit) {
  std::printf("%s %.6g %s\n", name.c_str(), value, unit);
}

void benchBaseOt() {
  const std::size_t n = 512;
  std::vector<uint8_t> choices(n);
  for (std::size_t i = 0; i < n; ++i)
    choices[i] = i & 1;
  std::vector<crypto::ot::BaseKey> kr(n), k0(n), k1(n);
  auto t0 = Clock::now();
  crypto::ot::BaseOtSender s;
  auto reply = crypto::ot::base_ot_receive(s.firstMessage(), choices, kr);
  s.finish(reply, k0, k1);
  print("base_ot_per_s", n / seconds(t0), "OT/s");
}

// One IKNP pair on one thread: both sides' work, so OT/s per core pair.
void benchIknp() {
  crypto::ot::BaseOtSender bs;
  std::array<uint8_t, 16> s;
  randombytes_buf(s.data(), s.size());
  std::array<uint8_t, crypto::ot::kKappa> ch;
  for (std::size_t i = 0; i < ch.size(); ++i)
    ch[i] = (s[i / 8] >> (i % 8)) & 1;
  std::array<crypto::ot::BaseKey, crypto::ot::kKappa> ks, k0, k1;
  bs.finish(crypto::ot::base_ot_receive(bs.firstMessage(), ch, ks), k0, k1);
  crypto::ot::IknpSender snd(s, ks);
  crypto::ot::IknpReceiver rcv(k0, k1);
  const std::size_t m = std::size_t{1} << 20, reps = 4;
  std::vector<uint64_t> r(m / 64, 0x5555aaaa5555aaaaULL), v(m, 3), x0(m), out(m), m0(2 * m),
      m1(2 * m);
  auto t0 = Clock::now();
  for (std::size_t i = 0; i < reps; ++i) {
    snd.extend(rcv.extend(r, m), m);
    snd.random(m0, m1);
    std::vector<uint64_t> got(2 * m);
    rcv.random(got);
  }
  print("iknp_random_ot_per_s", reps * m / seconds(t0), "OT/s");
  t0 = Clock::now();
  for (std::size_t i = 0; i < reps; ++i) {
    snd.extend(rcv.extend(r, m), m);
    rcv.correlated(snd.correlated(v, 1, x0), 1, out);
  }
  print("iknp_correlated_ot_per_s", reps * m / seconds(t0), "OT/s");
}

// The correlation-robust hash: fixed-key AES (what IKNP uses) against
// BLAKE2b from libsodium on the same 16-byte rows.
void benchHash() {
  const std::size_t m = std::size_t{1} << 20;
  std::vector<uint8_t> rows(16 * m, 0x5a);
  std::vector<uint64_t> out(m);
  crypto::ot::CrHash h;
  auto t0 = Clock::now();
  h.hash(rows.data(), m, 1, 0, nullptr, out);
  print("hash_fixed_key_aes_per_s", m / seconds(t0), "hashes/s");
  const std::size_t mb = m / 4;
  t0 = Clock::now();
  for (std::size_t j = 0; j < mb; ++j) {
    uint8_t in[24];
    std::memcpy(in, rows.data() + 16 * j, 16);
    std::memcpy(in + 16, &j, 8);
    uint8_t digest[16];
    crypto_generichash(digest, sizeof digest, in, sizeof in, nullptr, 0);
    std::memcpy(&out[j], digest, 8);
  }
  print("hash_blake2b_per_s", mb / seconds(t0), "hashes/s");
}

void benchPreproc(uint32_t parties, std::size_t triples, std::size_t boolWords) {
  testing::LocalNetwork net(parties);
  std::vector<double> tArith(parties), tBool(parties);
  std::vector<uint64_t> bytes(parties);
  testing::runParallel(parties, [&](uint32_t i) {
    preproc::OtPreprocessing pre(net.channel(i));
    pre.setup();
    std::vector<uint64_t> a(triples), b(triples), c(triples);
    const uint64_t sent0 = net.channel(i).bytesSent();
    auto t0 = Clock::now();
    pre.triples(a, b, c);
    tArith[i] = seconds(t0);
    bytes[i] = net.channel(i).bytesSent() - sent0;
    std::vector<uint64_t> x(boolWords), y(boolWords), z(boolWords);
    t0 = Clock::now();
    pre.boolTriples(x, y, z);
    tBool[i] = seconds(t0);
  });
  double ta = 0, tb = 0;
  uint64_t total = 0;
  for (uint32_t i = 0; i < parties; ++i)
    ta = std::max(ta, tArith[i]), tb = std::max(tb, tBool[i]), total += bytes[i];
  const std::string p = std::to_string(parties) + "p";
  print("arith_triples_per_s_" + p, triples / ta, "triples/s");
  print("arith_bytes_per_triple_" + p, double(total) / triples, "bytes");
  // Gilboa with IKNP: 64 OTs x (16-byte column + 8-byte correction) per
  // product and ordered pair of parties; with corrections cut to the 64-k
  // bits that matter: 64 x 16 + 260 bytes.
  print("arith_bytes_per_triple_theory_" + p, 64.0 * 24 * parties * (parties - 1), "bytes");
  print("arith_bytes_per_triple_theory_packed_" + p, 1284.0 * parties * (parties - 1), "bytes");
  print("bool_triples_per_s_" + p, 64.0 * boolWords / tb, "triples/s");
}

// The pool: an online thread drawing triples as fast as it can from a pool
// that a background thread fills over OT; the draw rate is then the
// generation rate, and the waits show how often the online phase stalled.
void benchPool(uint32_t parties, std::size_t triples) {
  testing::LocalNetwork bg(parties);
  std::vector<double> t(parties);
  std::vector<preproc::PoolStatus> st(parties);
  std::string line;
  testing::runParallel(parties, [&](uint32_t i) {
    preproc::PoolConfig cfg;
    cfg.log = [](const std::string &) {};
    preproc::TriplePool pool(bg.channel(i), preproc::makeOtPreprocessing(bg.channel(i)), cfg);
    std::vector<uint64_t> a(4096), b(4096), c(4096);
    pool.triples(a, b, c); // waits for the base OTs and the first batch
    auto t0 = Clock::now();
    for (std::size_t done = 0; done < triples; done += a.size())
      pool.triples(a, b, c);
    t[i] = seconds(t0);
    st[i] = pool.status();
    if (i == 0) line = pool.statusLine();
  });
  const std::string p = std::to_string(parties) + "p";
  print("pool_draw_triples_per_s_" + p, triples / std::max(t[0], t[parties - 1]), "triples/s");
  print("pool_generation_rate_" + p, st[0].kinds[0].ratePerSecond, "triples/s");
  print("pool_waits_" + p, double(st[0].waits), "waits");
  std::fprintf(stderr, "%s\n", line.c_str());
}

// The same over loopback TCP with CurveZMQ (runtime/net); the mesh helper
// also starts a dealer node, which stays idle.
void benchMesh(uint32_t parties, std::size_t triples) {
  std::vector<double> t(parties);
  std::vector<uint64_t> bytes(parties);
  testing::runOnMesh(parties, [&](uint32_t node, vm::Channel *, vm::Channel &pre) {
    if (node == parties) return;
    preproc::OtOptions opt;
    opt.parties = parties;
    preproc::OtPreprocessing ot(pre, opt);
    ot.setup();
    std::vector<uint64_t> a(triples), b(triples), c(triples);
    const uint64_t sent0 = pre.bytesSent();
    auto t0 = Clock::now();
    ot.triples(a, b, c);
    t[node] = seconds(t0);
    bytes[node] = pre.bytesSent() - sent0;
  });
  double tm = 0;
  uint64_t total = 0;
  for (uint32_t i = 0; i < parties; ++i)
    tm = std::max(tm, t[i]), total += bytes[i];
  const std::string p = std::to_string(parties) + "p";
  print("mesh_arith_triples_per_s_" + p, triples / tm, "triples/s");
  print("mesh_arith_bytes_per_triple_" + p, double(total) / triples, "bytes");
}

} // namespace

int main(int argc, char **argv) {
  if (sodium_init() < 0) return 1;
  const std::size_t scale = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1;
  benchBaseOt();
  benchIknp();
  benchHash();
  benchPreproc(2, 100000 * scale, 16384 * scale);
  benchPreproc(3, 50000 * scale, 8192 * scale);
  benchPool(2, 100000 * scale);
  benchMesh(2, 100000 * scale);
  benchMesh(3, 50000 * scale);
  return 0;
}
