//===- pool_command.h - leader-to-follower commands of the triple pool ----===//
//
// Party 0 decides what the background generators make next and tells the
// others, so that every party runs the same generator calls in the same
// order (pools are filled by demand, and demand timing differs per party).
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/material.h"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace smpc::preproc {

/// Kinds of material kept in pools: the SMPC_POOLED rows of
/// vm/bytecode/material.def, in their order (matrix triples and shuffle
/// turns, whose shapes are the program's, are made on demand).
enum class PoolKind : uint8_t {
#define SMPC_POOLED(Id, Name, Unit, PoolWords, PoolCapacity, Doc) Id,
#include "vm/bytecode/material.def"
};
inline constexpr std::size_t kPoolKinds = 0
#define SMPC_POOLED(Id, Name, Unit, PoolWords, PoolCapacity, Doc) +1
#include "vm/bytecode/material.def"
    ;
inline constexpr std::array<bc::Material, kPoolKinds> kPoolMaterial = {
#define SMPC_POOLED(Id, Name, Unit, PoolWords, PoolCapacity, Doc) bc::Material::Id,
#include "vm/bytecode/material.def"
};
/// Default records per pool kind (material.def's PoolCapacity).
inline constexpr std::array<std::size_t, kPoolKinds> kDefaultPoolCapacity = {
#define SMPC_POOLED(Id, Name, Unit, PoolWords, PoolCapacity, Doc) PoolCapacity,
#include "vm/bytecode/material.def"
};
/// The kind of material.def a pool kind keeps.
constexpr bc::Material material(PoolKind k) {
  return kPoolMaterial[static_cast<std::size_t>(k)];
}

enum class PoolOp : uint8_t {
  Generate = 1,  // fill pool `kind` with `count` records
  Matrix = 2,    // one matrix triple m x k x n, on demand
  TruncOnce = 3, // `count` truncation pairs for `shift`, on demand
  Idle = 4,      // heartbeat: nothing to do (keeps follower links alive)
  Stop = 5,      // the leader's pool is shutting down
  Shuffle = 6,   // one shuffle turn, on demand: m rows, n wide, permuter `shift`
  // Stock: the same three, made ahead for later jobs (TriplePool::setStock).
  StockMatrix = 7,
  StockTrunc = 8,
  StockShuffle = 9,
};

/// The on-demand op a stock op makes ahead (Matrix, TruncOnce, Shuffle), or
/// `op` itself.
constexpr PoolOp madeOp(PoolOp op) {
  switch (op) {
  case PoolOp::StockMatrix:
    return PoolOp::Matrix;
  case PoolOp::StockTrunc:
    return PoolOp::TruncOnce;
  case PoolOp::StockShuffle:
    return PoolOp::Shuffle;
  default:
    return op;
  }
}

struct PoolCommand {
  PoolOp op = PoolOp::Idle;
  PoolKind kind = PoolKind::Triple;
  uint64_t count = 0;
  uint32_t m = 0, k = 0, n = 0, shift = 0;
};

/// The shape of one on-demand request (op Matrix, TruncOnce or Shuffle and
/// its fields): stocked material is kept and handed out by shape.
struct ShapeKey {
  PoolOp op = PoolOp::Matrix;
  uint64_t count = 0;
  uint32_t m = 0, k = 0, n = 0, shift = 0;
  auto operator<=>(const ShapeKey &) const = default;
};
constexpr ShapeKey shapeOf(const PoolCommand &c) {
  return {madeOp(c.op), c.count, c.m, c.k, c.n, c.shift};
}
/// 64-bit words one item of this shape holds (at most; a shuffle turn's
/// permutation is held by its permuter only, its mask by the others).
constexpr uint64_t shapeWords(const ShapeKey &s) {
  switch (s.op) {
  case PoolOp::Matrix:
    return uint64_t(s.m) * s.k + uint64_t(s.k) * s.n + uint64_t(s.m) * s.n;
  case PoolOp::TruncOnce:
    return 3 * s.count;
  default: // Shuffle
    return uint64_t(s.m) + 2 * uint64_t(s.m) * s.n;
  }
}

/// Largest count / matrix size a command may carry (bounds follower memory).
inline constexpr uint64_t kMaxCommandElems = uint64_t{1} << 28;

std::vector<uint8_t> pool_command_encode(const PoolCommand &c);
/// Throws std::runtime_error("malformed pool command") on anything invalid.
PoolCommand pool_command_decode(std::span<const uint8_t> msg);

} // namespace smpc::preproc
