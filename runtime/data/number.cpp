//===- number.cpp - exact decimal text to ring integers -------------------===//
//
// Fast path: up to 19 significant digits in a uint64 and a power of ten,
// scaled and rounded with (128-bit) integer division. Longer mantissas take
// an exact digit-by-digit path; both give round-half-even of value * 2^f.
//===----------------------------------------------------------------------===//
#include "runtime/data/number.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace smpc::data {

namespace {

using u128 = unsigned __int128;

constexpr std::array<u128, 39> makePow10() {
  std::array<u128, 39> p{};
  p[0] = 1;
  for (size_t i = 1; i < p.size(); ++i)
    p[i] = p[i - 1] * 10;
  return p;
}
constexpr std::array<u128, 39> kPow10 = makePow10();

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// A decimal number: value = mant * 10^exp10, where mant holds the first 19
// significant digits; `dropped` says there were more.
struct Decimal {
  bool neg = false;
  uint64_t mant = 0;
  int64_t exp10 = 0;
  bool dropped = false;
  bool integral = true;     // no '.' and no exponent
  bool leadingZero = false; // "007", "00.5": digits before the point start with 0
};

// Parses [+-]digits[.digits][(e|E)[+-]digits], at least one mantissa digit.
bool parseDecimal(std::string_view s, Decimal &d) {
  size_t i = 0, n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) d.neg = s[i++] == '-';
  int sig = 0;
  bool any = false;
  auto digit = [&](int v, bool afterPoint) {
    any = true;
    if (sig == 0 && v == 0) { // a leading zero moves nothing but the point
      d.exp10 -= afterPoint;
      return;
    }
    if (sig < 19) {
      d.mant = d.mant * 10 + uint64_t(v);
      ++sig;
      d.exp10 -= afterPoint;
    } else {
      d.dropped = true;
      d.exp10 += !afterPoint;
    }
  };
  const size_t intStart = i;
  while (i < n && isDigit(s[i]))
    digit(s[i++] - '0', false);
  d.leadingZero = i - intStart > 1 && s[intStart] == '0';
  if (i < n && s[i] == '.') {
    d.integral = false;
    ++i;
    while (i < n && isDigit(s[i]))
      digit(s[i++] - '0', true);
  }
  if (!any) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    d.integral = false;
    ++i;
    bool eneg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    const size_t start = i;
    int64_t e = 0;
    while (i < n && isDigit(s[i])) {
      e = std::min<int64_t>(e * 10 + (s[i] - '0'), 1000000); // saturates: far out either way
      ++i;
    }
    if (i == start) return false;
    d.exp10 += eneg ? -e : e;
  }
  return i == n;
}

bool equalsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == y;
         });
}

bool isNanOrInf(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  return equalsNoCase(s, "nan") || equalsNoCase(s, "inf") || equalsNoCase(s, "infinity");
}

// q rounded to even on a tie, q = num / den with remainder r.
template <class T> T roundHalfEven(T q, T r, T den, bool sticky) {
  const T rest = den - r;
  if (r > rest || (r == rest && (sticky || (q & 1)))) ++q;
  return q;
}

ValueError finishFix(u128 q, bool neg, uint64_t &out) {
  const u128 lim = u128(1) << 63; // -2^63 is the one value of magnitude 2^63
  if (q > lim || (q == lim && !neg)) return ValueError::FixRange;
  out = neg ? uint64_t(0) - uint64_t(q) : uint64_t(q);
  return ValueError::None;
}

// Exact for any number of digits: the digits times 2^f by repeated
// doubling, then round-half-even at the decimal point.
ValueError encodeFixExact(std::string_view s, bool neg, uint8_t f, uint64_t &out) {
  std::string dig;
  int64_t point = 0; // digits before the decimal point
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  for (; i < s.size() && isDigit(s[i]); ++i, ++point)
    dig += s[i];
  if (i < s.size() && s[i] == '.')
    for (++i; i < s.size() && isDigit(s[i]); ++i)
      dig += s[i];
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    int64_t e = 0;
    for (; i < s.size() && isDigit(s[i]); ++i)
      e = std::min<int64_t>(e * 10 + (s[i] - '0'), 1000000);
    point += eneg ? -e : e;
  }
  size_t lead = dig.find_first_not_of('0');
  if (lead == std::string::npos) {
    out = 0;
    return ValueError::None;
  }
  dig.erase(0, lead);
  point -= int64_t(lead);
  if (point > 40) return ValueError::FixRange;
  if (point < -40) { // below 10^-40: rounds to 0 for any f <= 62
    out = 0;
    return ValueError::None;
  }
  for (uint8_t k = 0; k < f; ++k) {
    int carry = 0;
    for (size_t j = dig.size(); j-- > 0;) {
      int v = (dig[j] - '0') * 2 + carry;
      dig[j] = char('0' + v % 10);
      carry = v / 10;
    }
    if (carry) {
      dig.insert(dig.begin(), '1');
      ++point;
    }
  }
  if (point > 20) return ValueError::FixRange;
  u128 q = 0;
  for (int64_t j = 0; j < point; ++j)
    q = q * 10 + u128(size_t(j) < dig.size() ? dig[size_t(j)] - '0' : 0);
  if (point >= 0 && size_t(point) < dig.size()) {
    const int first = dig[size_t(point)] - '0';
    const bool rest = dig.find_first_not_of('0', size_t(point) + 1) != std::string::npos;
    if (first > 5 || (first == 5 && (rest || (q & 1)))) ++q;
  }
  return finishFix(q, neg, out);
}

ValueError encodeFix(std::string_view text, const Decimal &d, uint8_t f, uint64_t &out) {
  if (d.mant == 0) {
    out = 0;
    return ValueError::None;
  }
  if (d.dropped) return encodeFixExact(text, d.neg, f, out);
  if (d.exp10 >= 0) {
    if (d.exp10 > 19) return ValueError::FixRange;
    const u128 v = u128(d.mant) * kPow10[size_t(d.exp10)];
    if (v > (u128(1) << (63 - f))) return ValueError::FixRange;
    return finishFix(v << f, d.neg, out);
  }
  const int64_t k = -d.exp10;
  if (k > 38) { // mant * 2^f < 2^94 < 10^38 / 2: rounds to 0
    out = 0;
    return ValueError::None;
  }
  if (k <= 19 && (f == 0 || d.mant < (uint64_t(1) << (64 - f)))) {
    const uint64_t num = d.mant << f, den = uint64_t(kPow10[size_t(k)]);
    return finishFix(roundHalfEven(num / den, num % den, den, false), d.neg, out);
  }
  const u128 num = u128(d.mant) << f, den = kPow10[size_t(k)];
  return finishFix(roundHalfEven(num / den, num % den, den, false), d.neg, out);
}

} // namespace

ValueError encodeValue(std::string_view text, bc::ElemType elem, uint8_t fracBits, uint64_t &out) {
  if (text.empty()) return ValueError::Empty;
  if (text[0] == '"' || text[0] == '\'') return ValueError::Quoted;
  if (elem == bc::ElemType::Bool) {
    if (text == "1" || equalsNoCase(text, "true")) {
      out = 1;
      return ValueError::None;
    }
    if (text == "0" || equalsNoCase(text, "false")) {
      out = 0;
      return ValueError::None;
    }
    return ValueError::NotBoolean;
  }
  const bool isInt = elem == bc::ElemType::Int;
  if (isInt && text.size() <= 19) {
    // Fast path for the common case, [-]digits without a leading zero: at
    // most 18 digits stay below 2^63. Anything else takes the full parser.
    const bool neg = text[0] == '-';
    const size_t digits = text.size() - neg;
    if (digits >= 1 && (digits == 1 || text[neg] != '0')) {
      uint64_t m = 0;
      size_t i = neg;
      for (; i < text.size(); ++i) {
        const unsigned c = unsigned(text[i]) - '0';
        if (c > 9) break;
        m = m * 10 + c;
      }
      if (i == text.size() && digits <= 18) {
        out = neg ? uint64_t(0) - m : m;
        return ValueError::None;
      }
    }
  }
  if (text.size() > kMaxValueChars) return ValueError::TooLong;
  Decimal d;
  if (!parseDecimal(text, d)) {
    if (!isInt && isNanOrInf(text)) return ValueError::NotFinite;
    return isInt ? ValueError::NotInteger : ValueError::NotNumber;
  }
  if (d.leadingZero) return ValueError::LeadingZero;
  if (!isInt) return encodeFix(text, d, fracBits, out);
  if (!d.integral) return ValueError::NotInteger;
  const uint64_t lim = uint64_t(1) << 63;
  if (d.dropped || d.mant > lim || (d.mant == lim && !d.neg)) return ValueError::IntRange;
  out = d.neg ? uint64_t(0) - d.mant : d.mant;
  return ValueError::None;
}

std::string describe(ValueError e, uint8_t fracBits) {
  switch (e) {
  case ValueError::None:
    return "is fine";
  case ValueError::Empty:
    return "is empty";
  case ValueError::NotInteger:
    return "is not an integer";
  case ValueError::NotNumber:
    return "is not a number";
  case ValueError::NotBoolean:
    return "is not a boolean (0, 1, true or false)";
  case ValueError::NotFinite:
    return "is not a finite number (NaN or infinity)";
  case ValueError::IntRange:
    return "is out of range for a 64-bit integer";
  case ValueError::FixRange:
    return "is out of the fixed-point range (magnitude below 2^" +
           std::to_string(63 - int(fracBits)) + ")";
  case ValueError::LeadingZero:
    return "starts with a zero followed by digits; write numbers without leading zeros or "
           "thousands separators (1000, not 1,000)";
  case ValueError::Quoted:
    return "is in quotes; write plain numbers without quotes or thousands separators";
  case ValueError::TooLong:
    return "is longer than " + std::to_string(kMaxValueChars) + " characters";
  }
  return "is not valid";
}

} // namespace smpc::data
