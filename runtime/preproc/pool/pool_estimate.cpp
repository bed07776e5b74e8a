//===- pool_estimate.cpp - expected draws per pool kind --------------------===//
#include "runtime/preproc/pool/pool_estimate.h"

namespace smpc::preproc {

namespace {
// AND gates per element of one comparison (vm/protocols/semi2k/compare_tasks.cpp).
constexpr uint64_t kLtzAnds = 123, kEqzAnds = 63;
} // namespace

std::array<uint64_t, kPoolKinds> estimateMaterial(const bc::PreprocNeeds &n) {
  const uint64_t cmp = n.ltz + n.eqz;
  // Kinds in PoolKind order: triples, AND-triple words, daBits, edaBits, truncation pairs.
  return {n.triples, n.ltz * kLtzAnds + n.eqz * kEqzAnds, cmp, cmp, n.truncPairs};
}

std::size_t poolRecordWords(PoolKind k) {
  // Words per record: triples a,b,c; bool words a,b,c; daBit arith,bit;
  // edaBit r,bits-of-r; truncation r,msb,high (triple_pool.cpp stores these).
  switch (k) {
  case PoolKind::Triples:
  case PoolKind::BoolTriples:
  case PoolKind::Trunc:
    return 3;
  case PoolKind::DaBits:
  case PoolKind::EdaBits:
    return 2;
  }
  return 3;
}

const char *poolKindName(PoolKind k) {
  switch (k) {
  case PoolKind::Triples:
    return "triples";
  case PoolKind::BoolTriples:
    return "bool";
  case PoolKind::DaBits:
    return "dabits";
  case PoolKind::EdaBits:
    return "edabits";
  case PoolKind::Trunc:
    return "trunc";
  }
  return "?";
}

} // namespace smpc::preproc
