//===- ot_error.h - error raised on malformed OT protocol messages --------===//
//
// Thrown when a peer's message has the wrong size or carries an invalid
// group element. The text never contains message bytes or key material.
//===----------------------------------------------------------------------===//
#pragma once

#include <stdexcept>

namespace smpc::crypto::ot {

class OtError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

} // namespace smpc::crypto::ot
