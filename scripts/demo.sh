#!/usr/bin/env bash
# Installs what is missing, builds, and runs the node workflow on one
# machine: a freshly initialised 3-node cluster (keys, configuration), three
# `smpc node` daemons, two organisations' sample datasets uploaded as secret
# shares, the pooled-statistics program approved and submitted, and its
# results, reconstructed on the client. Everything lives in a temporary
# directory that is removed at the end (set SMPC_DEMO_DIR to keep it).
set -euo pipefail
cd "$(dirname "$0")/.."
# The demo needs only what builds and runs smpc, not the test tooling.
SMPC_DEPS=build bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR="${SMPC_BUILD_DIR:-build}"
SMPC="$(pwd)/$BUILD_DIR/bin/smpc"
DIR="${SMPC_DEMO_DIR:-$(mktemp -d /tmp/smpc-demo-XXXXXX)}"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -z "${SMPC_DEMO_DIR:-}" ]; then rm -rf "$DIR"; fi
}
trap cleanup EXIT

set -x
"$SMPC" cluster init --parties 3 --out "$DIR/cluster" --base-port 0
for i in 0 1 2; do
  "$SMPC" node --config "$DIR/cluster/node$i.json" 2>"$DIR/node$i.log" &
  PIDS+=($!)
done
C="--cluster $DIR/cluster/cluster.json"
# Company A and company B upload their payrolls; each value is split into
# three shares here, and each node receives only its own share.
"$SMPC" share samples/stats/a.csv --as payroll_a $C
"$SMPC" share samples/stats/b.csv --as payroll_b $C
"$SMPC" datasets $C
# Each node's admin approves the program, the datasets it may read and who
# may receive each output.
"$SMPC" approve samples/stats/stats.smpc $C --input a=payroll_a --input b=payroll_b \
  --output mean=client --output variance=client --output histogram=client --output maximum=client
# The analyst submits it and waits for the outputs addressed to it.
"$SMPC" submit samples/stats/stats.smpc $C --bind a=payroll_a --bind b=payroll_b --wait
