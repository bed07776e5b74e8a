#!/usr/bin/env bash
# The static checks CI runs after the tests (.ci/run), each one command:
# formatting (scripts/format.sh --check; scripts/format.sh fixes it) and
# clang-tidy on the lines this change adds (scripts/tidy.py). Needs a build
# (scripts/build.sh) for the compile commands.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/format.sh --check
python3 scripts/tidy.py
