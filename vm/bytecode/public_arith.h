//===- public_arith.h - public ring arithmetic, one definition for all ----===//
//
// The VM's public instructions (add.p, div.p, ...), the compiler's constant
// folding, the lowering of constant expressions and the evaluation of sizes
// in sema all compute with these functions, so a folded constant and a value
// computed at run time cannot disagree.
//
// Values are elements of the ring Z_2^64: +, -, * and negation wrap around;
// where the sign matters a value is read as two's complement. Division and
// remainder round toward zero like C. The one overflow of signed division,
// INT64_MIN / -1, wraps to INT64_MIN like every other ring overflow (and
// INT64_MIN % -1 is 0); nothing here has undefined behaviour. Division by
// zero has no value: the functions return nullopt and each caller decides
// (the VM stops with a run-time error, sema and lowering report a compile
// error, constant folding leaves the instruction for the VM).
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>

namespace smpc::bc::arith {

constexpr uint64_t add(uint64_t a, uint64_t b) {
  return a + b;
}
constexpr uint64_t sub(uint64_t a, uint64_t b) {
  return a - b;
}
constexpr uint64_t mul(uint64_t a, uint64_t b) {
  return a * b;
}
constexpr uint64_t neg(uint64_t a) {
  return uint64_t(0) - a;
}

/// a / b, signed, rounded toward zero; nullopt when b = 0.
constexpr std::optional<uint64_t> div(uint64_t a, uint64_t b) {
  if (b == 0) return std::nullopt;
  if (static_cast<int64_t>(b) == -1) return neg(a); // INT64_MIN / -1 wraps
  return static_cast<uint64_t>(static_cast<int64_t>(a) / static_cast<int64_t>(b));
}

/// a % b, signed, with the sign of a; nullopt when b = 0.
constexpr std::optional<uint64_t> rem(uint64_t a, uint64_t b) {
  if (b == 0) return std::nullopt;
  if (static_cast<int64_t>(b) == -1) return 0; // INT64_MIN % -1
  return static_cast<uint64_t>(static_cast<int64_t>(a) % static_cast<int64_t>(b));
}

/// (a * 2^f) / b for fixed-point values with f < 63 fraction bits: computed
/// in 128 bits, rounded toward zero, reduced mod 2^64; nullopt when b = 0.
constexpr std::optional<uint64_t> fixDiv(uint64_t a, uint64_t b, unsigned f) {
  if (b == 0) return std::nullopt;
  const __int128 scaled = static_cast<__int128>(static_cast<int64_t>(a)) * (__int128(1) << f);
  return static_cast<uint64_t>(static_cast<unsigned __int128>(scaled / static_cast<int64_t>(b)));
}

/// a << k and arithmetic (floor) a >> k, for 0 <= k <= 63.
constexpr uint64_t shl(uint64_t a, unsigned k) {
  return a << k;
}
constexpr uint64_t shr(uint64_t a, unsigned k) {
  return static_cast<uint64_t>(static_cast<int64_t>(a) >> k);
}

/// Comparisons give 0 or 1; lt is signed.
constexpr uint64_t lt(uint64_t a, uint64_t b) {
  return static_cast<int64_t>(a) < static_cast<int64_t>(b) ? 1 : 0;
}
constexpr uint64_t eq(uint64_t a, uint64_t b) {
  return a == b ? 1 : 0;
}

static_assert(*div(uint64_t(INT64_MIN), uint64_t(-1)) == uint64_t(INT64_MIN));
static_assert(*rem(uint64_t(INT64_MIN), uint64_t(-1)) == 0);
static_assert(*div(uint64_t(-7), 2) == uint64_t(-3) && *rem(uint64_t(-7), 2) == uint64_t(-1));
static_assert(!div(1, 0) && !rem(1, 0) && !fixDiv(1, 0, 16));
static_assert(shr(uint64_t(-5), 1) == uint64_t(-3));

} // namespace smpc::bc::arith
