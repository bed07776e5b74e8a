//===- protocols.h - the protocols a node runs a job under -----------------===//
//
// The protocol is a parameter of each job; the list is vm/bytecode/
// protocols.def's (every protocol there that runs on several parties: all
// but clear). A node stores every dataset as additive shares over Z_2^64
// (what a client's split produces), so besides building the protocol this
// says how its shares relate to additive ones:
//  * import (a job's inputs): semi2k's shares are additive, taken as they
//    are; under another protocol every party secret-shares its additive
//    share as if it were an input and the parties add the N sharings (one
//    input round for all of a group's inputs).
//  * export (a job's secret outputs, for a client or a new dataset): each
//    party turns its share into an additive share locally (rep3: party i
//    keeps x_i of its (x_i, x_{i+1}); shamir: the constant coefficient of
//    lambda_i * share_i for the first t+1 parties, 0 for the others).
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/program.h"
#include "vm/bytecode/protocols.h"
#include "vm/core/channel.h"
#include "vm/core/preprocessing.h"
#include "vm/core/protocol.h"

#include <memory>
#include <optional>
#include <span>
#include <string>

namespace smpc::node {

/// The protocol called `name` if a node runs it, else nothing.
std::optional<bc::ProtocolId> nodeProtocol(const std::string &name);
/// "semi2k, rep3, shamir": the protocols a node runs, for errors and status.
std::string nodeProtocolNames();

/// A job's protocol and what the node needs to know about it.
class JobProtocol {
public:
  virtual ~JobProtocol() = default;
  virtual vm::Protocol &protocol() = 0;
  /// Its shares are additive shares over Z_2^64: stored shares are its
  /// input shares as they are (no import round).
  virtual bool additive() const = 0;
  /// out[i] := this party's additive share of the secret whose share (planar,
  /// shareWidth() planes of out.size() words) is x.
  virtual void toAdditive(std::span<const vm::Share> x, std::span<uint64_t> out) = 0;
};

/// Builds protocol `p` for one job. `online` carries the job's protocol
/// messages; `background` is the job's preprocessing channel (shamir makes
/// its double sharings there); `material` is the job's preprocessing
/// material, required when bc::info(p).preprocessing (semi2k) and unused
/// otherwise. Everything must outlive the result. Throws std::runtime_error
/// for a protocol a node does not run.
std::unique_ptr<JobProtocol> makeJobProtocol(bc::ProtocolId p, vm::Channel &online,
                                             vm::Channel &background, vm::Preprocessing *material,
                                             const bc::Program &prog);

} // namespace smpc::node
