#!/usr/bin/env bash
# Slow suite (not in ctest): builds the smpc image with podman, exports its
# filesystem, and runs smpc from it in a chroot as the image's non-root user
# with the root filesystem mounted read-only; prints the image size.
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
  unshare --mount --fork -- bash -c '
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

# The probe the chart's `helm test` pod and exec probes use works from the
# shell-less image (against a stand-in HTTP server on the host's loopback
# until `smpc node` serves /healthz).
python3 - "$work/port" <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 503)
        self.end_headers()
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(srv.server_address[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
PY
probe=$!
for _ in $(seq 50); do [ -f "$work/port" ] && break; sleep 0.1; done
port="$(cat "$work/port")"
out="$(run_in_image healthcheck "http://127.0.0.1:$port/healthz" 2>&1)" || { kill $probe; fail "healthcheck: $out"; }
if out="$(run_in_image healthcheck "http://127.0.0.1:$port/readyz" 2>&1)"; then kill $probe; fail "readyz 503 passed"; fi
kill $probe
echo "image: smpc healthcheck from the image: ok"

size="$(inspect '{{.Size}}')"
echo "image_size_bytes $size bytes"
echo "image_size_mib $(( size / 1048576 )) MiB"
echo "PASS: image-test ($MODE)"
