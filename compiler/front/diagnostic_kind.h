//===- diagnostic_kind.h - every compiler diagnostic, from diagnostics.def -===//
//
// DiagKind names each row of diagnostics.def; diag::<Name> is the typed
// handle passed to Diagnostics::emit, which knows its argument count so a
// call with the wrong number of arguments does not compile.
//===----------------------------------------------------------------------===//
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smpc::front {

enum class Severity : uint8_t { Error, Warning, Note };

enum class DiagKind : uint16_t {
#define SMPC_DIAG(Name, Sev, Format) Name,
#include "compiler/front/diagnostics.def"
};

/// Number of arguments of a format: one more than its largest `{N}`.
constexpr unsigned countDiagArgs(std::string_view f) {
  unsigned n = 0;
  for (size_t i = 0; i + 2 < f.size(); ++i)
    if (f[i] == '{' && f[i + 1] >= '0' && f[i + 1] <= '9' && f[i + 2] == '}')
      n = std::max(n, unsigned(f[i + 1] - '0') + 1);
  return n;
}

/// Every `{` starts a placeholder `{0}`..`{9}`, and the placeholders used
/// are exactly 0..N-1 (checked for every row at compile time).
constexpr bool validDiagFormat(std::string_view f) {
  bool used[10] = {};
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == '}' && (i < 2 || f[i - 2] != '{')) return false;
    if (f[i] != '{') continue;
    if (i + 2 >= f.size() || f[i + 1] < '0' || f[i + 1] > '9' || f[i + 2] != '}') return false;
    used[f[i + 1] - '0'] = true;
  }
  for (unsigned k = 0; k < countDiagArgs(f); ++k)
    if (!used[k]) return false;
  return true;
}

struct DiagInfo {
  std::string_view name;
  Severity severity;
  std::string_view format; // `{0}`, `{1}`, ... are the arguments
  unsigned numArgs;
};

inline constexpr DiagInfo kDiagInfo[] = {
#define SMPC_DIAG(Name, Sev, Format) DiagInfo{#Name, Severity::Sev, Format, countDiagArgs(Format)},
#include "compiler/front/diagnostics.def"
};

inline constexpr unsigned kNumDiagKinds = sizeof(kDiagInfo) / sizeof(kDiagInfo[0]);

static_assert(
    [] {
      for (const DiagInfo &d : kDiagInfo)
        if (!validDiagFormat(d.format)) return false;
      return true;
    }(),
    "a format in diagnostics.def has a stray brace or skips a placeholder number");

constexpr const DiagInfo &info(DiagKind k) {
  return kDiagInfo[static_cast<unsigned>(k)];
}

/// A diagnostic kind together with its argument count (see diag:: below).
template <unsigned N> struct Diag { DiagKind kind; };

/// The handles: diag::UnknownName, diag::ShapeMismatch, ...
namespace diag {
#define SMPC_DIAG(Name, Sev, Format)                                                               \
  inline constexpr Diag<countDiagArgs(Format)> Name{DiagKind::Name};
#include "compiler/front/diagnostics.def"
} // namespace diag

/// One argument as text: strings as they are, integers in decimal.
class DiagArg {
public:
  DiagArg(std::string s) : text_(std::move(s)) {}
  DiagArg(std::string_view s) : text_(s) {}
  DiagArg(const char *s) : text_(s) {}
  template <std::integral T> DiagArg(T v) : text_(std::to_string(v)) {}
  std::string take() && { return std::move(text_); }

private:
  std::string text_;
};

/// The message of `kind` with its `{N}` replaced by `args[N]`.
std::string formatDiag(DiagKind kind, const std::vector<std::string> &args);

} // namespace smpc::front
