#!/usr/bin/env bash
# Measures Tally's start-up on the embedded default (all roles, embedded broker and PostgreSQL):
# seconds from launch to GET /q/health/ready = 200 (on the management port), the phases Tally logs at start ("ready in ...:
# postgres, broker (parallel), quarkus, flyway, topics"), and the JVM's CPU time (user + system) and the
# resident memory (RSS) once ready.
# One first start on an empty data directory (initdb, PostgreSQL binaries unpacked, topics
# created), then N warm restarts on the same directory, as a user restarting Tally would.
#
#   bench/startup.sh [N=3]           the package in target/quarkus-app, started by ./tally with
#                                    $JAVA_HOME (or java on the PATH); build it first
#   bench/startup.sh --matrix [N=3]  builds and measures, one after the other:
#                                      JDK 17  default package (fast-jar)     ./mvnw package
#                                      JDK 17  AOT package + AppCDS archive   ./mvnw package -Paot
#                                      JDK 25  AOT package + AOT cache        ./mvnw package -Paot
#                                    JDK 17 is $JAVA_HOME (or java on the PATH); JDK 25 is $BENCH_JDK25_HOME.
#
# Ports: BENCH_HTTP_PORT (18480), BENCH_KAFKA_PORT (19480), BENCH_MANAGEMENT_PORT (19481). Figures from a busy machine are not
# comparable: run it on a quiet one.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/lib.sh"
http_port="${BENCH_HTTP_PORT:-18480}"
kafka_port="${BENCH_KAFKA_PORT:-19480}"
management_port="${BENCH_MANAGEMENT_PORT:-19481}"
pid=""
data=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; fi
  if [[ -n "$data" ]]; then rm -rf "$data"; fi
}
trap cleanup EXIT

# RSS (KiB) of the embedded PostgreSQL: the postmaster and its children (shared buffers counted in each)
pg_rss() {
  local pm total=0
  pm=$(pgrep -f "$data/postgres-bin/.*/bin/postgres" | head -n 1 || true)
  [[ -n "$pm" ]] || { echo 0; return; }
  for p in $pm $(pgrep -P "$pm"); do
    total=$((total + $(ps -o rss= -p "$p" 2>/dev/null | tr -d ' ' || echo 0)))
  done
  echo $total
}

# The JVM's CPU time (user + system, all its threads) so far, in seconds. At ready it is the CPU the
# start took: a later ready with as much CPU was waiting (for a core, the disk, another thread); a
# later ready with more CPU was computing longer (more work, or the same on a slower machine).
jvm_cpu() {
  echo "scale=1; $(bench_cpu_ticks "$1") / $(getconf CLK_TCK)" | bc -l
}

run_once() {
  local label="$1" t0 t1 phases rss pg cpu
  TALLY_DATA_DIR="$data" QUARKUS_HTTP_PORT=$http_port TALLY_KAFKA_EMBEDDED_PORT=$kafka_port QUARKUS_MANAGEMENT_PORT=$management_port \
    "$root/tally" > "$data/run.log" 2>&1 &
  pid=$!
  t0=$(date +%s%N)
  until curl -sf "http://127.0.0.1:$management_port/q/health/ready" > /dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "Tally exited; its log:" >&2; cat "$data/run.log" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s%N)
  cpu=$(jvm_cpu "$pid")
  # the phases line is logged when the instance is ready; give the logger a moment
  for _ in $(seq 1 40); do grep -q "ready in" "$data/run.log" && break; sleep 0.05; done
  phases=$(sed -n 's/.*\(ready in .*\)$/\1/p' "$data/run.log" | head -n 1)
  rss=$(ps -o rss= -p "$pid" | tr -d ' ')
  pg=$(pg_rss)
  printf '| %s | %s | %.2f s | %s | %s s | %d MiB | %d MiB |\n' "$label" "$2" "$(echo "($t1 - $t0) / 1000000000" | bc -l)" \
    "${phases:-–}" "$cpu" $((rss / 1024)) $((pg / 1024))
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}

# measure <package label> <N>: first start and N warm restarts of target/quarkus-app through ./tally
measure() {
  local what="$1" n="$2" cmd
  data="$(mktemp -d)"
  # which cache the launcher picks for this JDK, if any
  cmd=$(TALLY_LAUNCHER_DRY_RUN=1 "$root/tally" 2>/dev/null)
  case "$cmd" in
    *-XX:AOTCache=*) what="$what + AOT cache" ;;
    *-XX:SharedArchiveFile=*) what="$what + AppCDS" ;;
    *) what="$what, no cache" ;;
  esac
  run_once "first start" "$what"
  for i in $(seq 1 "$n"); do run_once "warm #$i" "$what"; done
  rm -rf "$data"
  data=""
}

header() {
  echo "| start | JDK, package | launch → ready | phases (Tally's log line) | JVM CPU at ready | JVM RSS at ready | PostgreSQL RSS (sum) |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
}

jdk_of() {
  "${1:+$1/bin/}java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p'
}

if [[ "${1:-}" == "--matrix" ]]; then
  n="${2:-3}"
  [[ -n "${BENCH_JDK25_HOME:-}" ]] || { echo "set BENCH_JDK25_HOME to a JDK 25+" >&2; exit 2; }
  jdk17="${JAVA_HOME:-}"
  header
  (cd "$root" && ./mvnw -B -q package -DskipTests) >&2
  JAVA_HOME="$jdk17" measure "JDK $(jdk_of "$jdk17"), default package" "$n"
  (cd "$root" && ./mvnw -B -q package -DskipTests -Paot) >&2
  JAVA_HOME="$jdk17" measure "JDK $(jdk_of "$jdk17"), AOT package" "$n"
  (cd "$root" && JAVA_HOME="$BENCH_JDK25_HOME" ./mvnw -B -q package -DskipTests -Paot) >&2
  JAVA_HOME="$BENCH_JDK25_HOME" measure "JDK $(jdk_of "$BENCH_JDK25_HOME"), AOT package" "$n"
else
  n="${1:-3}"
  [[ -f "$root/target/quarkus-app/quarkus-run.jar" ]] || { echo "build first: ./mvnw -B -q package -DskipTests [-Paot]" >&2; exit 1; }
  header
  # the AOT package (aot-jar) puts the application jar on the JVM's class path; the default (fast-jar) does not
  kind="default package"
  if unzip -p "$root/target/quarkus-app/quarkus-run.jar" META-INF/MANIFEST.MF 2>/dev/null | tr -d '\r\n ' | grep -q 'app/tally-'; then
    kind="AOT package"
  fi
  measure "JDK $(jdk_of "${JAVA_HOME:-}"), $kind" "$n"
fi
