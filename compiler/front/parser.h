//===- parser.h - source text to AST --------------------------------------===//
#pragma once

#include "compiler/front/ast.h"
#include "compiler/front/diagnostics.h"

#include <memory>

namespace smpc::front {

/// Deepest bracket nesting accepted; deeper input is refused before parsing
/// so that the recursive-descent parser cannot overflow the stack.
inline constexpr unsigned kMaxNesting = 200;

/// Parses buffer `id` of `diags`. Reports every syntax error and returns
/// nullptr if there was any.
std::unique_ptr<Module> parseModule(Diagnostics &diags, unsigned id);

} // namespace smpc::front
