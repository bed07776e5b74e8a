#!/usr/bin/env bash
# Makes a minimal Debian bookworm base image with debootstrap and imports it
# into podman as localhost/smpc-debian:bookworm (no registry is reachable
# here; elsewhere use docker.io/library/debian:bookworm instead).
# Idempotent: an existing image is kept unless --force.
#
# usage: k8s/make-base.sh [--force]   (as root: debootstrap and podman)
set -euo pipefail
IMAGE="${SMPC_BASE_IMAGE:-localhost/smpc-debian:bookworm}"
MIRROR="${SMPC_DEBIAN_MIRROR:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"

if [ "${1:-}" != "--force" ] && podman image exists "$IMAGE"; then
  echo "make-base: $IMAGE exists"
  exit 0
fi
for tool in debootstrap podman; do
  command -v "$tool" >/dev/null || { echo "make-base: $tool is missing: run scripts/install-deps.sh" >&2; exit 1; }
done

root="$(mktemp -d /var/tmp/smpc-base.XXXXXX)"
trap 'rm -rf "$root"' EXIT
echo "make-base: debootstrap --variant=minbase bookworm from $MIRROR"
debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$root.log" 2>&1 ||
  { tail -20 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
# Smaller and reproducible: no apt lists, caches or logs in the layer.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
  "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/tmp/*
tar --numeric-owner -C "$root" -c . |
  podman import --change 'CMD ["/bin/bash"]' \
    --change 'LABEL org.opencontainers.image.description="Debian bookworm minbase made with debootstrap"' \
    -q - "$IMAGE" >/dev/null
echo "make-base: $IMAGE ($(podman image inspect --format '{{.Size}}' "$IMAGE") bytes)"
