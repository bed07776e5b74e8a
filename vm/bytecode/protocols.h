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

/// shamir's degree reduction of a product of n elements (docs/protocols.md)
/// opens its masked value in N chunks: chunk c holds elements
/// [shamirChunkBegin(n, N, c), shamirChunkBegin(n, N, c + 1)) and goes to
/// every party but the `skip` parties c, c+1, ..., c+skip-1 (mod N); each of
/// the 2t+1 parties 0..2t sends its word of an element to every recipient
/// but itself. Arithmetic products skip t parties (the rest need not learn
/// the masked value), boolean ones none. The protocol and the cost model
/// both use these.
constexpr uint64_t shamirChunkBegin(uint64_t n, uint32_t parties, uint32_t c) {
  const uint64_t q = n / parties, r = n % parties;
  return c * q + (c < r ? c : r);
}
constexpr bool shamirChunkSkips(uint32_t parties, uint32_t skip, uint32_t c, uint32_t party) {
  return (party + parties - c) % parties < skip;
}
constexpr uint64_t shamirReduceWords(uint64_t n, uint32_t parties, uint32_t skip, uint32_t party) {
  if (party > 2 * shamirThreshold(parties)) return 0; // not in the opening set
  uint64_t words = 0;
  for (uint32_t c = 0; c < parties; ++c) {
    const uint64_t len = shamirChunkBegin(n, parties, c + 1) - shamirChunkBegin(n, parties, c);
    const uint32_t to = parties - skip - (shamirChunkSkips(parties, skip, c, party) ? 0 : 1);
    words += len * to;
  }
  return words;
}
/// The most any party sends in one such reduction.
constexpr uint64_t shamirReduceWordsMax(uint64_t n, uint32_t parties, uint32_t skip) {
  uint64_t most = 0;
  for (uint32_t p = 0; p < parties; ++p) {
    const uint64_t w = shamirReduceWords(n, parties, skip, p);
    if (w > most) most = w;
  }
  return most;
}

} // namespace smpc::bc
