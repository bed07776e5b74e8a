//===- regalloc.h - register allocation over structured regions -----------===//
//
// Registers have one fixed length, so values are allocated per class
// (bank, length). Positions are assigned in emission order; a value used
// inside a loop it was not defined in stays live until the loop ends.
// Coalescing gives one register to: a loop-carried value's initial value,
// block argument, yielded value and result; an in-place store's old and new
// vector; an `if` result and the values its branches yield - whenever their
// live ranges do not overlap. Then a linear scan assigns registers.
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/ir.h"

#include <cstdint>
#include <vector>

namespace smpc::backend {

inline constexpr uint32_t kNoReg = ~0u;

struct Allocation {
  std::vector<uint32_t> reg; // per value id, then the virtual values below
  std::vector<uint32_t> sregLen, pregLen;
  ir::ValueId one = ir::kNoValue; // public Int 1, for loop counters
  ir::ValueId cmp = ir::kNoValue; // public Int temporary for loop tests
};

/// Allocates registers for function `f` (calls must have been inlined).
Allocation allocateRegisters(const ir::Function &f);

} // namespace smpc::backend
