//===- pool_estimate.h - pool records a program is expected to draw -------===//
//
// From the preprocessing needs in a program's header, per pool kind
// (triples, boolean triple words, daBits, edaBits, truncation pairs). AND
// triple words are an upper bound: a comparison of a short vector still
// takes whole 64-bit words (123 per ltz, 63 per eqz), counted here per
// element. Used to size a one-job pool (`smpc party`) and a node job's
// first reservation from the shared pool.
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/preproc/pool/pool_command.h"
#include "vm/bytecode/program.h"

#include <array>
#include <cstdint>

namespace smpc::preproc {

std::array<uint64_t, kPoolKinds> estimateMaterial(const bc::PreprocNeeds &needs);

/// 64-bit words per pooled record of each kind (a triple is 3, a daBit 2).
std::size_t poolRecordWords(PoolKind k);

/// "triples", "bool", "dabits", "edabits", "trunc": status lines, metrics,
/// the node configuration.
const char *poolKindName(PoolKind k);

} // namespace smpc::preproc
