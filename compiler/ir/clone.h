//===- clone.h - deep copies of IR instructions within one function ------===//
//
// Passes that duplicate code (loop fusion, loop peeling) copy instructions
// with their regions, giving every value the copy defines a fresh id.
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/ir.h"

#include <memory>
#include <unordered_map>

namespace smpc::ir {

/// Copies `src` (and its regions) into function `f`. Operands found in `map`
/// are renamed; others (values defined outside the copied code) are kept.
/// Every value the copy defines gets a fresh id, recorded in `map`.
std::unique_ptr<Inst> cloneInst(Function &f, const Inst &src,
                                std::unordered_map<ValueId, ValueId> &map);

/// The same for a whole block, block arguments included.
Block cloneBlock(Function &f, const Block &src, std::unordered_map<ValueId, ValueId> &map);

} // namespace smpc::ir
