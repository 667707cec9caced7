#!/usr/bin/env bash
# Soak run (issue 12 item 7): Tally on its embedded default (all roles in one JVM, embedded broker and
# PostgreSQL) under a steady rate for an hour or more, sampled every 30 s, so that growth shows:
#
#   ./mvnw -B -q package -DskipTests && bench/soak.sh [MINUTES=60] [RATE=50] [BENCH_DIR=../shared/bench]
#
# Load: ten keys of five teams, each driven by its own paced wrk (RATE/10 calls a second, 2 connections):
# five OpenAI JSON, two Anthropic JSON, one OpenAI stream, one Anthropic stream, one OpenAI JSON again,
# against the shared bench's C mock provider (its request bodies as they are). Per-key limits stay at
# their defaults (a key's share is well under them).
# Samples (CSV, SOAK_OUT, default target/soak.csv): seconds since the load started, JVM RSS (KiB), the
# embedded PostgreSQL's RSS summed over its processes (KiB), the JVM's open file descriptors and threads,
# the gateway's key cache (tally_gateway_keys_cached), the number of metric series on /q/metrics, and the
# gateway's requests so far (tally_gateway_requests_total summed). The end prints the first and last
# sample and the wrk totals. Ports: 18010 (mock), 18280/19200/19292 (Tally). TALLY_APP_DIR as for ./tally.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-60}
RATE=${2:-50}
BENCH_DIR=$(cd "${3:-../shared/bench}" && pwd)
OUT=${SOAK_OUT:-target/soak.csv}
[ -f "${TALLY_APP_DIR:-target/quarkus-app}/quarkus-run.jar" ] || { echo "build first: ./mvnw -B -q package -DskipTests" >&2; exit 2; }
for tool in wrk gcc jq; do command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 2; }; done

# ports of their own, so that a gateway benchmark can run beside a long soak
PORT=18280 MGMT=19200 KAFKA=19292 MOCK=18010
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

gcc -O2 -pthread -o "$WORK/mock_llm" "$BENCH_DIR/mock/mock_llm.c"
"$WORK/mock_llm" -p "$MOCK" >"$WORK/mock.log" 2>&1 &
PIDS+=($!)

DATA="$WORK/data"
mkdir -p "$DATA"
TALLY_DATA_DIR=$DATA TALLY_KAFKA_EMBEDDED_PORT=$KAFKA QUARKUS_HTTP_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$MGMT \
TALLY_PROVIDERS_OPENAI_BASE_URL=http://127.0.0.1:$MOCK/v1 TALLY_PROVIDERS_OPENAI_API_KEY=sk-bench \
TALLY_PROVIDERS_ANTHROPIC_BASE_URL=http://127.0.0.1:$MOCK TALLY_PROVIDERS_ANTHROPIC_API_KEY=sk-bench \
  ./tally >"$WORK/tally.log" 2>&1 &
TALLY=$!
PIDS+=($TALLY)
for _ in $(seq 1 1200); do
  curl -sf "localhost:$MGMT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$TALLY" 2>/dev/null || { tail -30 "$WORK/tally.log"; exit 1; }
  sleep 0.5
done
JVM=$TALLY  # ./tally execs java
T=$(cat "$DATA/admin-token")
api() { curl -sf -H "Authorization: Bearer $T" -H 'content-type: application/json' -d "$2" "localhost:$PORT$1"; }

# ten keys, two per team; each key's wrk: body, path, headers
declare -a BODY=(openai openai openai openai openai anthropic anthropic openai_stream anthropic_stream openai)
per_key=$(echo "$RATE / 10" | bc -l)
for i in $(seq 0 9); do
  if (( i % 2 == 0 )); then
    TEAM=$(api /api/admin/teams "{\"name\":\"soak-$i\",\"department\":\"Soak\"}" | jq -r .id)
  fi
  EMP=$(api /api/admin/employees "{\"email\":\"soak$i@example.com\",\"name\":\"Soak $i\",\"teamId\":\"$TEAM\"}" | jq -r .id)
  KEY=$(api /api/admin/keys "{\"employeeId\":\"$EMP\"}" | jq -r .key)
  if [[ ${BODY[$i]} == anthropic* ]]; then
    printf 'x-api-key: %s\nanthropic-version: 2023-06-01\n' "$KEY" >"$WORK/h$i"
    path=/v1/messages
  else
    printf 'Authorization: Bearer %s\n' "$KEY" >"$WORK/h$i"
    path=/v1/chat/completions
  fi
  (cd "$BENCH_DIR" && BENCH_BODY="bodies/${BODY[$i]}.json" BENCH_HEADERS="$WORK/h$i" BENCH_RATE="$per_key" \
    BENCH_THREADS=1 wrk -t1 -c2 -d"$((MINUTES * 60))s" --timeout 30s -s lib/wrk_post.lua \
    "http://127.0.0.1:$PORT$path" >"$WORK/wrk$i.txt" 2>&1) &
  PIDS+=($!)
done

# the postmaster (its command line carries the data directory) and its children (theirs do not)
pg_rss() {
  local pm total=0
  pm=$(pgrep -f "$DATA/postgres-bin/.*/bin/postgres" | head -n 1 || true)
  [[ -n "$pm" ]] || { echo 0; return; }
  for p in $pm $(pgrep -P "$pm"); do
    total=$((total + $(ps -o rss= -p "$p" 2>/dev/null | tr -d ' ' || echo 0)))
  done
  echo "$total"
}
metric_sum() { awk -v m="$1" 'index($0, m) == 1 { s += $NF } END { printf "%d", s }' "$WORK/metrics"; }

mkdir -p "$(dirname "$OUT")"
echo "seconds,jvm_rss_kib,postgres_rss_kib,fds,threads,keys_cached,metric_series,requests" >"$OUT"
START=$(date +%s)
echo "soak: $MINUTES min at $RATE calls/s, samples in $OUT (load $(cut -d' ' -f1-3 /proc/loadavg))"
while :; do
  NOW=$(($(date +%s) - START))
  curl -sf "localhost:$MGMT/q/metrics" >"$WORK/metrics" || : >"$WORK/metrics"
  printf '%d,%d,%d,%d,%d,%d,%d,%d\n' "$NOW" \
    "$(awk '/^VmRSS/ { print $2 }' "/proc/$JVM/status")" "$(pg_rss)" \
    "$(ls "/proc/$JVM/fd" | wc -l)" "$(awk '/^Threads/ { print $2 }' "/proc/$JVM/status")" \
    "$(metric_sum tally_gateway_keys_cached)" "$(grep -cv '^#' "$WORK/metrics")" \
    "$(metric_sum tally_gateway_requests_total)" >>"$OUT"
  (( NOW >= MINUTES * 60 + 30 )) && break
  sleep 30
done
echo "first and last samples:"
sed -n '1,2p' "$OUT"
tail -1 "$OUT"
total=0
for i in $(seq 0 9); do
  n=$(sed -n 's/^BENCH_RESULT //p' "$WORK/wrk$i.txt" | jq -r '.requests // 0')
  total=$((total + ${n:-0}))
done
echo "wrk sent $total calls; load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
