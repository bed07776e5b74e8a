//===- number.h - one value of a data file to its ring encoding -----------===//
//
// CSV fields and JSON numbers go through the same parser, so a value means
// the same in both formats. Decimal text is converted exactly: a fixed-point
// value is round-half-even of value * 2^f computed without going through a
// binary floating-point number.
//===----------------------------------------------------------------------===//
#pragma once

#include "vm/bytecode/program.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace smpc::data {

/// The longest text a value may have (a CSV field, a JSON number).
inline constexpr size_t kMaxValueChars = 1024;

/// Why a value was refused; describe() turns it into the end of a sentence.
enum class ValueError : uint8_t {
  None,
  Empty,
  NotInteger,
  NotNumber,
  NotBoolean,
  NotFinite,
  IntRange,
  FixRange,
  LeadingZero,
  Quoted,
  TooLong,
};

/// Encodes `text` (trimmed) as an element of type `elem`: ints two's
/// complement, fix as round-half-even of value * 2^fracBits, bools 0/1.
/// Accepts `[+-]digits[.digits][e[+-]digits]` (one sign), `true`/`false`
/// in any case for bools. Returns ValueError::None and sets `out`, or the
/// reason the text is not such a value.
ValueError encodeValue(std::string_view text, bc::ElemType elem, uint8_t fracBits, uint64_t &out);

/// The reason as the end of a sentence ("is not an integer"). Never quotes
/// the value: it may be secret.
std::string describe(ValueError e, uint8_t fracBits);

} // namespace smpc::data
