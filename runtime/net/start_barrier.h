//===- start_barrier.h - every party starts the online phase together -----===//
//
// A party that has loaded its job sends one start message to every other
// party and waits for theirs. Afterwards every party has its program,
// inputs and protocol ready, so a clock started here times the computation
// itself, not a wait for the slowest party's start-up (docs/running.md,
// "online time"). One round, a byte per peer; not counted in a protocol's
// statistics.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/core/channel.h"

namespace smpc::net {

/// Returns once every party of `ch` has called it. Throws vm::NetError as a
/// recv does (a peer gone or silent), or vm::NetError naming a peer whose
/// start message is malformed.
void startTogether(vm::Channel &ch);

} // namespace smpc::net
