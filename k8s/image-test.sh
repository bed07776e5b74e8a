#!/usr/bin/env bash
# Slow suite (not in ctest): builds the smpc image with podman, exports its
# filesystem, and runs smpc from it in a chroot as the image's non-root user
# with the root filesystem mounted read-only (a job with `smpc run`, then
# three `smpc node`s: /healthz, /readyz and a job through them); prints the
# image size.
# `podman run` does not work on this machine (no cgroups for containers), so
# the chroot stands in for the container runtime.
#
# usage (as root, after scripts/build.sh):
#   bash k8s/image-test.sh                      # fast: binary from build/
#   SMPC_IMAGE_BUILD=source bash k8s/image-test.sh   # compile in the image
# Figures: one "name value unit" line each (image_size_bytes ...).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BUILD_DIR="${SMPC_BUILD_DIR:-build}"
MODE="${SMPC_IMAGE_BUILD:-context}"
SMPC="${SMPC_BIN:-$ROOT/$BUILD_DIR/bin/smpc}"
VERSION="$(sed -n 's/^project(smpc VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)"
IMAGE="localhost/smpc:$VERSION-test$$"
BASE="${SMPC_BASE_IMAGE:-localhost/smpc-debian:bookworm}"
UIDN=10001

fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "run as root (podman build, chroot, mounts)"
[ -x "$SMPC" ] || fail "$SMPC is missing: run scripts/build.sh first"

work="$(mktemp -d /var/tmp/smpc-image-test.XXXXXX)"
ctr=""
cleanup() {
  set +e
  [ "$(type -t stop_nodes)" = function ] && stop_nodes
  [ -n "$ctr" ] && podman rm -f "$ctr" >/dev/null 2>&1
  podman rmi -f "$IMAGE" >/dev/null 2>&1
  [ -n "${jail:-}" ] && { umount -R "$jail" 2>/dev/null; }
  rm -rf "$work"
}
trap cleanup EXIT

# 1. Build the image.
common=(--isolation=chroot -f k8s/Containerfile -t "$IMAGE"
  --build-arg "VERSION=$VERSION"
  --build-arg "REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)"
  --build-arg "SOURCE=$(git remote get-url origin 2>/dev/null || echo "file://$ROOT")")
t0=$(date +%s)
if [ "$MODE" = context ]; then
  bash k8s/collect-rootfs.sh "$SMPC" "$work/ctx" >/dev/null
  podman build "${common[@]}" --build-arg SMPC_BUILD=context "$work/ctx" >"$work/build.log" 2>&1 ||
    { tail -30 "$work/build.log"; fail "podman build failed"; }
else
  bash k8s/make-base.sh
  podman build "${common[@]}" --build-arg SMPC_BUILD=source --build-arg "BUILD_BASE=$BASE" \
    --volume "$(ccache -k cache_dir 2>/dev/null || echo "$HOME/.cache/ccache"):/root/.cache/ccache" . \
    >"$work/build.log" 2>&1 ||
    { tail -30 "$work/build.log"; fail "podman build failed"; }
fi
echo "image: built $IMAGE ($MODE) in $(( $(date +%s) - t0 )) s"

# 2. What the image promises: user, entrypoint, labels.
inspect() { podman image inspect --format "$1" "$IMAGE"; }
[ "$(inspect '{{.Config.User}}')" = "$UIDN:$UIDN" ] || fail "image user is $(inspect '{{.Config.User}}')"
inspect '{{json .Config.Entrypoint}}' | grep -q '"/usr/local/bin/smpc"' || fail "entrypoint"
for l in version revision source title; do
  v="$(inspect "{{index .Labels \"org.opencontainers.image.$l\"}}")"
  [ -n "$v" ] && [ "$v" != "<no value>" ] || fail "OCI label org.opencontainers.image.$l missing"
done
[ "$(inspect '{{index .Labels "org.opencontainers.image.version"}}')" = "$VERSION" ] || fail "version label"

# 3. Export the filesystem (no podman run: create + export).
ctr="$(podman create "$IMAGE")"
jail="$work/rootfs"
mkdir "$jail"
podman export "$ctr" | tar -x --numeric-owner -C "$jail"
for f in bin/sh bin/bash usr/bin/sh usr/bin/bash usr/bin/apt usr/bin/dpkg bin/busybox; do
  [ ! -e "$jail/$f" ] || fail "the image contains /$f"
done
[ "$(stat -c %u "$jail/var/lib/smpc")" = "$UIDN" ] || fail "/var/lib/smpc is not $UIDN's"
[ "$(stat -c %u "$jail/var/lib")" = 0 ] || fail "/var/lib is not root's"
grep -q "^smpc:x:$UIDN:$UIDN:" "$jail/etc/passwd" || fail "no smpc user in /etc/passwd"

# 4. Run it: the exported tree bind-mounted read-only as the root, a tmpfs
# for the store volume and /tmp (as Kubernetes would mount them), /proc,
# and the few device nodes; then chroot as UID 10001.
data="$work/data"
mkdir -p "$data/samples"
cp samples/stats/stats.smpc samples/stats/a.csv samples/stats/b.csv "$data/samples/"
chmod -R a+rX "$data"
run_in_image() {
  unshare --mount --fork --kill-child -- bash -c '
    set -e
    jail="$1"; data="$2"; shift 2
    mount --make-rprivate /
    mount --bind "$jail" "$jail"
    mount -t tmpfs -o size=64m,mode=0700,uid='$UIDN',gid='$UIDN' tmpfs "$jail/var/lib/smpc"
    mount -t tmpfs -o size=64m,mode=1777 tmpfs "$jail/tmp"
    mount -t proc proc "$jail/proc"
    mount -t tmpfs -o size=1m tmpfs "$jail/dev"
    for d in null zero urandom random; do touch "$jail/dev/$d"; mount --bind "/dev/$d" "$jail/dev/$d"; done
    mount --bind -o ro "$data" "$jail/data" 2>/dev/null || { mount --bind "$data" "$jail/data"; mount -o remount,bind,ro "$jail/data"; }
    mount -o remount,bind,ro "$jail"
    exec chroot --userspec='$UIDN:$UIDN' "$jail" /usr/local/bin/smpc "$@"
  ' run "$jail" "$data" "$@"
}
# The image itself has the mount points (a read-only root cannot get them).
for m in proc dev data tmp; do [ -d "$jail/$m" ] || fail "the image lacks /$m"; done

out="$(run_in_image version)" || fail "smpc version in the image: $out"
echo "image: $out"
# The root filesystem is read-only; the store volume is writable.
if err="$(run_in_image keygen --out /etc/smpc/probe 2>&1)"; then fail "wrote to the read-only root"; fi
echo "$err" | grep -q "Read-only file system\|read-only" || fail "unexpected keygen error: $err"
run_in_image keygen --out /var/lib/smpc/probe >/dev/null || fail "cannot write the store volume"
# A job: three parties (one process each, CurveZMQ on loopback) and a
# dealer, all from the image, as UID 10001.
out="$(run_in_image run /data/samples/stats.smpc --protocol semi2k --parties 3 \
  --input a=/data/samples/a.csv --input b=/data/samples/b.csv 2>&1)" || fail "job in the image: $out"
python3 - "$out" samples/stats/expected.json <<'PY' || fail "wrong job outputs: $out"
import json, sys
got = dict(l.split(" = ", 1) for l in sys.argv[1].strip().splitlines() if " = " in l)
want = json.load(open(sys.argv[2]))
def close(a, b):
    if isinstance(b, list):
        a = json.loads(a)
        return len(a) == len(b) and all(close(json.dumps(x), y) for x, y in zip(a, b))
    return abs(float(a) - float(b)) <= 1e-2 * max(1.0, abs(float(b)))
for k, v in want.items():
    assert k in got and close(got[k], v), (k, got.get(k), v)
PY
echo "image: stats sample with 3 parties from the image as UID $UIDN on a read-only root: ok"

# 5. The node itself: three `smpc node`s from the image, each as UID 10001
# on the read-only root with its own store volume (the chart's StatefulSet
# per party), configured by `smpc cluster init` with free ports and the
# store on the volume. `smpc healthcheck` from the image (the chart's probe
# and `helm test`; the image has no shell or curl) checks /healthz and
# /readyz; then a client shares the stats sample's inputs, approves the
# program and runs the job through the nodes.
cl="$data/cluster"
"$SMPC" cluster init --parties 3 --base-port 0 --out "$cl" >/dev/null
python3 - "$cl" <<'PY'
import json, os, sys
for i in range(3):
    p = os.path.join(sys.argv[1], "node%d.json" % i)
    c = json.load(open(p))
    c["store"] = "/var/lib/smpc/store.db"  # the volume; the root is read-only
    json.dump(c, open(p, "w"), indent=2)
PY
chown -R "$UIDN:$UIDN" "$cl"
node_pids=()
for i in 0 1 2; do
  run_in_image node --config "/data/cluster/node$i.json" >"$work/node$i.log" 2>&1 &
  node_pids+=($!)
done
# $! is the subshell that runs unshare; the node is its descendant, and the
# chroot's change of user clears the parent-death signal that --kill-child
# sets, so stop the whole tree, node first.
kill_tree() {
  local c
  for c in $(pgrep -P "$1"); do kill_tree "$c"; done
  kill "$1" 2>/dev/null || true
}
stop_nodes() {
  for p in "${node_pids[@]}"; do kill_tree "$p"; done
  wait 2>/dev/null || true
  node_pids=()
}
node_fail() { stop_nodes; for i in 0 1 2; do echo "--- node $i:"; tail -5 "$work/node$i.log"; done; fail "$*"; }
http() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"]["port"])' "$cl/node$1.json"; }
for i in 0 1 2; do
  url="http://127.0.0.1:$(http $i)"
  ok=""
  for _ in $(seq 600); do # up to a minute on a loaded machine
    if run_in_image healthcheck --timeout-ms 1000 "$url/readyz" >/dev/null 2>&1; then ok=1; break; fi
    kill -0 "${node_pids[$i]}" 2>/dev/null || node_fail "node $i exited"
    sleep 0.1
  done
  [ -n "$ok" ] || node_fail "node $i was not ready within a minute"
  out="$(run_in_image healthcheck "$url/healthz" 2>&1)" || node_fail "node $i /healthz: $out"
done
echo "image: three smpc nodes from the image (UID $UIDN, read-only root): /healthz and /readyz ok"
client() { "$SMPC" "$@" --cluster "$cl/cluster.json"; }
client share samples/stats/a.csv --as a --quiet >/dev/null || node_fail "share a"
client share samples/stats/b.csv --as b --quiet >/dev/null || node_fail "share b"
client approve samples/stats/stats.smpc --input a=a --input b=b --output mean=client \
  --output variance=client --output histogram=client --output maximum=client >/dev/null ||
  node_fail "approve"
out="$(client submit samples/stats/stats.smpc --bind a=a --bind b=b --wait --json 2>&1)" ||
  node_fail "job through the nodes: $out"
python3 - "$out" samples/stats/expected.json <<'PY' || node_fail "wrong outputs from the nodes: $out"
import json, sys
got = json.loads(sys.argv[1])
assert got["state"] == "done", got
want = json.load(open(sys.argv[2]))
def close(a, b):
    if isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    return abs(float(a) - float(b)) <= 1e-2 * max(1.0, abs(float(b)))
for k, v in want.items():
    assert k in got["outputs"] and close(got["outputs"][k], v), (k, got["outputs"].get(k), v)
PY
stop_nodes
echo "image: the stats sample through three smpc nodes from the image: ok"

size="$(inspect '{{.Size}}')"
echo "image_size_bytes $size bytes"
echo "image_size_mib $(( size / 1048576 )) MiB"
echo "PASS: image-test ($MODE)"
