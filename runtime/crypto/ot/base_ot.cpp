//===- base_ot.cpp - Chou-Orlandi base OT with libsodium ristretto255 -----===//
#include "runtime/crypto/ot/base_ot.h"

#include "runtime/crypto/ot/ot_error.h"

#include <cstring>
#include <sodium.h>

namespace smpc::crypto::ot {

namespace {

void ensureSodium() {
  if (sodium_init() < 0) throw OtError("libsodium could not be initialised");
}

// Key i = BLAKE2b-256(i || A || B_i || P): binding the transcript and the
// index makes keys of different OTs independent even with one A per batch.
BaseKey deriveKey(uint64_t i, const uint8_t *A, const uint8_t *B, const uint8_t *P) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  uint8_t idx[8];
  for (int b = 0; b < 8; ++b)
    idx[b] = static_cast<uint8_t>(i >> (8 * b));
  crypto_generichash_update(&st, idx, sizeof idx);
  crypto_generichash_update(&st, A, kPointBytes);
  crypto_generichash_update(&st, B, kPointBytes);
  crypto_generichash_update(&st, P, kPointBytes);
  BaseKey k;
  crypto_generichash_final(&st, k.data(), k.size());
  sodium_memzero(&st, sizeof st);
  return k;
}

} // namespace

BaseOtSender::BaseOtSender() {
  ensureSodium();
  crypto_core_ristretto255_scalar_random(a_.data());
  if (crypto_scalarmult_ristretto255_base(A_.data(), a_.data()) != 0 ||
      crypto_scalarmult_ristretto255(aA_.data(), a_.data(), A_.data()) != 0)
    throw OtError("base OT: degenerate random scalar");
}

BaseOtSender::~BaseOtSender() {
  sodium_memzero(a_.data(), a_.size());
  sodium_memzero(aA_.data(), aA_.size());
}

std::vector<uint8_t> BaseOtSender::firstMessage() const {
  return std::vector<uint8_t>(A_.begin(), A_.end());
}

void BaseOtSender::finish(std::span<const uint8_t> reply, std::span<BaseKey> k0,
                          std::span<BaseKey> k1) {
  if (k0.size() != k1.size()) throw OtError("base OT: key spans differ in length");
  if (reply.size() != k0.size() * kPointBytes) throw OtError("base OT: reply has the wrong length");
  uint8_t P0[kPointBytes], P1[kPointBytes];
  for (std::size_t i = 0; i < k0.size(); ++i) {
    const uint8_t *B = reply.data() + i * kPointBytes;
    if (crypto_core_ristretto255_is_valid_point(B) != 1)
      throw OtError("base OT: reply contains an invalid group element");
    // a*B and a*(B - A) = a*B - a*A: one scalar multiplication per OT.
    if (crypto_scalarmult_ristretto255(P0, a_.data(), B) != 0)
      throw OtError("base OT: reply contains a degenerate group element");
    crypto_core_ristretto255_sub(P1, P0, aA_.data());
    k0[i] = deriveKey(i, A_.data(), B, P0);
    k1[i] = deriveKey(i, A_.data(), B, P1);
  }
  sodium_memzero(P0, sizeof P0);
  sodium_memzero(P1, sizeof P1);
}

std::vector<uint8_t> base_ot_receive(std::span<const uint8_t> senderMsg,
                                     std::span<const uint8_t> choices, std::span<BaseKey> keys) {
  ensureSodium();
  if (choices.size() != keys.size()) throw OtError("base OT: choices and keys differ in length");
  if (senderMsg.size() != kPointBytes ||
      crypto_core_ristretto255_is_valid_point(senderMsg.data()) != 1)
    throw OtError("base OT: sender message is not a valid group element");
  const uint8_t *A = senderMsg.data();
  std::vector<uint8_t> reply(keys.size() * kPointBytes);
  uint8_t b[32], bG[kPointBytes], AbG[kPointBytes], P[kPointBytes];
  for (std::size_t i = 0; i < keys.size(); ++i) {
    crypto_core_ristretto255_scalar_random(b);
    if (crypto_scalarmult_ristretto255_base(bG, b) != 0)
      throw OtError("base OT: degenerate random scalar");
    crypto_core_ristretto255_add(AbG, A, bG);
    // Constant-time select: B = c ? A + bG : bG.
    const uint8_t mask = static_cast<uint8_t>(0 - (choices[i] & 1));
    uint8_t *B = reply.data() + i * kPointBytes;
    for (std::size_t t = 0; t < kPointBytes; ++t)
      B[t] = static_cast<uint8_t>(bG[t] ^ (mask & (bG[t] ^ AbG[t])));
    if (crypto_scalarmult_ristretto255(P, b, A) != 0)
      throw OtError("base OT: sender message is a degenerate group element");
    keys[i] = deriveKey(i, A, B, P);
  }
  sodium_memzero(b, sizeof b);
  sodium_memzero(P, sizeof P);
  return reply;
}

} // namespace smpc::crypto::ot
