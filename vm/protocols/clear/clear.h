//===- clear.h - the plaintext reference protocol -------------------------===//
//
// A "share" is the value itself; one process plays every party. It has the
// same fixed-point semantics as semi2k except that truncation is exact floor
// (semi2k returns floor or floor+1, see docs/protocols.md). Statistics count
// rounds and preprocessing as semi2k would, so the two can be compared.
// rangeProblem checks every truncation against the range where the secure
// protocols are correct, so a result they would get wrong is never a silent
// disagreement.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/core/protocol.h"

#include <vector>

namespace smpc::vm {

class ClearProtocol final : public Protocol {
public:
  /// `parties` only affects the simulated semi2k byte counts in stats().
  explicit ClearProtocol(uint32_t parties = 1) : simulatedParties(parties) {}

  std::string_view name() const override { return "clear"; }
  uint32_t partyId() const override { return 0; }
  uint32_t numParties() const override { return 1; }
  void classify(std::span<const uint64_t> p, std::span<Share> out) override;
  void addPublic(std::span<const Share> s, std::span<const uint64_t> p,
                 std::span<Share> out) override;
  void runGroup(std::span<InteractiveOp> ops) override;
  std::string rangeProblem(const InteractiveOp &op, uint32_t fracBits) const override;
  ProtocolStats stats() const override { return st; }

private:
  void runOne(InteractiveOp &op);
  uint32_t simulatedParties;
  std::vector<uint64_t> sent_; // bytes each simulated party would send
  ProtocolStats st;
};

} // namespace smpc::vm
