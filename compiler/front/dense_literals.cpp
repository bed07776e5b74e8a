//===- dense_literals.cpp - find long numeric vector literals in the text -===//
//
// The scan mirrors the grammar's lexer rules (INT : [0-9]+ ; FIXLIT :
// [0-9]+ '.' [0-9]+ ([eE] [+-]? [0-9]+)? ; WS : [ \t\r\n]+ ; comments) and
// gives up on anything else, leaving the literal to the ANTLR parser.
//===----------------------------------------------------------------------===//
#include "compiler/front/dense_literals.h"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string>

namespace smpc::front {

namespace {

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

bool isWordChar(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// One element at s[i]: [-] WS* (INT | FIXLIT), not followed by a word
// character or '.'. Advances i past it.
struct Element {
  bool neg = false, fix = false;
  size_t numBegin = 0, numEnd = 0;
};

bool scanElement(std::string_view s, size_t &i, Element &e) {
  const size_t n = s.size();
  if (i < n && s[i] == '-') {
    e.neg = true;
    ++i;
    while (i < n && isSpace(s[i]))
      ++i;
  }
  e.numBegin = i;
  while (i < n && isDigit(s[i]))
    ++i;
  if (i == e.numBegin) return false;
  if (i + 1 < n && s[i] == '.' && isDigit(s[i + 1])) {
    e.fix = true;
    for (++i; i < n && isDigit(s[i]);)
      ++i;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
      size_t j = i + 1;
      if (j < n && (s[j] == '+' || s[j] == '-')) ++j;
      if (j < n && isDigit(s[j])) {
        while (j < n && isDigit(s[j]))
          ++j;
        i = j;
      }
    }
  }
  e.numEnd = i;
  return !(i < n && (isWordChar(s[i]) || s[i] == '.'));
}

// The element's value as the parser and lowering would compute it:
// INT64 two's complement negation, or the correctly rounded double (strtod
// semantics, including infinity and 0 on overflow and underflow) negated.
bool encode(std::string_view s, const Element &e, DenseLiteral &d) {
  const char *b = s.data() + e.numBegin, *end = s.data() + e.numEnd;
  if (!e.fix) {
    uint64_t v = 0;
    auto r = std::from_chars(b, end, v);
    if (r.ec != std::errc() || v > uint64_t(INT64_MAX)) return false; // the parser reports it
    d.bits.push_back(e.neg ? uint64_t(0) - v : v);
    d.isFix.push_back(false);
    return true;
  }
  double v = 0;
  auto r = std::from_chars(b, end, v);
  if (r.ec == std::errc::result_out_of_range)
    v = std::strtod(std::string(b, end).c_str(), nullptr);
  else if (r.ec != std::errc() || r.ptr != end)
    return false;
  if (e.neg) v = -v;
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof v);
  d.bits.push_back(bits);
  d.isFix.push_back(true);
  d.anyFix = true;
  return true;
}

size_t skipSpace(std::string_view s, size_t i) {
  while (i < s.size() && isSpace(s[i]))
    ++i;
  return i;
}

// A dense literal starting at the '[' at s[start]?
bool scanLiteral(std::string_view s, size_t start, DenseLiteral &d) {
  size_t i = start + 1;
  const size_t n = s.size();
  while (true) {
    i = skipSpace(s, i);
    Element e;
    if (!scanElement(s, i, e) || !encode(s, e, d)) return false;
    d.offsets.push_back(e.numBegin - start);
    i = skipSpace(s, i);
    if (i < n && s[i] == ',') {
      ++i;
      continue;
    }
    if (i < n && s[i] == ']') {
      ++i;
      break;
    }
    return false;
  }
  if (d.bits.size() < kDenseMinElems) return false;
  if (i < n && isWordChar(s[i])) return false; // would join the placeholder name
  // What follows must not turn a placeholder name into a call, a member,
  // or the target of an assignment.
  size_t j = skipSpace(s, i);
  if (j < n) {
    const char c = s[j], next = j + 1 < n ? s[j + 1] : '\0';
    if (c == '(' || c == '.' || (c == '=' && next != '=') ||
        ((c == '+' || c == '-' || c == '*') && next == '='))
      return false;
  }
  d.begin = start;
  d.end = i;
  return true;
}

// A '[' after these starts an index, a type's dimensions or generics, not a
// vector literal the placeholder could stand for.
bool literalMayFollow(char prev) {
  return !(isWordChar(prev) || prev == ')' || prev == ']' || prev == ':' || prev == '<' ||
           prev == '>' || prev == '.');
}

} // namespace

std::vector<DenseLiteral> findDenseLiterals(std::string_view s) {
  std::vector<DenseLiteral> out;
  const size_t n = s.size();
  char prev = '\0'; // the last character outside whitespace and comments
  for (size_t i = 0; i < n;) {
    const char c = s[i];
    if (c == '/' && i + 1 < n && s[i + 1] == '/') {
      while (i < n && s[i] != '\n')
        ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      size_t close = s.find("*/", i + 2);
      i = close == std::string_view::npos ? n : close + 2;
      continue;
    }
    if (c == '[' && literalMayFollow(prev)) {
      DenseLiteral d;
      if (scanLiteral(s, i, d)) {
        i = d.end;
        prev = ']';
        out.push_back(std::move(d));
        continue;
      }
    }
    if (!isSpace(c)) prev = c;
    ++i;
  }
  return out;
}

double DenseLiteral::fixValue(size_t i) const {
  double v = 0;
  std::memcpy(&v, &bits[i], sizeof v);
  return v;
}

} // namespace smpc::front
