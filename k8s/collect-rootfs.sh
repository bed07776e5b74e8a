#!/usr/bin/env bash
# Collects the runtime filesystem of the smpc image into OUT/rootfs: the smpc
# binary, exactly the shared libraries it loads (as ldd resolves them on this
# Debian system, with their Debian copyright files), the ELF loader, a
# passwd/group with the fixed non-root user, and the directories the node
# writes to. No shell, no package manager, nothing else. OUT/store is the
# empty store directory, copied into the image with the user's
# ownership (only it: its parents stay root's).
#
# usage: k8s/collect-rootfs.sh BINARY OUT
set -euo pipefail
BIN="$1"
DEST="$2"
OUT="$DEST/rootfs"
UID_GID=10001

[ -x "$BIN" ] || { echo "collect-rootfs: $BIN is not an executable" >&2; exit 1; }
if [ -e "$DEST" ] && [ -n "$(ls -A "$DEST")" ]; then
  echo "collect-rootfs: $DEST is not empty; give a new directory" >&2
  exit 1
fi
# /proc, /dev and /data are mount points: a read-only root cannot get them later.
mkdir -p "$OUT"/usr/local/bin "$OUT"/etc/smpc "$OUT"/var/lib "$OUT"/tmp "$OUT"/proc "$OUT"/dev \
  "$OUT"/data "$DEST"/store
install -m 0755 "$BIN" "$OUT/usr/local/bin/smpc"
strip --strip-unneeded "$OUT/usr/local/bin/smpc" 2>/dev/null || true

# Every library the dynamic loader resolves, plus the loader itself, copied
# (symlinks resolved) to the path the binary asks for.
libs="$(ldd "$BIN" | awk '/=> \// {print $3} /^[ \t]*\/[^ ]*ld-linux/ {print $1}')"
[ -n "$libs" ] || { echo "collect-rootfs: ldd found no libraries in $BIN" >&2; exit 1; }
pkgs=()
for lib in $libs; do
  mkdir -p "$OUT$(dirname "$lib")"
  cp -L "$lib" "$OUT$lib"
  if command -v dpkg >/dev/null; then
    pkg="$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1 || true)"
    [ -n "$pkg" ] && pkgs+=("$pkg")
  fi
done
for pkg in $(printf '%s\n' "${pkgs[@]}" | sort -u); do
  if [ -f "/usr/share/doc/$pkg/copyright" ]; then
    mkdir -p "$OUT/usr/share/doc/$pkg"
    cp "/usr/share/doc/$pkg/copyright" "$OUT/usr/share/doc/$pkg/"
  fi
done
if [ ${#pkgs[@]} -gt 0 ]; then
  printf '%s\n' "${pkgs[@]}" | sort -u >"$OUT/usr/share/doc/smpc-runtime-packages.txt"
fi

cat >"$OUT/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/usr/sbin/nologin
smpc:x:$UID_GID:$UID_GID:smpc node:/var/lib/smpc:/usr/sbin/nologin
PASSWD
cat >"$OUT/etc/group" <<GROUP
root:x:0:
smpc:x:$UID_GID:
GROUP
# glibc resolves names itself (files and dns are built into libc 2.36).
echo "hosts: files dns" >"$OUT/etc/nsswitch.conf"
echo "127.0.0.1 localhost" >"$OUT/etc/hosts"
chmod 1777 "$OUT/tmp"
echo "collect-rootfs: $(echo "$libs" | wc -w) libraries, $(du -sh "$OUT" | cut -f1) in $OUT"
