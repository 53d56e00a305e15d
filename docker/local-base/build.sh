#!/usr/bin/env bash
# Builds a Java runtime image FROM scratch on this machine, for when no registry is reachable:
# a jlink runtime of the running JDK plus the shared libraries it needs, laid out like the
# Eclipse Temurin images (/opt/java/openjdk, java on the PATH). Then:
#   docker build --build-arg JRE_IMAGE=streaminfer/jre-local:17 -t streaminfer/server .
# Usage: docker/local-base/build.sh [tag]   (default tag streaminfer/jre-local:17)
set -euo pipefail
TAG="${1:-streaminfer/jre-local:17}"
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/rootfs"
mkdir -p "$ROOT/opt/java" "$ROOT/tmp" "$ROOT/etc"
chmod 1777 "$ROOT/tmp"

"$JAVA_HOME/bin/jlink" --add-modules ALL-MODULE-PATH --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --output "$ROOT/opt/java/openjdk" 2>/dev/null \
  || "$JAVA_HOME/bin/jlink" --add-modules ALL-MODULE-PATH --strip-debug --no-man-pages --no-header-files \
    --compress=2 --output "$ROOT/opt/java/openjdk"

# every shared library the runtime's binaries and libraries link against, at the same paths
find "$ROOT/opt/java/openjdk" -type f \( -name '*.so' -o -perm -u+x \) -print0 \
  | xargs -0 ldd 2>/dev/null \
  | awk '/=> \// { print $3 } /^\s*\/[^ ]+ \(0x/ { print $1 }' \
  | sort -u \
  | while read -r lib; do
      mkdir -p "$ROOT$(dirname "$lib")"
      cp -L "$lib" "$ROOT$lib"
    done
# what bundled native libraries of the app load (OpenCV: libstdc++, libgcc_s, libdl, libpthread;
# ONNX Runtime: librt, libm too)
for name in libdl.so.2 libpthread.so.0 librt.so.1 libm.so.6 libstdc++.so.6 libgcc_s.so.1 libz.so.1; do
  for dir in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu; do
    if [ -e "$dir/$name" ] && [ ! -e "$ROOT$dir/$name" ]; then
      mkdir -p "$ROOT$dir"
      cp -L "$dir/$name" "$ROOT$dir/$name"
    fi
  done
done
# the dynamic loader under its usual names
for loader in /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1; do
  if [ -e "$loader" ]; then
    mkdir -p "$ROOT$(dirname "$loader")"
    cp -L "$loader" "$ROOT$loader"
  fi
done
echo 'root:x:0:0:root:/root:/sbin/nologin' > "$ROOT/etc/passwd"
echo 'streaming:x:10001:10001::/tmp:/sbin/nologin' >> "$ROOT/etc/passwd"
echo 'hosts: files' > "$ROOT/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$ROOT/etc/hosts"

cat > "$WORK/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY rootfs/ /
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/bin:/bin LANG=C.UTF-8
DOCKERFILE
docker build --network host -q -t "$TAG" "$WORK" >/dev/null
echo "$TAG"
