#!/usr/bin/env bash
# Installs the Debian packages smpc needs to build and test. Idempotent: when
# everything is present it does nothing (no apt-get update, no network).
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config ccache git python3
  antlr4 default-jre-headless libantlr4-runtime-dev uuid-dev
  llvm-14-dev llvm-14-tools
  libzmq3-dev cppzmq-dev libsodium-dev libssl-dev libsqlite3-dev
  libboost-program-options1.74-dev libboost-program-options-dev
  doctest-dev nlohmann-json3-dev
  iproute2 procps
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
