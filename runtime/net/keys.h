//===- keys.h - CurveZMQ key pairs: generation, files, encodings ----------===//
//
// Keys are Curve25519 (the CurveZMQ primitive), generated with libsodium.
// Files hold one Z85 line; secret-key files must be mode 0600 (no group or
// other bits) and are never overwritten.
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace smpc::net {

inline constexpr std::size_t kKeyBytes = 32;
using PublicKey = std::array<uint8_t, kKeyBytes>;

/// A bad key file, key string or key permission. The message names the file
/// (or says which field), never the key material.
class KeyError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A Curve25519 secret key with its public key; wiped when destroyed.
class SecretKey {
public:
  SecretKey() = default;
  SecretKey(const SecretKey &o) = default;
  SecretKey &operator=(const SecretKey &o) = default;
  ~SecretKey();
  const PublicKey &publicKey() const { return pub_; }
  const uint8_t *secretBytes() const { return sec_.data(); }
  /// Builds from raw secret bytes, deriving the public key.
  static SecretKey fromSecret(const uint8_t *secret);

private:
  PublicKey pub_{};
  std::array<uint8_t, kKeyBytes> sec_{};
};

/// A fresh key pair from libsodium's CSPRNG.
SecretKey net_key_keygen();

/// Z85 text (40 chars) of 32 key bytes.
std::string z85Encode(const uint8_t *bytes);
/// Parses a public key written as Z85 (40 chars) or hex (64 chars).
/// `what` names the field for the error message.
PublicKey parsePublicKey(std::string_view text, const std::string &what);

/// Writes `<prefix>.pub` (0644) and `<prefix>.key` (0600); refuses to
/// overwrite either file.
void writeKeyPair(const std::string &prefix, const SecretKey &key);
/// Loads a secret-key file, checking its format and that it is not group- or
/// world-accessible.
SecretKey loadSecretKey(const std::string &path);
/// Reads a secret key from an inherited descriptor (`--key-fd`): a pipe,
/// socket or 0600 regular file holding one line as `smpc keygen` writes it.
/// Reads up to the first newline or end of file, then closes `fd`. This is
/// how `smpc run` hands its children their ephemeral keys without writing
/// them to disk.
SecretKey readSecretKeyFd(int fd);
/// Loads a public-key file (Z85 or hex).
PublicKey loadPublicKey(const std::string &path);

} // namespace smpc::net
