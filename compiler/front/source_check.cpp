//===- source_check.cpp - reject files that are not UTF-8 text ------------===//
#include "compiler/front/source_check.h"

#include <cstdio>

namespace smpc::front {

// Length of the UTF-8 sequence starting at p (1..4), or 0 when invalid
// (bad lead byte, truncated, bad continuation, overlong or surrogate).
static size_t utf8Length(const unsigned char *p, const unsigned char *end) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else
    return 0;
  if (size_t(end - p) < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

bool checkSourceText(Diagnostics &diags, unsigned id) {
  auto *begin = reinterpret_cast<const unsigned char *>(diags.bufferStart(id));
  auto *end = begin + diags.bufferSize(id);
  size_t line = 1;
  for (auto *p = begin; p < end;) {
    unsigned char c = *p;
    size_t n = utf8Length(p, end);
    bool invalid = n == 0, control = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
    if (invalid || control) {
      char hex[3];
      std::snprintf(hex, sizeof hex, "%02X", c);
      auto loc = llvm::SMLoc::getFromPointer(reinterpret_cast<const char *>(p));
      diags.emit(loc, invalid ? diag::InvalidUtf8Byte : diag::ControlByte, hex, size_t(p - begin),
                 line);
      return false;
    }
    if (c == '\n') ++line;
    p += n;
  }
  return true;
}

} // namespace smpc::front
