//===- errors.h - exceptions a protocol may raise while running a program -===//
//
// Messages name the party and the operation, never a share or secret value.
//===----------------------------------------------------------------------===//
#pragma once

#include <stdexcept>

namespace smpc::vm {

/// A protocol failed: a peer vanished or misbehaved, preprocessing ran out,
/// or a consistency check failed.
class ProtocolError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

} // namespace smpc::vm
