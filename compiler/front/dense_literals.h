//===- dense_literals.h - long vector literals of numbers, without ANTLR --===//
//
// A literal such as `[3, -1, 2.5, ...]` with thousands of elements costs the
// ANTLR lexer and parser two tokens and several parse-tree nodes per element
// (about 1 KB and 10 us each). Before parsing, findDenseLiterals picks out
// every such literal of at least kDenseMinElems plain numbers; the parser
// sees one placeholder name in its place, and the AST gets the values in one
// Vector expression (Expr::dense). Lowering gives exactly what the elements
// written one by one would give (docs/compiler.md).
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace smpc::front {

inline constexpr size_t kDenseMinElems = 16;

/// `[e1, e2, ...]` where each e is INT, FIXLIT, `-INT` or `-FIXLIT` (as the
/// grammar lexes them), with only whitespace between the tokens.
struct DenseLiteral {
  size_t begin = 0, end = 0;   // bytes of the source: '[' .. one past ']'
  std::vector<uint64_t> bits;  // per element: the int64 value, or the double's bits
  std::vector<bool> isFix;     // per element: a fixed-point literal
  std::vector<size_t> offsets; // per element: its number (after any '-'), in bytes from the '['
  bool anyFix = false;
  double fixValue(size_t i) const;
  int64_t intValue(size_t i) const { return static_cast<int64_t>(bits[i]); }
};

/// Every dense literal of `text` (outside comments) in source order. A
/// literal is left to the parser when its context could make the
/// placeholder parse differently from the brackets (after a name, `)`,
/// `]`, `:`, `<`, `>` or `.`; before `(`, `.` or an assignment), or when an
/// integer does not fit in 63 bits (the parser reports that).
std::vector<DenseLiteral> findDenseLiterals(std::string_view text);

} // namespace smpc::front
