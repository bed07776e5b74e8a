//===- ot_preprocessing.h - dealer-free preprocessing from OT extension ---===//
//
// Every ordered pair of parties runs one IKNP instance (base OTs on
// ristretto255 once, lazily, at the first request). Cross terms of products
// are Gilboa multiplications from correlated OT; random bits are XORed
// together with one OT per bit and pair. Produces exactly what the dealer
// produces, so `--preprocessing ot` can replace `--preprocessing dealer`.
// Semi-honest security; see docs/preprocessing.md.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/crypto/ot/cr_hash.h"
#include "runtime/crypto/ot/iknp.h"
#include "vm/core/channel.h"
#include "vm/core/preprocessing.h"
#include "vm/crypto/prg.h"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace smpc::preproc {

struct OtOptions {
  /// Products per OT-extension batch (64 OTs each; a daBit batch is 128
  /// OTs per product): bounds working memory and message size (8192
  /// products = 12 MiB per message and peer). otBatchForBytes() derives it
  /// from a memory budget. Every party must use the same value.
  std::size_t batchProducts = 8192;
  /// Computing parties 0..parties-1 (0: all of the channel's parties). Set
  /// it when the channel also reaches a dealer node, which takes no part.
  uint32_t parties = 0;
};

/// Working memory of one OT batch per extended OT and peer, an upper bound
/// measured on the node (IKNP's column and row matrices and hash scratch on
/// both sides, the messages in flight with their framing and CurveZMQ
/// copies, the caller's staging): docs/node.md, "Memory".
inline constexpr std::size_t kOtWorkBytesPerOt = 512;
/// OTs of the largest batch (a daBit batch) per product of batchProducts.
inline constexpr std::size_t kOtsPerBatchProduct = 128;
/// Smallest and largest batch otBatchForBytes() gives.
inline constexpr std::size_t kMinBatchProducts = 16, kMaxBatchProducts = 8192;

/// batchProducts whose batches need at most `bytes` of working memory with
/// `parties` computing parties (never below kMinBatchProducts).
constexpr std::size_t otBatchForBytes(std::size_t bytes, uint32_t parties) {
  const std::size_t perProduct =
      kOtsPerBatchProduct * kOtWorkBytesPerOt * (parties > 1 ? parties - 1 : 1);
  const std::size_t p = bytes / perProduct;
  return p < kMinBatchProducts ? kMinBatchProducts : p > kMaxBatchProducts ? kMaxBatchProducts : p;
}
/// The working memory bound of batches of `batchProducts` (the inverse).
constexpr std::size_t otBatchBytes(std::size_t batchProducts, uint32_t parties) {
  return batchProducts * kOtsPerBatchProduct * kOtWorkBytesPerOt * (parties > 1 ? parties - 1 : 1);
}

/// Counters for benchmarks and status lines.
struct OtStats {
  uint64_t baseOts = 0;     // base OTs this party took part in (both roles)
  uint64_t extendedOts = 0; // extended OTs this party took part in (both roles)
};

class OtPreprocessing final : public vm::Preprocessing {
public:
  /// Uses `ch` from the calling thread only; every party of the channel must
  /// construct one and make the same sequence of calls.
  explicit OtPreprocessing(vm::Channel &ch, OtOptions opt = {});
  ~OtPreprocessing() override;

  /// Runs the base OTs with every peer; called by the first request if not
  /// called before. Throws vm::NetError when a peer fails.
  void setup();

  void triples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) override;
  void matrixTriple(uint32_t m, uint32_t k, uint32_t n, std::span<uint64_t> a,
                    std::span<uint64_t> b, std::span<uint64_t> c) override;
  void boolTriples(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c) override;
  void daBits(std::span<uint64_t> arith, std::span<uint64_t> bits) override;
  void edaBits(std::span<uint64_t> r, std::span<uint64_t> bits) override;
  void truncPairs(uint32_t shift, std::span<uint64_t> r, std::span<uint64_t> msb,
                  std::span<uint64_t> high) override;
  void shuffleTurn(uint32_t permuter, uint32_t rows, uint32_t width, std::span<uint32_t> perm,
                   std::span<uint64_t> mask, std::span<uint64_t> share) override;

  OtStats stats() const { return stats_; }

private:
  std::vector<uint8_t> recvFrom(uint32_t peer);
  /// daBits per batch (one OT each per peer and round): kOtsPerBatchProduct
  /// per product of the batch, 2^20 by default.
  std::size_t bitsPerBatch() const { return kOtsPerBatchProduct * opt_.batchProducts; }
  /// acc[p*w+l] += shares of sum over peers j of a_self[p]*v_j[p*w+l] and
  /// a_j[p]*v_self[p*w+l] (Gilboa, both directions).
  void gilboaCross(std::span<const uint64_t> a, std::span<const uint64_t> v, std::size_t w,
                   std::span<uint64_t> acc);
  void triplesChunk(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c);
  void boolChunk(std::span<uint64_t> a, std::span<uint64_t> b, std::span<uint64_t> c);
  /// `count` random bits, XOR of one bit per party: arithmetic shares in
  /// arith[count], boolean shares packed in bits[ceil(count/64)].
  void genDaBits(std::size_t count, std::span<uint64_t> arith, std::span<uint64_t> bits);
  /// The permuter's or a sender's side of one oblivious switching network
  /// (ot_shuffle.cpp).
  void osnPermuter(std::span<const uint32_t> perm, uint32_t width, std::span<uint64_t> share);
  void osnSender(uint32_t permuter, uint32_t rows, uint32_t width, std::span<uint64_t> mask,
                 std::span<uint64_t> share);
  /// Rethrows a malformed-message error from `peer` as vm::NetError.
  [[noreturn]] void malformed(uint32_t peer) const;

  vm::Channel &ch_;
  OtOptions opt_;
  uint32_t n_; // computing parties
  crypto::Prg prg_;
  crypto::ot::CrHash osnHash_; // expands switch keys; same tweaks on both sides
  uint64_t osnTweak_ = 0;
  bool ready_ = false;
  std::vector<std::unique_ptr<crypto::ot::IknpSender>> snd_;   // by peer: peer chooses
  std::vector<std::unique_ptr<crypto::ot::IknpReceiver>> rcv_; // by peer: this party chooses
  OtStats stats_;
};

/// Factory for runtime/cluster and the node: `--preprocessing ot`.
std::unique_ptr<vm::Preprocessing> makeOtPreprocessing(vm::Channel &ch, OtOptions opt = {});

} // namespace smpc::preproc
