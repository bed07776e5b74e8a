//===- prg.h - fast pseudo-random generator seeded from libsodium ---------===//
//
// AES-128 in counter mode (OpenSSL, AES-NI where present) expanding a
// 32-byte seed (16-byte key + 16-byte initial counter). Seeds come only from
// seed_keygen() (libsodium's CSPRNG) or from a peer over an authenticated
// channel; the PRG never accepts caller-invented entropy otherwise.
// Not thread-safe: one Prg per thread.
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace smpc::crypto {

inline constexpr std::size_t kSeedBytes = 32;
using Seed = std::array<uint8_t, kSeedBytes>;

/// A fresh uniformly random seed from libsodium's CSPRNG.
Seed seed_keygen();

class Prg {
public:
  explicit Prg(const Seed &seed);
  ~Prg();
  Prg(const Prg &) = delete;
  Prg &operator=(const Prg &) = delete;
  Prg(Prg &&other) noexcept;
  Prg &operator=(Prg &&other) noexcept;

  /// Fills `out` with the next bytes of the stream.
  void fill(std::span<uint8_t> out);
  /// Fills `out` with uniformly random 64-bit words.
  void fill(std::span<uint64_t> out);
  uint64_t next();

private:
  void *ctx_ = nullptr; // EVP_CIPHER_CTX, kept opaque to keep OpenSSL out of headers
};

} // namespace smpc::crypto
