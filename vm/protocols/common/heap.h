//===- heap.h - heap settings for processes that run protocol rounds -------===//
#pragma once

#include <malloc.h>

namespace smpc::protocols {

/// Protocol rounds allocate and free share buffers of megabytes many times a
/// second; with glibc's adaptive defaults those alternate between fresh
/// mappings and trimmed heap, so every round page-faults its buffers in again
/// (about half the page faults of a sort; a rep3 product of 10^6 twice as
/// slow). Serve them from a heap that is kept: mmap only above 32 MiB, trim
/// only above 256 MiB free. Called first thing by every process that runs
/// parties (`smpc`, the in-process benchmarks).
inline void keepShareBuffersOnHeap() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

} // namespace smpc::protocols
