#!/usr/bin/env bash
# Configures and builds smpc into ./build (or $SMPC_BUILD_DIR).
# Extra arguments are passed to cmake at configure time.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${SMPC_BUILD_DIR:-build}"
JOBS="${SMPC_JOBS:-$(nproc)}"
WERROR=OFF
if [ "${CI:-}" = "true" ]; then WERROR=ON; fi
# The build type defaults in CMakeLists.txt; SMPC_BUILD_TYPE overrides it.
cmake -S . -B "$BUILD_DIR" -G Ninja ${SMPC_BUILD_TYPE:+-DCMAKE_BUILD_TYPE="$SMPC_BUILD_TYPE"} \
  -DSMPC_WERROR="$WERROR" "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
