#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test suite with ctest.
# Slow suites (long fuzzing, big benchmarks) are not here: see docs/testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR="${SMPC_BUILD_DIR:-build}"
cd "$BUILD_DIR"
ctest --output-on-failure -j "${SMPC_JOBS:-$(nproc)}" "$@"
