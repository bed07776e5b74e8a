#!/usr/bin/env bash
# The slow fuzzing suite (docs/testing.md): builds the libFuzzer targets with
# clang-14, ASan and UBSan in ${SMPC_FUZZ_DIR:-build-fuzz}, then runs each on
# a scratch copy of its committed corpus for SECONDS (default 30).
#   bash tests/fuzz/run.sh [SECONDS] [TARGET...]
# A finding leaves its reproducer (crash-*, leak-*, timeout-*, oom-*) in the
# scratch directory it prints, and the script fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH="${1:-30}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(fuzz_front fuzz_frame fuzz_inputs fuzz_bytecode)
ROOT="$PWD"
DIR="${SMPC_FUZZ_DIR:-build-fuzz}"
case "$DIR" in /*) ;; *) DIR="$ROOT/$DIR" ;; esac
CC=clang-14 CXX=clang++-14 cmake -S . -B "$DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSMPC_FUZZ=ON -DSMPC_SANITIZE=ON >/dev/null
cmake --build "$DIR" -j "${SMPC_JOBS:-$(nproc)}" --target "${TARGETS[@]}"
corpus_of() {
  case "$1" in
  fuzz_bytecode) echo tests/bytecode/corpus ;;
  *) echo "tests/fuzz/corpus/${1#fuzz_}" ;;
  esac
}
# fuzz_front also starts from every .smpc of the tree (samples, stdlib, lit
# tests), with the grammar's tokens as its dictionary.
extra_seeds_of() {
  [ "$1" = fuzz_front ] && echo "$ROOT/samples $ROOT/stdlib $ROOT/tests/lit" || true
}
front_dict() {
  python3 - "$ROOT/grammar/Smpc.g4" <<'PY'
import re, sys
for t in sorted(set(re.findall(r"'([^']+)'", open(sys.argv[1]).read()))):
    print('"%s"' % t.replace("\\", "\\\\").replace('"', '\\"'))
for t in ("sint", "sfix", "sbool", "int", "fix", "bool"):
    print('"%s"' % t)
PY
}
scratch="$(mktemp -d)"
status=0
for t in "${TARGETS[@]}"; do
  work="$scratch/$t"
  mkdir -p "$work/corpus"
  cp -r "$(corpus_of "$t")"/. "$work/corpus/"
  dict=()
  if [ "$t" = fuzz_front ]; then front_dict >"$work/front.dict" && dict=(-dict="$work/front.dict"); fi
  echo "fuzz: $t for ${SECONDS_EACH}s (work dir $work)"
  # -rss_limit_mb: a bounded parser never needs more; -timeout: no input
  # may take 10 s.
  if ! (cd "$work" && "$DIR/bin/$t" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 \
      -timeout=10 -print_final_stats=1 "${dict[@]}" corpus $(extra_seeds_of "$t") 2>"$work/log"); then
    tail -40 "$work/log"
    echo "fuzz: $t found a problem; the reproducer is in $work" >&2
    status=1
    continue
  fi
  grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "$work/log" | tail -2
done
[ $status -eq 0 ] && rm -rf "$scratch"
exit $status
