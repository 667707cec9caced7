#!/usr/bin/env bash
# Measures Tally's start-up on the embedded default: seconds from `java -jar` to
# GET /q/health/ready = 200 (on the management port), and the process's resident memory (RSS) once ready and after a short
# idle. Runs a cold start (empty data dir: initdb, binaries unpacked) and then N warm restarts on
# the same data dir, as a user restarting Tally would. Build first: ./mvnw -B -q package -DskipTests
# Usage: bench/startup.sh [N=3]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-3}"
jar="$root/target/quarkus-app/quarkus-run.jar"
[ -f "$jar" ] || { echo "build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
data="$(mktemp -d)"
port=18480
kport=19480
mport=19481
trap 'pkill -f "tallybench.startup" 2>/dev/null || true; rm -rf "$data"' EXIT

# RSS (KiB) of the embedded PostgreSQL: the postmaster and its children (shared buffers counted in each)
pg_rss() {
  local pm total=0
  pm=$(pgrep -f "$data/postgres-bin/.*/bin/postgres" | head -n 1 || true)
  [ -n "$pm" ] || { echo 0; return; }
  for p in $pm $(pgrep -P "$pm"); do
    total=$((total + $(ps -o rss= -p "$p" 2>/dev/null | tr -d ' ' || echo 0)))
  done
  echo $total
}

run_once() {
  local label="$1"
  TALLY_DATA_DIR="$data" QUARKUS_HTTP_PORT=$port TALLY_KAFKA_EMBEDDED_PORT=$kport QUARKUS_MANAGEMENT_PORT=$mport \
    java -Dtallybench.startup=1 -jar "$jar" > "$data/run.log" 2>&1 &
  local pid=$!
  local t0 t1
  t0=$(date +%s%N)
  until curl -sf "http://127.0.0.1:$mport/q/health/ready" > /dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "Tally exited; see $data/run.log" >&2; cat "$data/run.log" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s%N)
  local rss_ready rss_idle pg
  rss_ready=$(ps -o rss= -p "$pid" | tr -d ' ')
  sleep 10
  rss_idle=$(ps -o rss= -p "$pid" | tr -d ' ')
  pg=$(pg_rss)
  printf '| %s | %.2f s | %d MiB | %d MiB | %d MiB |\n' "$label" "$(echo "($t1 - $t0) / 1000000000" | bc -l)" \
    $((rss_ready / 1024)) $((rss_idle / 1024)) $((pg / 1024))
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
}

echo "| start | java -jar → ready | JVM RSS at ready | JVM RSS after 10 s idle | PostgreSQL RSS (sum) |"
echo "| --- | --- | --- | --- | --- |"
run_once "cold (empty data dir)"
for i in $(seq 1 "$n"); do run_once "warm #$i"; done
