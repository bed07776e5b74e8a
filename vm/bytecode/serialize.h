//===- serialize.h - .smpcb files to and from Program ---------------------===//
#pragma once

#include "vm/bytecode/program.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace smpc::bc {

/// Encodes a program (little-endian, layout in docs/bytecode.md).
std::vector<uint8_t> writeProgram(const Program &prog);

/// Decodes and fully verifies a program. On failure returns false and sets
/// `error` to one sentence naming what is wrong; never crashes, never
/// allocates more than the input justifies.
[[nodiscard]] bool readProgram(std::span<const uint8_t> bytes, Program &out, std::string &error);

/// Checks every structural property the VM relies on (register indices,
/// lengths per LenRule, jump targets, table indices, static bounds). Returns
/// an empty string when the program is valid.
std::string verifyProgram(const Program &prog);

/// Human-readable listing, one instruction per line, with source positions.
std::string disassemble(const Program &prog);

} // namespace smpc::bc
