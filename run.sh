#!/usr/bin/env bash
# Builds tagsync when the jar is missing or older than the sources, then runs it. After a build it unpacks the
# jar under target/app and records a class-data archive of a dry run there (a few seconds, once), so that a run
# starts in about half the time: the JVM maps the classes instead of loading them from nested jars.
#   ./run.sh demo | run --input=PATH --workspace=WS [...] | sandbox [...] | bench [--quick | --s3] | status
# demo, sandbox and bench come from the tools jar (target/tagsync-tools.jar), which the run jar leaves out.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/tagsync.jar"

stale() { [ ! -f "$jar" ] || [ -n "$(find "$here/src/main" "$here/src/tools" "$here/pom.xml" -newer "$jar" -print -quit)" ]; }
if stale; then
  mkdir -p "$here/target"
  exec 9>"$here/target/.build.lock"
  flock 9                      # two commands started together build once
  if stale; then
    echo "Building tagsync..." >&2
    # Maven if it is installed, else the project's Maven wrapper, which fetches Maven once
    maven=mvn
    command -v mvn >/dev/null || maven="$here/mvnw"
    "$maven" -q -B -f "$here/pom.xml" -DskipTests -Dspotless.check.skip=true package >&2
  fi
  exec 9>&-
fi

app="$here/target/app"
archive="$app/tagsync.jsa"
unpacked() { [ -f "$app/.unpacked" ] && [ ! "$jar" -nt "$app/.unpacked" ]; }
if ! unpacked; then
  exec 9>"$here/target/.build.lock"
  flock 9
  if ! unpacked; then
    rm -rf "$app" "$here/target/cds-training"
    java -Djarmode=tools -jar "$jar" extract --destination "$app" >/dev/null
    # A dry run of the sample data, in a folder of its own, loads the classes a run needs.
    mkdir -p "$here/target/cds-training"
    (cd "$here/target/cds-training" && ROBOFLOW_API_KEY=training \
      java -XX:ArchiveClassesAtExit="$archive" -jar "$app/tagsync.jar" run --dry-run \
        --input="$here/sample-data/changes.csv" --workspace=training --run-key=training \
        --api-url=http://127.0.0.1:9 --report-dir=reports \
        --spring.datasource.url="jdbc:h2:file:./data/training;DB_CLOSE_ON_EXIT=FALSE" >training.log 2>&1) ||
      echo "tagsync: no class-data archive (see target/cds-training/training.log); runs start a little slower" >&2
    touch "$app/.unpacked"
  fi
  exec 9>&-
fi
launch=(-jar "$app/tagsync.jar")
if [ -f "$archive" ]; then
  launch=(-XX:SharedArchiveFile="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off "${launch[@]}")
fi

options="$here/config/jvm.options"
tools=(-cp "$app/tagsync.jar:$here/target/tagsync-tools.jar" io.tagsync.tools.Tools)
if [ -f "$archive" ]; then
  tools=(-XX:SharedArchiveFile="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off "${tools[@]}")
fi
case "${1:-}" in
  demo)
    exec java "@$options" -Dsun.net.httpserver.nodelay=true ${JAVA_OPTS:-} "${tools[@]}" "$@" "--sample-data=$here/sample-data" ;;
  bench)
    if [ "${2:-}" = "--s3" ]; then
      # s3:// inputs from S3Proxy on loopback, which only the tests' classpath holds: a tagged test prints the figures
      maven=mvn
      command -v mvn >/dev/null || maven="$here/mvnw"
      exec "$maven" -q -B -f "$here/pom.xml" -Dspotless.check.skip=true -Pbenchmark test
    fi
    # the benchmark's sandbox holds every image of its largest runs in memory; its runs get $options
    exec java -Xmx12g -Dsun.net.httpserver.nodelay=true -Dtagsync.bench.run-options="$options" \
      -Dtagsync.bench.run-jar="$app/tagsync.jar" ${JAVA_OPTS:-} "${tools[@]}" "$@" ;;
  sandbox)
    # a server, up for long: the sandbox keeps every image it is sent in memory, and C2 pays back
    exec java -Dsun.net.httpserver.nodelay=true ${JAVA_OPTS:-} "${tools[@]}" "$@" ;;
esac
exec java "@$options" -Dsun.net.httpserver.nodelay=true ${JAVA_OPTS:-} "${launch[@]}" "$@"
