//===- job_material.h - a job's records from the shared pool, then OT -----===//
//
// A node job's vm::Preprocessing: first the records the job drew from the
// node's shared pool (one lot per pool kind, drawn in the leader's ticket
// order so every node holds the same records for the same job), then, once
// a lot is used up, material made on demand by OT on the job's own channel.
// Every record is handed out once; lots are wiped as they are used and when
// dropped.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/preproc/pool/pool_command.h"
#include "runtime/preproc/pool/triple_pool.h"
#include "vm/core/channel.h"
#include "vm/core/preprocessing.h"

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <vector>

namespace smpc::node {

/// What one job drew, for its --stats and the learned reservation sizes.
struct MaterialStats {
  std::array<uint64_t, preproc::kPoolKinds> fromPool{}; // records reserved from the pool
  std::array<uint64_t, preproc::kPoolKinds> used{};     // records the job consumed
  uint64_t onDemandCalls = 0; // requests the pool could not serve (made on demand)
  /// Requests of material made by shape (matrix triples, truncation pairs
  /// of another shift, shuffle turns), served from stock or on demand: what
  /// the pool stocks for the program's next run.
  std::map<preproc::ShapeKey, uint64_t> shaped;
  uint64_t fromStock = 0; // of those, served from the pool's stock
  double reserveWaitSeconds = 0;
};

class JobMaterial : public vm::Preprocessing {
public:
  virtual MaterialStats stats() const = 0;
};

/// `n` records of one pool kind in the layout vm::Preprocessing hands out:
/// three word arrays (triples, bool words, truncation: a/b/c or
/// r/msb/high), or values plus packed bits (daBits: arith + 1 bit each;
/// edaBits: r + 64 bit-slices). Wiped when cleared or destroyed.
struct Lot {
  std::size_t n = 0;
  std::vector<uint64_t> x, y, z;
  Lot() = default;
  Lot(Lot &&o) noexcept;
  Lot &operator=(Lot &&o) noexcept;
  Lot(const Lot &) = delete;
  Lot &operator=(const Lot &) = delete;
  ~Lot() { clear(); }
  void clear();
};
using Lots = std::array<Lot, preproc::kPoolKinds>;
/// Items the pool made ahead by shape, for one job (TriplePool::takeStock).
using Stocked = std::map<preproc::ShapeKey, std::deque<preproc::ShapedItem>>;

/// Makes `n` records of `kind` from `gen` (a pool or an OT generator).
Lot makeLot(vm::Preprocessing &gen, preproc::PoolKind kind, std::size_t n, uint32_t truncShift);
/// counts[k] records of every kind, kinds in PoolKind order.
Lots drawLots(vm::Preprocessing &from, const std::array<uint64_t, preproc::kPoolKinds> &counts,
              uint32_t truncShift);

/// Serves `lots` first, then makes the rest by OT on `onDemand` (among
/// `parties` computing parties). Truncation pairs of a shift other than
/// `truncShift`, matrix triples and shuffles come from `stocked` when it
/// holds an item of the request's exact shape, else are made on demand.
std::unique_ptr<JobMaterial> makeJobMaterial(Lots lots, vm::Channel &onDemand, uint32_t parties,
                                             uint32_t truncShift, double reserveWaitSeconds,
                                             Stocked stocked = {});

} // namespace smpc::node
