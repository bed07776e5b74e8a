//===- cr_hash.cpp - batched fixed-key AES hash via OpenSSL ECB -----------===//
#include "runtime/crypto/ot/cr_hash.h"

#include "runtime/crypto/ot/ot_error.h"

#include <algorithm>
#include <cstring>
#include <openssl/evp.h>
#include <sodium.h>

namespace smpc::crypto::ot {

namespace {
// A public, arbitrary fixed key (hex digits of pi): the hash is keyed only to
// instantiate the random permutation, not for secrecy.
constexpr uint8_t kFixedKey[16] = {0x24, 0x3f, 0x6a, 0x88, 0x85, 0xa3, 0x08, 0xd3,
                                   0x13, 0x19, 0x8a, 0x2e, 0x03, 0x70, 0x73, 0x44};
// Blocks per AES call: large enough for OpenSSL's pipelined AES-NI ECB,
// small enough to stay in L1/L2.
constexpr std::size_t kChunkBlocks = 1024;
} // namespace

CrHash::CrHash() : in_(kChunkBlocks * 16), enc_(kChunkBlocks * 16) {
  auto *c = EVP_CIPHER_CTX_new();
  if (!c || EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), nullptr, kFixedKey, nullptr) != 1)
    throw OtError("AES-128-ECB is not available in OpenSSL");
  EVP_CIPHER_CTX_set_padding(c, 0);
  ctx_ = c;
}

CrHash::~CrHash() {
  sodium_memzero(in_.data(), in_.size());
  sodium_memzero(enc_.data(), enc_.size());
  EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX *>(ctx_));
}

void CrHash::hash(const uint8_t *rows, std::size_t m, std::size_t w, uint64_t tweak,
                  const uint8_t *xorWith, std::span<uint64_t> out) {
  const std::size_t perRow = (w + 1) / 2;
  if (out.size() != m * w) throw OtError("hash: output span has the wrong length");
  auto *c = static_cast<EVP_CIPHER_CTX *>(ctx_);
  // Blocks are numbered g = j*perRow + h; process them in chunks.
  const std::size_t total = m * perRow;
  for (std::size_t g0 = 0; g0 < total; g0 += kChunkBlocks) {
    const std::size_t n = std::min(kChunkBlocks, total - g0);
    for (std::size_t t = 0; t < n; ++t) {
      const std::size_t g = g0 + t, j = g / perRow;
      uint64_t x[2];
      std::memcpy(x, rows + 16 * j, 16);
      if (xorWith) {
        uint64_t s[2];
        std::memcpy(s, xorWith, 16);
        x[0] ^= s[0];
        x[1] ^= s[1];
      }
      const uint64_t y[2] = {(x[0] ^ x[1]) ^ (tweak + g), x[0]}; // sigma(x) ^ i
      std::memcpy(in_.data() + 16 * t, y, 16);
    }
    int outl = 0;
    if (EVP_EncryptUpdate(c, enc_.data(), &outl, in_.data(), static_cast<int>(16 * n)) != 1)
      throw OtError("AES-128-ECB encryption failed");
    for (std::size_t t = 0; t < n; ++t) {
      const std::size_t g = g0 + t, j = g / perRow, h = g % perRow;
      uint64_t e[2], y[2];
      std::memcpy(e, enc_.data() + 16 * t, 16);
      std::memcpy(y, in_.data() + 16 * t, 16);
      out[j * w + 2 * h] = e[0] ^ y[0];
      if (2 * h + 1 < w) out[j * w + 2 * h + 1] = e[1] ^ y[1];
    }
  }
}

} // namespace smpc::crypto::ot
