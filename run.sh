#!/usr/bin/env bash
# Builds tagsync when the jar is missing or older than the sources, then runs it.
#   ./run.sh demo | run --input=PATH --workspace=WS [...] | sandbox [...] | status
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/tagsync.jar"

stale() { [ ! -f "$jar" ] || [ -n "$(find "$here/src/main" "$here/pom.xml" -newer "$jar" -print -quit)" ]; }
if stale; then
  mkdir -p "$here/target"
  exec 9>"$here/target/.build.lock"
  flock 9                      # two commands started together build once
  if stale; then
    echo "Building tagsync..." >&2
    mvn -q -B -f "$here/pom.xml" -DskipTests package >&2
  fi
  exec 9>&-
fi

extra=()
if [ "${1:-}" = "demo" ]; then
  extra+=("--sample-data=$here/sample-data")
fi
if [ "${1:-}" = "bench" ]; then
  # the benchmark's sandbox holds every image of its largest runs in memory
  exec java -Xmx12g -Dsun.net.httpserver.nodelay=true ${JAVA_OPTS:-} -jar "$jar" "$@"
fi
heap=(-Xmx512m)               # staging's memory does not grow with the input; JAVA_OPTS=-Xmx... overrides
if [ "${1:-}" = "sandbox" ]; then
  heap=()                     # the sandbox keeps every image it is sent in memory
fi
exec java "${heap[@]}" -Dsun.net.httpserver.nodelay=true ${JAVA_OPTS:-} -jar "$jar" "$@" "${extra[@]}"
