//===- protocols.cpp - protocol lookup and party-count checks -------------===//
#include "vm/bytecode/protocols.h"

namespace smpc::bc {

std::optional<ProtocolId> protocolFromName(std::string_view name) {
  for (unsigned i = 0; i < kNumProtocols; ++i)
    if (kProtocolInfo[i].name == name) return static_cast<ProtocolId>(i);
  return std::nullopt;
}

std::string protocolNames(std::string_view sep) {
  std::string s;
  for (unsigned i = 0; i < kNumProtocols; ++i) {
    if (i) s += sep;
    s += kProtocolInfo[i].name;
  }
  return s;
}

std::string checkParties(ProtocolId p, uint32_t parties, std::string_view what) {
  const ProtocolInfo &pi = info(p);
  if (parties >= pi.minParties && parties <= pi.maxParties) return "";
  const std::string n = std::to_string(parties), name(pi.name), src(what);
  if (pi.minParties == pi.maxParties)
    return name + " runs with exactly " + std::to_string(pi.minParties) + " parties, " + src +
           " is " + n;
  return name + " runs with " + std::to_string(pi.minParties) + " to " +
         std::to_string(pi.maxParties) + " parties, " + src + " is " + n;
}

} // namespace smpc::bc
