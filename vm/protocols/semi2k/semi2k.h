//===- semi2k.h - additive secret sharing over Z_2^64, semi-honest --------===//
//
// N >= 2 parties, dishonest majority. Shares add up to the value mod 2^64.
// Multiplications use Beaver triples, comparisons edaBits and boolean AND
// triples, all from a vm::Preprocessing (dealer or OT). Every op of a round
// group advances in lockstep and each round sends ONE message per peer.
// docs/protocols.md has the protocols, error bounds and security arguments.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/core/channel.h"
#include "vm/core/preprocessing.h"
#include "vm/core/protocol.h"
#include "vm/protocols/semi2k/exchange.h"

namespace smpc::semi2k {

class Semi2k final : public vm::Protocol {
public:
  /// `ch` connects the N computing parties (ch.parties() >= 2); material
  /// comes from `pre`. Both must outlive the protocol.
  Semi2k(vm::Channel &ch, vm::Preprocessing &pre);

  std::string_view name() const override { return "semi2k"; }
  uint32_t partyId() const override { return ch_.self(); }
  uint32_t numParties() const override { return ch_.parties(); }

  void classify(std::span<const uint64_t> p, std::span<vm::Share> out) override;
  void addPublic(std::span<const vm::Share> s, std::span<const uint64_t> p,
                 std::span<vm::Share> out) override;
  void runGroup(std::span<vm::InteractiveOp> ops) override;
  vm::ProtocolStats stats() const override { return stats_; }

private:
  vm::Channel &ch_;
  vm::ProtocolStats stats_;
  vm::CountingPreprocessing pre_; // draws from the caller's, counted in stats_.material
  Exchange ex_;                   // kept across groups so its receive buffers are reused
};

} // namespace smpc::semi2k
