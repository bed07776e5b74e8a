//===- iknp_test.cpp - IKNP extension outputs on large random batches -----===//
#include "runtime/crypto/ot/bit_transpose.h"
#include "runtime/crypto/ot/iknp.h"
#include "runtime/crypto/ot/ot_error.h"

#include <cstring>
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <random>
#include <sodium.h>
#include <vector>

using namespace smpc::crypto;
using namespace smpc::crypto::ot;

namespace {

struct Pair {
  std::unique_ptr<IknpSender> snd;
  std::unique_ptr<IknpReceiver> rcv;
};

// Real base OTs (receiver of the extension = base sender).
Pair makePair() {
  BaseOtSender bs;
  std::array<uint8_t, 16> s;
  randombytes_buf(s.data(), s.size());
  std::array<uint8_t, kKappa> choice;
  for (std::size_t i = 0; i < kKappa; ++i)
    choice[i] = (s[i / 8] >> (i % 8)) & 1;
  std::array<BaseKey, kKappa> ks, k0, k1;
  auto reply = base_ot_receive(bs.firstMessage(), choice, ks);
  bs.finish(reply, k0, k1);
  return {std::make_unique<IknpSender>(s, ks), std::make_unique<IknpReceiver>(k0, k1)};
}

bool bit(const std::vector<uint64_t> &w, std::size_t j) {
  return (w[j / 64] >> (j % 64)) & 1;
}

} // namespace

TEST_CASE("bit transpose: transposing twice is the identity and moves bits") {
  const uint64_t seed = 7;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const std::size_t rows = 128, cols = 1024;
  std::vector<uint8_t> in(rows * cols / 8), out(in.size()), back(in.size());
  for (auto &b : in)
    b = static_cast<uint8_t>(rng());
  bit_transpose(in.data(), out.data(), rows, cols);
  bit_transpose(out.data(), back.data(), cols, rows);
  CHECK(back == in);
  for (std::size_t t = 0; t < 200; ++t) {
    const std::size_t r = rng() % rows, c = rng() % cols;
    const bool a = (in[r * cols / 8 + c / 8] >> (c % 8)) & 1;
    const bool b = (out[c * rows / 8 + r / 8] >> (r % 8)) & 1;
    CHECK(a == b);
  }
}

TEST_CASE("bit transpose: the SSE2 and AVX2 block kernels agree with the definition") {
  const uint64_t seed = 8;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> in(128 * 16), a(in.size()), b(in.size());
  for (auto &x : in)
    x = static_cast<uint8_t>(rng());
  detail::transpose128_sse2(in.data(), a.data());
  std::size_t bad = 0;
  for (std::size_t r = 0; r < 128; ++r)
    for (std::size_t c = 0; c < 128; ++c)
      bad += ((in[r * 16 + c / 8] >> (c % 8)) & 1) != ((a[c * 16 + r / 8] >> (r % 8)) & 1);
  CHECK(bad == 0);
  if (detail::have_avx2()) {
    detail::transpose128_avx2(in.data(), b.data());
    CHECK(a == b);
  }
}

TEST_CASE("IKNP: random, correlated and bit OTs on 2^16+ batches over several rounds") {
  const uint64_t seed = 42;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  auto p = makePair();
  for (int round = 0; round < 2; ++round) {
    const std::size_t m = (std::size_t{1} << 16) + 77; // not a multiple of 128
    std::vector<uint64_t> r((m + 63) / 64);
    for (auto &w : r)
      w = rng();

    // Random OT.
    p.snd->extend(p.rcv->extend(r, m), m);
    std::vector<uint64_t> m0(2 * m), m1(2 * m), got(2 * m);
    p.snd->random(m0, m1);
    p.rcv->random(got);
    std::size_t bad = 0;
    for (std::size_t j = 0; j < m; ++j) {
      const auto &x = bit(r, j) ? m1 : m0;
      bad += got[2 * j] != x[2 * j] || got[2 * j + 1] != x[2 * j + 1];
      bad += m0[2 * j] == m1[2 * j];
    }
    CHECK(bad == 0);

    // Correlated OT with 3 words per OT.
    const std::size_t w = 3;
    std::vector<uint64_t> delta(m * w), x0(m * w), out(m * w);
    for (auto &d : delta)
      d = rng();
    p.snd->extend(p.rcv->extend(r, m), m);
    auto corr = p.snd->correlated(delta, w, x0);
    p.rcv->correlated(corr, w, out);
    bad = 0;
    for (std::size_t j = 0; j < m; ++j)
      for (std::size_t l = 0; l < w; ++l)
        bad += out[j * w + l] != x0[j * w + l] + (bit(r, j) ? delta[j * w + l] : 0);
    CHECK(bad == 0);

    // Correlated bit OT.
    std::vector<uint64_t> db(r.size()), xb(r.size()), ob(r.size());
    for (auto &d : db)
      d = rng();
    p.snd->extend(p.rcv->extend(r, m), m);
    auto cb = p.snd->correlatedBits(db, xb);
    p.rcv->correlatedBits(cb, ob);
    bad = 0;
    for (std::size_t j = 0; j < m; ++j)
      bad += bit(ob, j) != (bit(xb, j) ^ (bit(r, j) & bit(db, j)));
    CHECK(bad == 0);
  }
}

TEST_CASE("IKNP: Gilboa products give additive shares of a * v") {
  const uint64_t seed = 99;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  auto p = makePair();
  const std::size_t P = 2000, w = 2;
  std::vector<uint64_t> a(P), v(P * w), s(P * w), o(P * w);
  for (auto &x : a)
    x = rng();
  for (auto &x : v)
    x = rng();
  p.snd->extend(p.rcv->extend(a, 64 * P), 64 * P);
  auto corr = p.snd->gilboa(v, w, s);
  p.rcv->gilboa(corr, w, o);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < P; ++i)
    for (std::size_t l = 0; l < w; ++l)
      bad += s[i * w + l] + o[i * w + l] != a[i] * v[i * w + l];
  CHECK(bad == 0);
}

TEST_CASE("IKNP: messages of the wrong length are refused") {
  auto p = makePair();
  std::vector<uint64_t> r(4, 0);
  auto u = p.rcv->extend(r, 256);
  u.pop_back();
  CHECK_THROWS_WITH_AS(p.snd->extend(u, 256),
                       "OT extension: extension message has the wrong length", OtError);
  std::vector<uint64_t> out(256);
  std::vector<uint8_t> shortCorr(10);
  CHECK_THROWS_WITH_AS(p.rcv->correlated(shortCorr, 1, out),
                       "OT extension: correction message has the wrong length", OtError);
  auto fresh = makePair();
  CHECK_THROWS_WITH_AS(fresh.rcv->random(out), "OT extension: no batch in progress", OtError);
}

TEST_CASE("IKNP and base OT: contract violations are refused with their rule") {
  std::vector<uint8_t> choices(3);
  std::vector<BaseKey> keys(2);
  BaseOtSender s;
  CHECK_THROWS_WITH_AS(base_ot_receive(s.firstMessage(), choices, keys),
                       "base OT: choices and keys differ in length", OtError);
  auto p = makePair();
  std::vector<uint64_t> r(1, 0);
  CHECK_THROWS_WITH_AS(p.rcv->extend(r, 128), "OT extension: fewer choice bits than OTs", OtError);
  std::vector<uint64_t> r2(2, 0), v(128), x0(100), bits(1);
  p.snd->extend(p.rcv->extend(r2, 128), 128);
  CHECK_THROWS_WITH_AS(p.snd->correlated(v, 1, x0),
                       "OT extension: correlated batch has the wrong shape", OtError);
  CHECK_THROWS_WITH_AS(p.snd->gilboa(v, 1, v), "OT extension: Gilboa batch has the wrong shape",
                       OtError);
  CHECK_THROWS_WITH_AS(p.snd->correlatedBits(bits, bits),
                       "OT extension: bit batch has the wrong shape", OtError);
  std::vector<uint64_t> out(7);
  CHECK_THROWS_WITH_AS(p.rcv->gilboa({}, 1, out), "OT extension: Gilboa batch has the wrong shape",
                       OtError);
}

TEST_CASE("IKNP and base OT: random bytes from a peer never crash") {
  const uint64_t seed = 31337;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  auto randomBytes = [&](std::size_t n) {
    std::vector<uint8_t> v(n);
    for (auto &b : v)
      b = static_cast<uint8_t>(rng());
    return v;
  };
  std::size_t refused = 0;
  for (int t = 0; t < 50; ++t) {
    // Base OT: random "points" of the right and wrong lengths.
    std::vector<uint8_t> choices(8, 1);
    std::vector<BaseKey> keys(8), k0(8), k1(8);
    try {
      (void)base_ot_receive(randomBytes(t % 2 ? 32 : rng() % 64), choices, keys);
    } catch (const OtError &) {
      ++refused;
    }
    BaseOtSender s;
    try {
      s.finish(randomBytes(t % 2 ? 8 * kPointBytes : rng() % 300), k0, k1);
    } catch (const OtError &) {
      ++refused;
    }
  }
  CHECK(refused >= 90); // random 32 bytes are almost never a valid ristretto255 encoding
  // Extension and corrections: any bytes of the right length are accepted
  // (the outputs are then garbage, as with any semi-honest protocol), others refused.
  auto p = makePair();
  for (int t = 0; t < 20; ++t) {
    const std::size_t m = 128 * (1 + rng() % 4);
    auto u = randomBytes(t % 2 ? 16 * m : rng() % (32 * m));
    std::vector<uint64_t> r(m / 64);
    std::vector<uint64_t> v(m / 64), out(m / 64);
    try {
      p.snd->extend(u, m);
      auto d = p.snd->gilboa(v, 1, out);
      CHECK(d.size() == gilboa_correction_bytes(m / 64, 1));
    } catch (const OtError &) {
    }
    try {
      (void)p.rcv->extend(r, m);
      p.rcv->gilboa(randomBytes(t % 2 ? gilboa_correction_bytes(m / 64, 1) : rng() % 2000), 1, out);
    } catch (const OtError &) {
    }
  }
}

TEST_CASE("fixed-key AES hash: H(i, x) = pi(pi(x) ^ i) ^ pi(x), recomputed independently") {
  // The fixed public key of cr_hash.cpp.
  const uint8_t key[16] = {0x24, 0x3f, 0x6a, 0x88, 0x85, 0xa3, 0x08, 0xd3,
                           0x13, 0x19, 0x8a, 0x2e, 0x03, 0x70, 0x73, 0x44};
  std::mt19937_64 rng(5);
  const std::size_t m = 3000, w = 3;
  std::vector<uint8_t> rows(16 * m);
  for (auto &b : rows)
    b = static_cast<uint8_t>(rng());
  uint8_t s[16];
  for (auto &b : s)
    b = static_cast<uint8_t>(rng());
  const uint64_t tweak = 1234567;
  std::vector<uint64_t> got(m * w), got1(m);
  CrHash h;
  h.hash(rows.data(), m, w, tweak, s, got);
  h.hash(rows.data(), m, 1, tweak, nullptr, got1);

  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  REQUIRE(EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), nullptr, key, nullptr) == 1);
  EVP_CIPHER_CTX_set_padding(c, 0);
  auto pi = [&](const uint64_t in[2], uint64_t out[2]) {
    int len = 0;
    EVP_EncryptUpdate(c, reinterpret_cast<uint8_t *>(out), &len,
                      reinterpret_cast<const uint8_t *>(in), 16);
  };
  auto H = [&](uint64_t i, uint64_t x0, uint64_t x1, uint64_t out[2]) {
    const uint64_t x[2] = {x0, x1};
    uint64_t y[2], e[2];
    pi(x, y);
    const uint64_t t[2] = {y[0] ^ i, y[1]}; // the tweak i is a 128-bit block (i, 0)
    pi(t, e);
    out[0] = e[0] ^ y[0];
    out[1] = e[1] ^ y[1];
  };
  std::size_t bad = 0;
  for (std::size_t j = 0; j < m; ++j) {
    uint64_t x[2], sv[2], o[2];
    std::memcpy(x, rows.data() + 16 * j, 16);
    std::memcpy(sv, s, 16);
    for (std::size_t l = 0; l < w; ++l) {
      H(tweak + j * 2 + l / 2, x[0] ^ sv[0], x[1] ^ sv[1], o);
      bad += got[j * w + l] != o[l % 2];
    }
    H(tweak + j, x[0], x[1], o);
    bad += got1[j] != o[0];
  }
  EVP_CIPHER_CTX_free(c);
  CHECK(bad == 0);
}

TEST_CASE("fixed-key AES hash is tweakable: inputs whose sigma(x) ^ i collide hash apart") {
  // With the earlier H(i, x) = pi(sigma(x) ^ i) ^ sigma(x) ^ i, row 1 below
  // (tweak t + 1) had exactly the hash of row 0 (tweak t): sigma(x) ^ i is
  // the same block for both. A tweakable hash must separate them.
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 100; ++trial) {
    const uint64_t t = rng(), x0 = rng(), x1 = rng();
    const uint64_t rows64[4] = {x0, x1, x0, x1 ^ t ^ (t + 1)};
    uint8_t rows[32];
    std::memcpy(rows, rows64, sizeof rows);
    std::vector<uint64_t> out(4);
    CrHash h;
    h.hash(rows, 2, 2, t, nullptr, out);
    INFO("trial " << trial << " (seed 11)");
    CHECK((out[0] != out[2] || out[1] != out[3]));
  }
}
