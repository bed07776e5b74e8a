//===- material.h - kinds of preprocessing material and counts of them ----===//
//
// Everything here is generated from material.def; add a kind there.
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smpc::bc {

enum class Material : uint8_t {
#define SMPC_MATERIAL(Id, Name, Unit, Doc) Id,
#include "vm/bytecode/material.def"
};

inline constexpr std::size_t kNumMaterials = 0
#define SMPC_MATERIAL(Id, Name, Unit, Doc) +1
#include "vm/bytecode/material.def"
    ;

struct MaterialInfo {
  std::string_view name;
  std::string_view unit;
  std::size_t poolWords;    // 64-bit words per pooled record; 0 = never pooled
  std::size_t poolCapacity; // default records in a pool
  std::string_view doc;
};

inline constexpr MaterialInfo kMaterialInfo[] = {
#define SMPC_MATERIAL(Id, Name, Unit, Doc) MaterialInfo{Name, Unit, 0, 0, Doc},
#define SMPC_POOLED(Id, Name, Unit, PoolWords, PoolCapacity, Doc)                                  \
  MaterialInfo{Name, Unit, PoolWords, PoolCapacity, Doc},
#include "vm/bytecode/material.def"
};

inline constexpr std::array<Material, kNumMaterials> kAllMaterials = {
#define SMPC_MATERIAL(Id, Name, Unit, Doc) Material::Id,
#include "vm/bytecode/material.def"
};

constexpr std::size_t materialIndex(Material m) {
  return static_cast<std::size_t>(m);
}
constexpr const MaterialInfo &info(Material m) {
  return kMaterialInfo[materialIndex(m)];
}
/// Kept in a pool (else made on demand, in request order).
constexpr bool isPooled(Material m) {
  return info(m).poolWords > 0;
}
/// The kind with this name, if any.
std::optional<Material> materialFromName(std::string_view name);
/// "triples, matrix, ...": every name, for messages that list the kinds.
std::string materialNames(bool pooledOnly = false);

/// Saturating arithmetic: a count that overflows stays at UINT64_MAX.
constexpr uint64_t satAdd(uint64_t a, uint64_t b) {
  return a + b < a ? UINT64_MAX : a + b;
}
constexpr uint64_t satMul(uint64_t a, uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return r > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(r);
}

/// One count per kind of material.
struct MaterialCounts {
  std::array<uint64_t, kNumMaterials> n{};

  uint64_t &operator[](Material m) { return n[materialIndex(m)]; }
  uint64_t operator[](Material m) const { return n[materialIndex(m)]; }
  bool operator==(const MaterialCounts &) const = default;
  bool empty() const {
    for (uint64_t v : n)
      if (v) return false;
    return true;
  }
  /// this += o * times (saturating).
  void add(const MaterialCounts &o, uint64_t times = 1) {
    for (std::size_t k = 0; k < kNumMaterials; ++k)
      n[k] = satAdd(n[k], satMul(o.n[k], times));
  }
  /// Elementwise maximum (an upper bound of either).
  void maxWith(const MaterialCounts &o) {
    for (std::size_t k = 0; k < kNumMaterials; ++k)
      n[k] = n[k] < o.n[k] ? o.n[k] : n[k];
  }
};

} // namespace smpc::bc
