//===- shamir.h - Shamir secret sharing over GR(2^64, d), N parties -------===//
//
// N >= 3 parties, threshold t = floor((N-1)/2): semi-honest, honest
// majority (any t parties together learn nothing). A secret x in Z_2^64 is
// f(0) for a random polynomial f of degree t over the Galois ring
// GR(2^64, d) (galois.h); party i holds f(alpha_i), d words, the planes of
// its share. Products: local product (degree 2t) and degree reduction with
// double sharings the parties make in the background (material.h).
// Comparisons: the boolean circuit of vm/protocols/hm with bits shared in
// GF(2^d). Truncation: the semi2k protocol with its random value made of 64
// random bits. Shuffle: one turn per set of t+1 parties, each permuting with
// a permutation only that set knows. Seeds: one per pair of parties and one
// per set of t+1, from libsodium, fresh for every job. docs/protocols.md
// has the protocols, costs and error bounds.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/program.h"
#include "vm/protocols/hm/hm.h"
#include "vm/protocols/shamir/material.h"
#include "vm/protocols/shamir/params.h"
#include "vm/protocols/shamir/sharing.h"

#include <memory>

namespace smpc::shamir {

class Shamir final : public hm::HmProtocol {
public:
  /// `online` connects the N computing parties; `background` connects the
  /// same parties and carries the material generation only. Both must
  /// outlive the protocol.
  Shamir(vm::Channel &online, vm::Channel &background, MaterialConfig cfg = {});
  ~Shamir() override;

  std::string_view name() const override { return "shamir"; }
  uint32_t shareWidth() const override { return P_.d(); }
  uint32_t boolWidth() const override { return P_.d(); }
  uint32_t threshold() const { return P_.t; }

  void runGroup(std::span<vm::InteractiveOp> ops) override;
  void classify(std::span<const uint64_t> p, std::span<vm::Share> out) override;
  void addPublic(std::span<const vm::Share> s, std::span<const uint64_t> p,
                 std::span<vm::Share> out) override;

  std::unique_ptr<hm::Step> mul(std::span<const uint64_t> x, std::span<const uint64_t> y,
                                std::span<uint64_t> z, size_t n) override;
  std::unique_ptr<hm::Step> matmul(std::span<const uint64_t> x, std::span<const uint64_t> y,
                                   std::span<uint64_t> z, uint32_t m, uint32_t k,
                                   uint32_t n) override;
  std::unique_ptr<hm::Step> band(std::span<const uint64_t> a, std::span<const uint64_t> b,
                                 std::span<uint64_t> c, size_t nw) override;
  std::unique_ptr<hm::Step> open(std::span<const uint64_t> x, std::span<uint64_t> out, size_t n,
                                 const std::vector<bool> &to) override;
  std::unique_ptr<hm::Step> openBool(std::span<const uint64_t> b, std::span<uint64_t> out,
                                     size_t nw) override;
  std::unique_ptr<hm::Step> input(uint32_t owner, std::span<const uint64_t> plain,
                                  std::span<uint64_t> out, size_t n) override;
  std::unique_ptr<hm::Step> toBoolNumbers(std::span<const uint64_t> x, size_t n, bool minusOne,
                                          std::vector<Words> &numbers) override;
  void xorPublic(std::span<uint64_t> b, std::span<const uint64_t> c) override;
  std::unique_ptr<hm::Task> daBits(size_t n, Words &arith, Words &bits) override;
  std::unique_ptr<hm::Task> trunc(vm::InteractiveOp &op) override;
  std::unique_ptr<hm::Task> shuffle(vm::InteractiveOp &op) override;

  const Params &params() const { return P_; }
  /// One of the parties 0..2t, whose words open a degree-2t sharing.
  bool contributes() const { return partyId() <= 2 * P_.t; }
  Material &material() { return *mat_; }
  Ctx &ctx() { return ctx_; }

  /// The stream of the set P.sets[s] of t+1 parties (the shuffle's), known
  /// to its members only; null on the others.
  crypto::Prg *setStream(size_t s) { return setStreams_[s].get(); }

private:
  struct JobSeeds {
    std::vector<crypto::Seed> pair; // per peer
    std::vector<crypto::Seed> set;  // per set of t+1 parties; zero unless a member
  };
  static JobSeeds agreeSeeds(vm::Channel &ch);
  template <class Alg>
  std::unique_ptr<hm::Step> product(Kind kind, std::span<const uint64_t> a,
                                    std::span<const uint64_t> b, std::span<uint64_t> out, size_t n);
  Shamir(vm::Channel &online, vm::Channel &background, MaterialConfig cfg, JobSeeds seeds);

  Params P_;
  std::vector<crypto::Seed> seeds_;
  Streams streams_;
  protocols::WordCache cache_; // before ctx_, which points to it
  Ctx ctx_;
  std::unique_ptr<Material> mat_;
  std::vector<std::unique_ptr<crypto::Prg>> setStreams_;
};

/// Pool sizes for a program: what its header predicts, clamped to
/// [64, default] per kind.
MaterialConfig materialConfigFor(const bc::PreprocNeeds &needs);

} // namespace smpc::shamir
