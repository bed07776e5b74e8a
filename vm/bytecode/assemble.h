//===- assemble.h - text assembly (the disassembler's format) to Program --===//
//
// `disassemble` prints a program in this format and `assemble` reads it back,
// so hand-written programs and edited listings can feed the VM. Layout of the
// text: docs/bytecode.md, "Assembly".
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/program.h"

#include <string>
#include <string_view>

namespace smpc::bc {

/// Parses and verifies assembly text. On failure returns false and sets
/// `error` to `line N: what is wrong` (or the verifier's message).
[[nodiscard]] bool assemble(std::string_view text, Program &out, std::string &error);

} // namespace smpc::bc
