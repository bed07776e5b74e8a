//===- protocol_stats.cpp - the text of a protocol's counters -------------===//
#include "vm/core/protocol.h"

namespace smpc::vm {

std::string statsText(const ProtocolStats &s) {
  std::string t = "rounds " + std::to_string(s.rounds) + ", bytes sent " +
                  std::to_string(s.bytesSent) + ", received " + std::to_string(s.bytesReceived);
  for (bc::Material k : bc::kAllMaterials)
    t += ", " + std::string(bc::info(k).name) + " " + std::to_string(s.material[k]);
  return t;
}

} // namespace smpc::vm
