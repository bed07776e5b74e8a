//===- prg.cpp - AES-128-CTR keystream as a PRG ---------------------------===//
#include "vm/crypto/prg.h"

#include <algorithm>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdexcept>

namespace smpc::crypto {

namespace {
void ensureSodium() {
  // sodium_init is idempotent and thread-safe; it fails only if the OS has
  // no entropy source, in which case nothing here may run.
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}
} // namespace

Seed seed_keygen() {
  ensureSodium();
  Seed s;
  randombytes_buf(s.data(), s.size());
  return s;
}

Prg::Prg(const Seed &seed) {
  auto *c = EVP_CIPHER_CTX_new();
  if (!c || EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), nullptr, seed.data(), seed.data() + 16) != 1)
    throw std::runtime_error("AES-128-CTR is not available in OpenSSL");
  ctx_ = c;
}

Prg::~Prg() {
  // EVP_CIPHER_CTX_free wipes the expanded key.
  if (ctx_) EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX *>(ctx_));
}

Prg::Prg(Prg &&o) noexcept : ctx_(o.ctx_) {
  o.ctx_ = nullptr;
}

Prg &Prg::operator=(Prg &&o) noexcept {
  if (this != &o) {
    if (ctx_) EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX *>(ctx_));
    ctx_ = o.ctx_;
    o.ctx_ = nullptr;
  }
  return *this;
}

void Prg::fill(std::span<uint8_t> out) {
  auto *c = static_cast<EVP_CIPHER_CTX *>(ctx_);
  // CTR keystream = encryption of zeros, read from one small zero block so
  // the output is written once (zeroing it first cost a second pass).
  static const uint8_t kZeros[std::size_t{1} << 14] = {};
  std::size_t done = 0;
  while (done < out.size()) {
    const std::size_t n = std::min(sizeof kZeros, out.size() - done);
    int outl = 0;
    if (EVP_EncryptUpdate(c, out.data() + done, &outl, kZeros, static_cast<int>(n)) != 1)
      throw std::runtime_error("AES-128-CTR keystream generation failed");
    done += n;
  }
}

void Prg::fill(std::span<uint64_t> out) {
  fill(std::span<uint8_t>(reinterpret_cast<uint8_t *>(out.data()), out.size_bytes()));
}

uint64_t Prg::next() {
  uint64_t v;
  fill(std::span<uint64_t>(&v, 1));
  return v;
}

} // namespace smpc::crypto
