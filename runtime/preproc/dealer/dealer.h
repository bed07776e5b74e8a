//===- dealer.h - the dealer process's job loop ---------------------------===//
//
// The dealer is an extra, trusted-for-privacy party: it learns nothing about
// the inputs and sends every party i a fresh seed, then answers party 0's
// requests for corrections in order until party 0 says the job is done.
// Its transport is a vm::Channel in which the dealer is node N (parties
// 0..N-1 are the computing parties). The channel's parties() may count the
// dealer (in-process test network) or not (runtime/net mesh), so N is given.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/core/channel.h"

#include <cstdint>

namespace smpc::dealer {

struct DealerStats {
  uint64_t requests = 0;
  uint64_t elements = 0; // elements of material generated, all kinds
  uint64_t bytesSent = 0;
};

/// Serves one job of `parties` computing parties on `ch` (ch.self() ==
/// parties) and returns when party 0 sends Done. Throws DealerError on a
/// malformed request and vm::NetError when a party disappears.
DealerStats serveJob(vm::Channel &ch, uint32_t parties);

} // namespace smpc::dealer
