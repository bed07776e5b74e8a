//===- outputs.h - formatting program outputs as text or JSON -------------===//
#pragma once

#include "vm/core/machine.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace smpc::data {

/// One element decoded for display: fix with up to 6 decimals, trailing
/// zeros trimmed; bools as true/false; ints signed.
std::string formatElement(bc::ElemType t, uint64_t v, uint8_t fracBits);

/// `name = value` lines; vectors `[1, 2]`, matrices `[[1, 2], [3, 4]]`.
std::string formatOutputsText(const std::vector<vm::OutputValue> &outs, uint8_t fracBits);

/// {"name": value, ...}: fix as exact JSON numbers (all digits of the
/// fixed-point value), bools as booleans.
nlohmann::json outputsJson(const std::vector<vm::OutputValue> &outs, uint8_t fracBits);

} // namespace smpc::data
