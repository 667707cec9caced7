#!/usr/bin/env bash
# Runs a real Apache Kafka broker (KRaft, single node) as its own process, from Maven Central
# artifacts: no Docker, no tarball. Point Tally at it with
#   TALLY_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 java -jar target/quarkus-app/quarkus-run.jar
# Usage: kafka/run-broker.sh [server.properties]   (default: kafka/server.properties)
# Data: the log.dirs of the properties file (default ./data/standalone-kafka, relative to the
# directory you start it from). Stop with Ctrl-C.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
props="${1:-$here/server.properties}"
lib="$root/target/standalone-kafka-lib"

if [ ! -d "$lib" ] || [ -z "$(ls -A "$lib" 2>/dev/null)" ]; then
  echo "resolving Kafka from Maven Central into $lib" >&2
  "$root/mvnw" -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$lib" -DincludeScope=runtime
fi
cp="$lib/*"
java_opts=(-Xms256m -Xmx1g -Dlog4j2.configurationFile="$here/log4j2.properties")

logdir="$(sed -n 's/^log\.dirs=//p' "$props" | head -n 1)"
if [ ! -f "$logdir/meta.properties" ]; then
  cluster_id="$(java -cp "$cp" "${java_opts[@]}" kafka.tools.StorageTool random-uuid)"
  java -cp "$cp" "${java_opts[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$props" --ignore-formatted
fi
exec java -cp "$cp" "${java_opts[@]}" kafka.Kafka "$props"
