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

/// ANTLR caches its predictions in DFA states shared by every parse of the
/// process and never drops one; inputs unlike any before add some. A
/// process that parses many programs (a node, a test suite, a fuzzer)
/// would grow without bound, so after a parse that leaves more than this
/// many states (about 3 KB each) the cache starts over.
inline constexpr size_t kMaxParserDfaStates = 20000;

/// The shared parser DFA's states now, and a lower bound for tests.
size_t parserDfaStates();
void setMaxParserDfaStatesForTest(size_t states);

} // namespace smpc::front
