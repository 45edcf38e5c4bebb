#!/usr/bin/env bash
# Builds tagsync when the jar is missing or older than the sources, then runs it.
#   ./run.sh demo | run --input=PATH --workspace=WS [...] | sandbox [...] | status
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/tagsync.jar"

if [ ! -f "$jar" ] || [ -n "$(find "$here/src/main" "$here/pom.xml" -newer "$jar" -print -quit)" ]; then
  echo "Building tagsync..." >&2
  mvn -q -B -f "$here/pom.xml" -DskipTests package >&2
fi

extra=()
if [ "${1:-}" = "demo" ]; then
  extra+=("--sample-data=$here/sample-data")
fi
exec java -Dsun.net.httpserver.nodelay=true ${JAVA_OPTS:-} -jar "$jar" "$@" "${extra[@]}"
