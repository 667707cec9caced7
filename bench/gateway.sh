#!/usr/bin/env bash
# Gateway bench: Tally as the "ours" row of the shared loopback bench (../shared/bench/run.sh), next to
# the mock reached directly and nginx, all in one run, so the table is read as ratios. Method and the
# latest table: docs/benchmarks.md#gateway-added-latency-and-throughput.
#
#   ./mvnw -B -q package -DskipTests && bench/gateway.sh [path/to/shared/bench]
#   JAVA_HOME=<jdk 25> ./mvnw -B -q package -DskipTests -Paot && JAVA_HOME=<jdk 25> bench/gateway.sh ...
#
# Starts the package through ./tally (with its start-up cache when the JDK fits) as a gateway-only
# instance (TALLY_ROLES=gateway, embedded Kafka and PostgreSQL, fresh data dir) with its providers
# pointed at the bench's mock and no per-key limits, makes a team, a person and a key through the
# admin API, runs the bench, then checks that the usage events on tally.usage.v1 for that team equal
# the requests Tally counted. Everything it starts is
# stopped on exit. Knobs: BENCH_TARGETS (direct,nginx,ours), BENCH_WARMUP_SECS (40), BENCH_KAFKA (a
# Kafka outside the JVM, host:port; default the embedded broker), BENCH_ROLES
# (gateway; gateway,aggregator,dashboard is the default single JVM, whose aggregator then counts the
# calls into the rollups as well), and the shared bench's own (TESTS, SAT_SECS, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=${1:-../shared/bench}
[ -x "$BENCH_DIR/run.sh" ] || { echo "no shared bench at $BENCH_DIR (pass its path)" >&2; exit 2; }
[ -f target/quarkus-app/quarkus-run.jar ] || { echo "build first: ./mvnw -B -q package -DskipTests [-Paot]" >&2; exit 2; }
command -v jq >/dev/null || { echo "jq is needed" >&2; exit 2; }
. bench/lib.sh

PORT=18080 MGMT=19000 KAFKA=19092 MOCK=18000
ROLES=${BENCH_ROLES:-gateway}
DATA=$(mktemp -d)
LOG="$DATA/tally.log"
cleanup() {
  if [ -n "${PID:-}" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$DATA"
}
trap cleanup EXIT

bench_kafka "$KAFKA"
TALLY_DATA_DIR=$DATA QUARKUS_HTTP_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$MGMT \
TALLY_ROLES=$ROLES \
TALLY_PROVIDERS_OPENAI_BASE_URL=http://127.0.0.1:$MOCK/v1 TALLY_PROVIDERS_OPENAI_API_KEY=sk-bench \
TALLY_PROVIDERS_ANTHROPIC_BASE_URL=http://127.0.0.1:$MOCK TALLY_PROVIDERS_ANTHROPIC_API_KEY=sk-bench \
TALLY_GATEWAY_REQUESTS_PER_MINUTE=0 TALLY_GATEWAY_TOKENS_PER_MINUTE=0 TALLY_GATEWAY_MAX_IN_FLIGHT_PER_KEY=0 \
  ./tally >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 240); do
  curl -sf "localhost:$MGMT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { tail -50 "$LOG"; exit 1; }
  sleep 0.5
done
T=$(cat "$DATA/admin-token")
api() { curl -sf -H "Authorization: Bearer $T" -H 'content-type: application/json' -d "$2" "localhost:$PORT$1"; }
TEAM=$(api /api/admin/teams '{"name":"bench","department":"Platform"}' | jq -r .id)
EMP=$(api /api/admin/employees "{\"email\":\"bench@example.com\",\"name\":\"Bench\",\"teamId\":\"$TEAM\"}" | jq -r .id)
KEY=$(api /api/admin/keys "{\"employeeId\":\"$EMP\"}" | jq -r .key)
echo "tally up (pid $PID, roles $ROLES, Kafka ${BENCH_KAFKA:-embedded}, commit $(git rev-parse --short HEAD)), load: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_launcher_line "$LOG"

NAME=tally-gw
[ "$ROLES" = gateway ] || NAME=tally-all
(cd "$BENCH_DIR" && TARGETS=${BENCH_TARGETS:-direct,nginx,ours} OURS_NAME=$NAME OURS_URL=http://127.0.0.1:$PORT \
  OURS_WARMUP_SECS=${BENCH_WARMUP_SECS:-40} OURS_OPENAI_HEADERS="Authorization: Bearer $KEY" \
  OURS_ANTHROPIC_HEADERS="x-api-key: $KEY | anthropic-version: 2023-06-01" ./run.sh)
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

# events = requests: Tally's own count for the team, and the dropped/spooled counters
curl -s "localhost:$MGMT/q/metrics" | awk -v team="$TEAM" '
  /^tally_gateway_requests_total/ && index($0, team) { n += $NF }
  /^tally_events_dropped_total/ { d += $NF }
  /^tally_events_spooled_total/ { s += $NF }
  END { printf "tally_gateway_requests_total for the team: %d, events dropped: %d, spooled: %d\n", n, d, s }'

# all roles: the aggregator catches up once the load stops (each call counted once), and how long it
# waited for the gateway (docs/aggregation.md#sharing-the-jvm-with-the-gateway)
if [[ ",$ROLES," == *,aggregator,* ]]; then
  metric() { curl -s "localhost:$MGMT/q/metrics" | awk -v m="$1" 'index($0, m) == 1 { v += $NF } END { printf "%d", v }'; }
  for _ in $(seq 1 120); do
    [ "$(metric 'tally_aggregator_events_total{result="counted",topic="usage"}')" -ge "$(metric tally_gateway_requests_total)" ] && break
    sleep 0.5
  done
  curl -s "localhost:$MGMT/q/metrics" | awk '
    /^tally_gateway_requests_total/ { g += $NF }
    /^tally_aggregator_events_total/ && /result="counted"/ && /topic="usage"/ { c += $NF }
    /^tally_aggregator_batch_seconds_count/ { b = $NF }
    /^tally_aggregator_paced_seconds_count/ { pn = $NF }
    /^tally_aggregator_paced_seconds_sum/ { ps = $NF }
    END { printf "calls through the gateway: %d, counted by the aggregator: %d, in %d batches; waits for the gateway: %d, %.1f s\n", g, c, b, pn, ps }'
fi
