//===- prg_test.cpp - the PRG is AES-128-CTR of zeros, whatever the pieces ===//
#include "vm/crypto/prg.h"

#include <cstring>
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <vector>

using namespace smpc;

namespace {

crypto::Seed fixedSeed() {
  crypto::Seed s;
  for (size_t i = 0; i < s.size(); ++i)
    s[i] = uint8_t(7 * i + 1);
  return s;
}

// AES-128-CTR (key = seed[0..16), counter = seed[16..32)) over n zero bytes.
std::vector<uint8_t> reference(const crypto::Seed &s, size_t n) {
  std::vector<uint8_t> zeros(n), out(n);
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  REQUIRE(EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), nullptr, s.data(), s.data() + 16) == 1);
  int outl = 0;
  REQUIRE(EVP_EncryptUpdate(c, out.data(), &outl, zeros.data(), int(n)) == 1);
  EVP_CIPHER_CTX_free(c);
  return out;
}

} // namespace

TEST_CASE("prg: the stream is AES-128-CTR of zeros, the same whatever the fill sizes") {
  const crypto::Seed s = fixedSeed();
  // Larger than the PRG's internal zero block, and pieces that straddle it.
  const size_t total = 3 * 16384 + 1000;
  const std::vector<uint8_t> want = reference(s, total);
  std::vector<uint8_t> whole(total, 0xAA);
  crypto::Prg(s).fill(std::span<uint8_t>(whole));
  CHECK(whole == want);
  for (size_t piece : {1u, 7u, 16u, 4095u, 16383u, 16385u, 40000u}) {
    INFO("piece " << piece);
    crypto::Prg prg(s);
    std::vector<uint8_t> got(total, 0x55);
    for (size_t at = 0; at < total; at += piece)
      prg.fill(std::span<uint8_t>(got.data() + at, std::min(piece, total - at)));
    CHECK(got == want);
  }
  // Words are the same bytes, little-endian.
  crypto::Prg prg(s);
  std::vector<uint64_t> w(total / 8);
  prg.fill(std::span<uint64_t>(w));
  CHECK(std::memcmp(w.data(), want.data(), w.size() * 8) == 0);
}
