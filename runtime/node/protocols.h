//===- protocols.h - the protocols a node can run a job under -------------===//
//
// The protocol is a parameter of each job. A node stores every dataset as
// additive shares over Z_2^64 (what a client's split produces), so each
// entry says how to build the protocol and how its secret shares relate to
// those additive shares. Adding a protocol means adding a row in
// protocols.cpp (and, for a non-additive sharing, an import step).
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/core/channel.h"
#include "vm/core/preprocessing.h"
#include "vm/core/protocol.h"

#include <memory>
#include <string>

namespace smpc::node {

struct ProtocolEntry {
  const char *name;
  /// Builds the protocol for one job on its online channel.
  std::unique_ptr<vm::Protocol> (*make)(vm::Channel &online, vm::Preprocessing &pre);
  /// The protocol's secret shares are additive shares over Z_2^64: stored
  /// datasets feed its inputs as they are, and its output shares can be
  /// reconstructed by a client by adding them up.
  bool additive;
};

const ProtocolEntry *findProtocol(const std::string &name);
/// "semi2k" (comma-separated when there are several).
std::string protocolNames();

} // namespace smpc::node
