#!/usr/bin/env bash
# ThreadSanitizer build and run of the threaded code: the CurveZMQ mesh
# (net), the preprocessing pool and OT extension (docs/testing.md).
# Build directory ${SMPC_TSAN_DIR:-build-tsan}; CI runs it from .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${SMPC_TSAN_DIR:-build-tsan}"
JOBS="${SMPC_JOBS:-$(nproc)}"
TARGETS=(smpc_net_tests test_pool test_ot)
# RelWithDebInfo: optimised enough to run the tests in seconds, with the line
# numbers TSan reports need.
cmake -S . -B "$DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMPC_SANITIZE=thread \
  -DSMPC_WERROR="$([ "${CI:-}" = true ] && echo ON || echo OFF)" >/dev/null
cmake --build "$DIR" -j "$JOBS" --target "${TARGETS[@]}"
# halt_on_error: the first race fails the test with its report. libzmq's
# lock-free queues are not instrumented: tests/tsan.supp names what is
# suppressed there, and why.
# ignore_noninstrumented_modules: memory that libzmq and libsodium (not
# built with TSan) touch through intercepted calls (memcpy of a message
# they decrypt on ZeroMQ's I/O thread) is not tracked; their lock-free
# handoff to our threads is invisible to TSan, so tracking it only yields
# false reports.
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ignore_noninstrumented_modules=1 suppressions=$PWD/tests/tsan.supp"
# Each test binary runs all its cases (doctest) in one process.
for t in "${TARGETS[@]}"; do
  echo "tsan: $t"
  "$DIR/bin/$t" "$@"
done
