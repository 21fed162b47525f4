#!/usr/bin/env bash
# Makes the root of the controller's OCI image without pulling a base image (no registry is
# needed): a Java runtime made by jlink from the JDK that builds, the shared libraries it links
# against, a passwd entry for the non-root user, and an empty /tmp. Jib adds the application.
#
# Usage: root.sh OUTPUT_DIR
set -euo pipefail
out=$1
rm -rf "$out"
mkdir -p "$out/opt" "$out/tmp" "$out/etc"
chmod 1777 "$out/tmp"
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
modules=$("$java_home/bin/java" --list-modules | sed 's/@.*//' | grep -v '^jdk\.\(internal\|jcmd\|jconsole\|hotspot\|jdeps\|jlink\|jpackage\|javadoc\|jshell\|jstatd\|compiler\)' | paste -sd, -)
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "$out/opt/java" 2>&1 | grep -v 'incubator modules' >&2 || true
# The runtime's own shared libraries link against the C library of this machine: copy exactly those.
find "$out/opt/java" -name '*.so' -o -path '*/bin/java' | xargs ldd 2> /dev/null |
  awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/lib/ {print $1}' | sort -u | while read -r lib; do
    mkdir -p "$out$(dirname "$lib")"
    cp -L "$lib" "$out$lib"
  done
printf 'root:x:0:0:root:/tmp:/sbin/nologin\nrollout4j:x:65532:65532:rollout4j:/tmp:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nrollout4j:x:65532:\n' > "$out/etc/group"
du -sh "$out" | cut -f1
