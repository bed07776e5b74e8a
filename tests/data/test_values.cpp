//===- test_values.cpp - one value of a data file to its ring encoding ----===//
#include "runtime/data/number.h"

#include <cmath>
#include <doctest/doctest.h>
#include <random>

using namespace smpc;
using bc::ElemType;
using data::ValueError;

namespace {

struct Enc {
  ValueError err;
  int64_t v;
};

Enc enc(std::string_view text, ElemType t, uint8_t f = 16) {
  uint64_t v = 0;
  ValueError e = data::encodeValue(text, t, f, v);
  return {e, int64_t(v)};
}

int64_t fix(std::string_view text, uint8_t f = 16) {
  Enc e = enc(text, ElemType::Fix, f);
  REQUIRE(e.err == ValueError::None);
  return e.v;
}

int64_t integer(std::string_view text) {
  Enc e = enc(text, ElemType::Int);
  REQUIRE(e.err == ValueError::None);
  return e.v;
}

} // namespace

TEST_CASE("integers: one optional sign, digits, the 64-bit range") {
  CHECK(integer("0") == 0);
  CHECK(integer("-0") == 0);
  CHECK(integer("+5") == 5);
  CHECK(integer("-5") == -5);
  CHECK(integer("9223372036854775807") == INT64_MAX);
  CHECK(integer("-9223372036854775808") == INT64_MIN);
  CHECK(enc("9223372036854775808", ElemType::Int).err == ValueError::IntRange);
  CHECK(enc("-9223372036854775809", ElemType::Int).err == ValueError::IntRange);
  CHECK(enc("123456789012345678901234", ElemType::Int).err == ValueError::IntRange);
  for (const char *bad :
       {"+-5", "-+5", "--5", "++5", "5-", "1.0", "1e3", "0x10", "1 2", "-", "+", "five", "1_000"})
    CHECK_MESSAGE(enc(bad, ElemType::Int).err == ValueError::NotInteger, bad);
  CHECK(enc("", ElemType::Int).err == ValueError::Empty);
}

TEST_CASE("integers: the digits-only fast path agrees with the general parser") {
  // "d..." and "-d..." take the fast path up to 18 digits; "+d..." always
  // takes the general one. Both must give the same encoding or error.
  const uint32_t seed = 20261130;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 20000; ++i) {
    const int digits = int(1 + rng() % 20);
    std::string d;
    for (int k = 0; k < digits; ++k)
      d += char('0' + rng() % 10);
    if (rng() % 4 == 0) d[0] = '0'; // leading zeros too
    INFO(d);
    uint64_t fast = 0, general = 0;
    const ValueError a = data::encodeValue(d, ElemType::Int, 16, fast);
    const ValueError b = data::encodeValue("+" + d, ElemType::Int, 16, general);
    REQUIRE(a == b);
    if (a == ValueError::None) REQUIRE(fast == general);
    uint64_t neg = 0;
    const ValueError c = data::encodeValue("-" + d, ElemType::Int, 16, neg);
    if (c == ValueError::None && b == ValueError::None) REQUIRE(neg == uint64_t(0) - general);
    if (b == ValueError::LeadingZero) REQUIRE(c == ValueError::LeadingZero);
  }
}

TEST_CASE("leading zeros, quotes and long fields are refused with their own reason") {
  // "1,000" splits into "1" and "000": the second field says why.
  CHECK(enc("000", ElemType::Int).err == ValueError::LeadingZero);
  CHECK(enc("007", ElemType::Fix).err == ValueError::LeadingZero);
  CHECK(enc("-00.5", ElemType::Fix).err == ValueError::LeadingZero);
  CHECK(fix("0.5") == 32768);
  CHECK(fix("-0.5") == -32768);
  CHECK(enc("\"1", ElemType::Int).err == ValueError::Quoted);
  CHECK(enc("'2'", ElemType::Fix).err == ValueError::Quoted);
  CHECK(enc(std::string(1025, '1'), ElemType::Fix).err == ValueError::TooLong);
  CHECK(data::describe(ValueError::LeadingZero, 16).find("1000, not 1,000") != std::string::npos);
}

TEST_CASE("fixed point: exact decimal scaling, round half to even") {
  CHECK(fix("1") == 65536);
  CHECK(fix("1.5") == 98304);
  CHECK(fix("-0.25") == -16384);
  CHECK(fix("0.1") == 6554); // 6553.6
  CHECK(fix(".5") == 32768);
  CHECK(fix("5.") == 5 * 65536);
  CHECK(fix("1e2") == 100 * 65536);
  CHECK(fix("25E-1") == 163840);
  CHECK(fix("+2.5e+0") == 163840);
  // 2^-17 = 0.00000762939453125 is exactly half a unit: ties go to even.
  CHECK(fix("0.00000762939453125") == 0);
  CHECK(fix("0.00002288818359375") == 2); // 1.5 units
  CHECK(fix("-0.00002288818359375") == -2);
  CHECK(fix("0.0000076293945312500000000001") == 1); // just above the tie: exact path
  CHECK(fix("0.0000077") == 1);
  CHECK(fix("0.0000076") == 0);
  // Below half a unit, however small: 0 (in CSV and JSON alike).
  CHECK(fix("1e-400") == 0);
  CHECK(fix("-1e-999999999") == 0);
  CHECK(fix("0e500") == 0);
  // The range: magnitude below 2^(63-f).
  CHECK(fix("140737488355327.99") == INT64_MAX - 654); // 2^63 - 655.36 -> - 655
  CHECK(enc("140737488355328", ElemType::Fix).err == ValueError::FixRange);
  CHECK(fix("-140737488355328") == INT64_MIN);
  CHECK(enc("1e15", ElemType::Fix).err == ValueError::FixRange);
  CHECK(enc("1e400", ElemType::Fix).err == ValueError::FixRange);
  CHECK(enc("123456789012345678901234567890", ElemType::Fix).err == ValueError::FixRange);
  CHECK(fix("3", 30) == int64_t(3) << 30);
  CHECK(enc("8589934592", ElemType::Fix, 30).err == ValueError::FixRange); // 2^33
  CHECK(data::describe(ValueError::FixRange, 16) ==
        "is out of the fixed-point range (magnitude below 2^47)");
  for (const char *bad : {"+-1.5", "1.5.2", "1e", "1e+", "e5", ".", "-.", "1,5", "0x1p3"})
    CHECK_MESSAGE(enc(bad, ElemType::Fix).err == ValueError::NotNumber, bad);
  for (const char *inf : {"nan", "NaN", "-inf", "Infinity", "+INF"})
    CHECK_MESSAGE(enc(inf, ElemType::Fix).err == ValueError::NotFinite, inf);
}

TEST_CASE("fixed point: the 19-digit fast path agrees with the exact path") {
  // Padding a number with zeros past 19 significant digits sends it down
  // the exact digit-by-digit path; both must give the same encoding.
  const uint32_t seed = 20240607;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 20000; ++i) {
    const uint8_t f = uint8_t(1 + rng() % 30);
    const int intDigits = int(rng() % 12), fracDigits = int(rng() % 12);
    std::string s = (rng() & 1) ? "-" : "";
    s += std::to_string(rng() % 9 + 1);
    for (int k = 1; k < intDigits; ++k)
      s += char('0' + rng() % 10);
    s += ".";
    for (int k = 0; k < fracDigits; ++k)
      s += char('0' + rng() % 10);
    uint64_t fast = 0, exact = 0;
    ValueError a = data::encodeValue(s, ElemType::Fix, f, fast);
    ValueError b = data::encodeValue(s + "00000000000000000000", ElemType::Fix, f, exact);
    INFO(s << " f=" << int(f));
    REQUIRE(a == b);
    if (a != ValueError::None) continue;
    REQUIRE(fast == exact);
    // And it is the nearest fixed-point value.
    const long double want = std::ldexp(std::stold(s), f);
    CHECK(std::fabs((long double)int64_t(fast) - want) <= 0.5L + 1e-6L * std::fabs(want));
  }
}

TEST_CASE("booleans: 0, 1, true, false in any case") {
  CHECK(enc("1", ElemType::Bool).v == 1);
  CHECK(enc("0", ElemType::Bool).v == 0);
  CHECK(enc("TRUE", ElemType::Bool).v == 1);
  CHECK(enc("False", ElemType::Bool).v == 0);
  for (const char *bad : {"2", "yes", "01", "1.0", "t"})
    CHECK_MESSAGE(enc(bad, ElemType::Bool).err == ValueError::NotBoolean, bad);
}
