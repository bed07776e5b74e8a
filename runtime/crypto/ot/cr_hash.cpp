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

CrHash::CrHash() : in_(kChunkBlocks * 16), enc_(kChunkBlocks * 16), y_(2 * kChunkBlocks) {
  auto *c = EVP_CIPHER_CTX_new();
  if (!c || EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), nullptr, kFixedKey, nullptr) != 1)
    throw OtError("AES-128-ECB is not available in OpenSSL");
  EVP_CIPHER_CTX_set_padding(c, 0);
  ctx_ = c;
}

CrHash::~CrHash() {
  sodium_memzero(in_.data(), in_.size());
  sodium_memzero(enc_.data(), enc_.size());
  if (!y_.empty()) sodium_memzero(y_.data(), y_.size() * sizeof(uint64_t));
  EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX *>(ctx_));
}

void CrHash::hash(const uint8_t *rows, std::size_t m, std::size_t w, uint64_t tweak,
                  const uint8_t *xorWith, std::span<uint64_t> out) {
  const std::size_t perRow = (w + 1) / 2;
  if (out.size() != m * w) throw OtError("hash: output span has the wrong length");
  auto *c = static_cast<EVP_CIPHER_CTX *>(ctx_);
  uint64_t s[2] = {0, 0};
  if (xorWith) std::memcpy(s, xorWith, 16);
  // Rows per chunk; a row's blocks g = j*perRow + h never straddle chunks.
  const std::size_t chunkRows = std::max<std::size_t>(1, kChunkBlocks / perRow);
  if (in_.size() < 16 * chunkRows * perRow) {
    in_.resize(16 * chunkRows * perRow);
    enc_.resize(in_.size());
  }
  auto encrypt = [&](std::size_t blocks) {
    int outl = 0;
    if (EVP_EncryptUpdate(c, enc_.data(), &outl, in_.data(), static_cast<int>(16 * blocks)) != 1)
      throw OtError("AES-128-ECB encryption failed");
  };
  uint64_t *in = reinterpret_cast<uint64_t *>(in_.data());
  const uint64_t *enc = reinterpret_cast<const uint64_t *>(enc_.data());
  for (std::size_t j0 = 0; j0 < m; j0 += chunkRows) {
    const std::size_t nr = std::min(chunkRows, m - j0);
    // First pass: y_r = pi(x_r ^ s), one block per row.
    for (std::size_t r = 0; r < nr; ++r) {
      uint64_t x[2];
      std::memcpy(x, rows + 16 * (j0 + r), 16);
      in[2 * r] = x[0] ^ s[0];
      in[2 * r + 1] = x[1] ^ s[1];
    }
    encrypt(nr);
    // Second pass: pi(y_r ^ i) ^ y_r for each tweak i of the row.
    y_.assign(enc, enc + 2 * nr);
    for (std::size_t r = 0; r < nr; ++r) {
      const uint64_t g = tweak + (j0 + r) * perRow;
      for (std::size_t h = 0; h < perRow; ++h) {
        in[2 * (r * perRow + h)] = y_[2 * r] ^ (g + h);
        in[2 * (r * perRow + h) + 1] = y_[2 * r + 1];
      }
    }
    encrypt(nr * perRow);
    uint64_t *o = out.data() + j0 * w;
    for (std::size_t r = 0; r < nr; ++r)
      for (std::size_t l = 0; l < w; ++l) {
        const std::size_t blk = r * perRow + l / 2, half = l % 2;
        o[r * w + l] = enc[2 * blk + half] ^ y_[2 * r + half];
      }
  }
}

} // namespace smpc::crypto::ot
