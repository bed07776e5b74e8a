//===- cr_hash.h - fixed-key AES correlation-robust hash ------------------===//
//
// H(i, x) = pi(pi(x) ^ i) ^ pi(x) with pi = AES-128 under a fixed public key:
// the tweakable circular correlation-robust hash (TCCR) of Guo, Katz, Wang,
// Yu (S&P 2020, section 7.4), used to break the IKNP correlation. The output
// depends on the tweak i and on x, not only on a combination of the two.
// Costs one AES call per row plus one per 128 output bits.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace smpc::crypto::ot {

class CrHash {
public:
  CrHash();
  ~CrHash();
  CrHash(const CrHash &) = delete;
  CrHash &operator=(const CrHash &) = delete;

  /// rows: m rows of 16 bytes. For each row j, writes w 64-bit words to
  /// out[j*w .. j*w+w): the halves of H(tweak + j*ceil(w/2) + h, row_j) for
  /// h < ceil(w/2). If `xorWith` is non-null (16 bytes), it is XORed into
  /// every row first (the sender's q ^ s).
  void hash(const uint8_t *rows, std::size_t m, std::size_t w, uint64_t tweak,
            const uint8_t *xorWith, std::span<uint64_t> out);

private:
  void *ctx_ = nullptr; // EVP_CIPHER_CTX with the fixed key, ECB mode
  std::vector<uint8_t> in_, enc_;
  std::vector<uint64_t> y_; // pi(x ^ s) of the rows of one chunk
};

} // namespace smpc::crypto::ot
