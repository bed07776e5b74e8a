//===- iknp.h - IKNP OT extension (Ishai, Kilian, Nissim, Petrank 2003) ----===//
//
// 128 base OTs (run in the reverse direction) are stretched to any number of
// OTs with AES-CTR, a bit transpose and the fixed-key AES hash. Both sides
// are pure computation over byte messages; the caller moves the messages.
// Per batch: the receiver sends 128 columns of m bits (16 bytes per OT), the
// sender answers with corrections (8*w bytes per OT for correlated OT).
// A batch is: receiver.extend -> sender.extend -> sender.<kind> ->
// receiver.<kind>, with the same m and kind on both sides.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/crypto/ot/base_ot.h"
#include "runtime/crypto/ot/cr_hash.h"
#include "vm/crypto/prg.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace smpc::crypto::ot {

inline constexpr std::size_t kKappa = 128;

/// Number of OTs actually run for a request of m (rounded up to 128).
inline std::size_t iknp_padded(std::size_t m) {
  return (m + kKappa - 1) / kKappa * kKappa;
}

/// Bytes of the correction message of a Gilboa batch of `products` products
/// with w words each (the k-th OT of a product needs only 64-k bits).
std::size_t gilboa_correction_bytes(std::size_t products, std::size_t w);

/// The choosing side. Acts as base-OT *sender* during setup.
class IknpReceiver {
public:
  /// k0[i], k1[i]: both keys of base OT i (this side was the base sender).
  IknpReceiver(std::span<const BaseKey, kKappa> k0, std::span<const BaseKey, kKappa> k1);
  ~IknpReceiver();

  /// Starts a batch of m OTs; bit j of `choices` (little-endian words, at
  /// least ceil(m/64) words) chooses OT j. Returns the message for the sender.
  std::vector<uint8_t> extend(std::span<const uint64_t> choices, std::size_t m);

  /// Correlated OT, w words per OT: out[j*w+l] = x0[j][l] + r_j * delta[j][l]
  /// (mod 2^64) where the sender holds x0 and delta.
  void correlated(std::span<const uint8_t> corrections, std::size_t w, std::span<uint64_t> out);
  /// Gilboa product: OT 64p+k chose bit k of a_p; out[p*w+l] is this side's
  /// additive share of a_p * v_p[l] (the sender holds v and the other share).
  void gilboa(std::span<const uint8_t> corrections, std::size_t w, std::span<uint64_t> out);
  /// Correlated bit OT: bit j of out = x0_j ^ (r_j & delta_j).
  void correlatedBits(std::span<const uint8_t> corrections, std::span<uint64_t> outBits);
  /// Random OT: out[j] = the 128-bit message m_{r_j} (2 words per OT).
  void random(std::span<uint64_t> out);

private:
  void checkCorrections(std::span<const uint8_t> c, std::size_t bytes) const;
  std::span<uint64_t> hashRows(std::size_t w);

  std::vector<Prg> g0_, g1_;
  CrHash hash_;
  std::vector<uint8_t> cols_, rows_; // current batch: t columns, then t rows
  std::vector<uint64_t> h_;          // hash scratch, wiped after use
  std::vector<uint64_t> choices_;
  std::size_t m_ = 0;
  uint64_t tweak_ = 0;
};

/// The side with messages. Acts as base-OT *receiver* during setup with the
/// 128 choice bits `s`.
class IknpSender {
public:
  /// s: the 128 secret base choice bits (16 bytes); k[i] = k_{s_i} of base OT i.
  IknpSender(std::span<const uint8_t, 16> s, std::span<const BaseKey, kKappa> k);
  ~IknpSender();

  /// Consumes the receiver's message for a batch of m OTs. Throws OtError if
  /// its length is not that of m OTs.
  void extend(std::span<const uint8_t> msg, std::size_t m);

  /// Correlated OT with delta[j] = v[j*w .. j*w+w): x0 receives this side's
  /// output, the returned bytes go to the receiver.
  std::vector<uint8_t> correlated(std::span<const uint64_t> v, std::size_t w,
                                  std::span<uint64_t> x0);
  /// Gilboa product: OT 64p+k has delta 2^k * v_p (w words); out[p*w+l] is
  /// this side's share of a_p * v_p[l]. m must be 64 * (v.size()/w).
  std::vector<uint8_t> gilboa(std::span<const uint64_t> v, std::size_t w, std::span<uint64_t> out);
  /// Correlated bit OT with delta bit j of `deltaBits`; bit j of x0Bits is
  /// this side's output.
  std::vector<uint8_t> correlatedBits(std::span<const uint64_t> deltaBits,
                                      std::span<uint64_t> x0Bits);
  /// Random OT: m0[j], m1[j] (2 words each per OT).
  void random(std::span<uint64_t> m0, std::span<uint64_t> m1);

private:
  std::array<uint8_t, 16> s_{};
  std::vector<Prg> g_;
  CrHash hash_;
  std::vector<uint8_t> cols_, rows_;
  std::vector<uint64_t> h0_, h1_; // hash scratch, wiped after use
  std::size_t m_ = 0;
  uint64_t tweak_ = 0;
};

} // namespace smpc::crypto::ot
