#!/usr/bin/env bash
# Installs what is missing, builds, and runs the pooled-statistics sample on a
# local 3-party cluster (one process per party plus the dealer, CurveZMQ on
# loopback), printing the outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
# The demo needs only what builds and runs smpc, not the test tooling.
SMPC_DEPS=build bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR="${SMPC_BUILD_DIR:-build}"
set -x
"$BUILD_DIR/bin/smpc" run samples/stats/stats.smpc --protocol semi2k --parties 3 \
  --input a=samples/stats/a.csv --input b=samples/stats/b.csv
