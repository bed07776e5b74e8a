//===- pool_estimate.h - pool records a program is expected to draw -------===//
//
// From the preprocessing needs in a program's header (bc::opMaterial summed
// by the compiler), per pool kind. Used to size a one-job pool (`smpc
// party`) and a node job's first reservation from the shared pool.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/preproc/pool/pool_command.h"
#include "vm/bytecode/program.h"

#include <array>
#include <cstdint>

namespace smpc::preproc {

std::array<uint64_t, kPoolKinds> estimateMaterial(const bc::PreprocNeeds &needs);

/// 64-bit words per pooled record of each kind (a triple is 3, a daBit 2).
constexpr std::size_t poolRecordWords(PoolKind k) {
  return bc::info(material(k)).poolWords;
}

/// The kind's name in material.def ("triples", "bool", ...): status lines,
/// metrics, the node configuration.
constexpr const char *poolKindName(PoolKind k) {
  return bc::info(material(k)).name.data();
}

} // namespace smpc::preproc
