//===- pool_estimate.cpp - expected draws per pool kind --------------------===//
#include "runtime/preproc/pool/pool_estimate.h"

namespace smpc::preproc {

std::array<uint64_t, kPoolKinds> estimateMaterial(const bc::PreprocNeeds &n) {
  std::array<uint64_t, kPoolKinds> r{};
  for (std::size_t k = 0; k < kPoolKinds; ++k)
    r[k] = n.material[kPoolMaterial[k]];
  return r;
}

} // namespace smpc::preproc
