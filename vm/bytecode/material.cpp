//===- material.cpp - lookups over material.def ---------------------------===//
#include "vm/bytecode/material.h"

namespace smpc::bc {

std::optional<Material> materialFromName(std::string_view name) {
  for (Material m : kAllMaterials)
    if (info(m).name == name) return m;
  return std::nullopt;
}

std::string materialNames(bool pooledOnly) {
  std::string s;
  for (Material m : kAllMaterials)
    if (!pooledOnly || isPooled(m)) s += (s.empty() ? "" : ", ") + std::string(info(m).name);
  return s;
}

} // namespace smpc::bc
