//===- protocols.h - the protocols a program can run under ----------------===//
//
// Generated from protocols.def; add a protocol there. The bytecode does not
// depend on the protocol (one program runs under any of them); the CLI, the
// cost model, the local cluster and the node use this table.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smpc::bc {

enum class ProtocolId : uint8_t {
#define SMPC_PROTOCOL(Id, Name, Min, Max, Pre, Summary) Id,
#include "vm/bytecode/protocols.def"
};

struct ProtocolInfo {
  std::string_view name;
  uint32_t minParties, maxParties;
  bool preprocessing; // consumes dealer or OT material (--preprocessing)
  std::string_view summary;
};

inline constexpr ProtocolInfo kProtocolInfo[] = {
#define SMPC_PROTOCOL(Id, Name, Min, Max, Pre, Summary)                                            \
  ProtocolInfo{Name, Min, Max, Pre != 0, Summary},
#include "vm/bytecode/protocols.def"
};

inline constexpr unsigned kNumProtocols = sizeof(kProtocolInfo) / sizeof(kProtocolInfo[0]);

constexpr const ProtocolInfo &info(ProtocolId p) {
  return kProtocolInfo[static_cast<unsigned>(p)];
}

/// The protocol called `name`, if any.
std::optional<ProtocolId> protocolFromName(std::string_view name);

/// Every protocol's name, joined by `sep` (for usage lines and errors).
std::string protocolNames(std::string_view sep = "|");

/// Empty if `parties` may run `p`; else one sentence saying why not, naming
/// `what` (e.g. "--parties") as the source of the count.
std::string checkParties(ProtocolId p, uint32_t parties, std::string_view what);

/// shamir with N parties: the threshold t = floor((N-1)/2) (t parties learn
/// nothing, a product of two degree-t sharings needs 2t+1 <= N), and the
/// degree d of GR(2^64, d), the smallest d >= 2 with 2^d >= N + 1 evaluation
/// points (docs/protocols.md). The protocol and the cost model both use these.
constexpr uint32_t shamirThreshold(uint32_t parties) {
  return parties > 0 ? (parties - 1) / 2 : 0;
}
constexpr uint32_t shamirDegree(uint32_t parties) {
  uint32_t d = 2;
  while ((uint64_t(1) << d) < uint64_t(parties) + 1)
    ++d;
  return d;
}

} // namespace smpc::bc
