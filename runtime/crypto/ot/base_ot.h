//===- base_ot.h - batched base OT on ristretto255 (Chou-Orlandi 2015) ----===//
//
// "The Simplest Protocol for Oblivious Transfer" (Chou, Orlandi, LATINCRYPT
// 2015), semi-honest use, over the prime-order ristretto255 group so that no
// cofactor checks are needed. One message per direction carries a whole batch.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/crypto/prg.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace smpc::crypto::ot {

inline constexpr std::size_t kPointBytes = 32;
/// Each base OT yields 32-byte keys, used directly as PRG seeds.
using BaseKey = Seed;

/// Sender side: holds the secret scalar a and A = a*G for one batch.
class BaseOtSender {
public:
  BaseOtSender();
  ~BaseOtSender();
  BaseOtSender(const BaseOtSender &) = delete;
  BaseOtSender &operator=(const BaseOtSender &) = delete;

  /// The first message: the point A (32 bytes).
  std::vector<uint8_t> firstMessage() const;
  /// Consumes the receiver's reply (k.size() points) and derives both keys of
  /// every OT. Throws OtError if the reply is malformed.
  void finish(std::span<const uint8_t> reply, std::span<BaseKey> k0, std::span<BaseKey> k1);

private:
  std::array<uint8_t, 32> a_{};
  std::array<uint8_t, kPointBytes> A_{};
  std::array<uint8_t, kPointBytes> aA_{};
};

/// Receiver side: `choices[i]` in {0,1}; returns the reply message and writes
/// key i = k_{choices[i]} of OT i. Throws OtError if the sender's point is
/// invalid.
std::vector<uint8_t> base_ot_receive(std::span<const uint8_t> senderMsg,
                                     std::span<const uint8_t> choices, std::span<BaseKey> keys);

} // namespace smpc::crypto::ot
