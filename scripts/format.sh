#!/usr/bin/env bash
# Formats the C++ sources with .clang-format (clang-format-14).
#   scripts/format.sh             formats every tracked C++ file in place
#   scripts/format.sh FILE...     formats these files in place
#   scripts/format.sh --check     lists unformatted files and fails (scripts/lint.sh, CI)
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG_FORMAT="${CLANG_FORMAT:-clang-format-14}"
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
if [ $# -gt 0 ]; then
  files=("$@")
else
  # Every C++ source and header under version control (generated files live
  # in build directories, which are not tracked).
  mapfile -t files < <(git ls-files -- '*.cpp' '*.h')
fi
if [ $check -eq 0 ]; then
  "$CLANG_FORMAT" -i "${files[@]}"
  exit 0
fi
# One clang-format process; it names each file that differs.
mapfile -t bad < <("$CLANG_FORMAT" --dry-run -Werror "${files[@]}" 2>&1 |
  sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*clang-format.*/\1/p' | sort -u)
if [ ${#bad[@]} -gt 0 ]; then
  printf 'format: not formatted: %s\n' "${bad[@]}" >&2
  echo "format: ${#bad[@]} file(s) differ from .clang-format; run scripts/format.sh and commit the result" >&2
  exit 1
fi
echo "format: ${#files[@]} files formatted"
