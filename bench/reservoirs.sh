#!/usr/bin/env bash
# What the slowly growing Double / ConcurrentSkipListMap$Node population of a long run is: starts the
# packaged jar (all roles, embedded Kafka and PostgreSQL, fresh data dir, JMX on 127.0.0.1:17999)
# against the shared bench's C mock, drives 100 OpenAI calls/s with a paced wrk, and every minute
# prints the live-heap counts of both classes (jcmd GC.class_histogram, which runs a full GC first)
# beside what the broker's Yammer reservoirs hold (bench/lib/BrokerReservoirs.java over JMX).
# Method and result: docs/faults.md#soak-benchsoaksh.
#
#   ./mvnw -B -q package -DskipTests && bench/reservoirs.sh [minutes=8] [path/to/shared/bench]
#
# Ports 17000 (mock), 17080, 17090, 17092, 17999.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-8}
BENCH_DIR=${2:-../shared/bench}
[ -f target/quarkus-app/quarkus-run.jar ] || { echo "build first: ./mvnw -B -q package -DskipTests" >&2; exit 2; }
WORK=$(mktemp -d)
cleanup() {
  [ -n "${PID:-}" ] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  [ -n "${MOCK:-}" ] && kill "$MOCK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
gcc -O2 -pthread -o "$WORK/mock_llm" "$BENCH_DIR/mock/mock_llm.c"
"$WORK/mock_llm" -p 17000 >/dev/null 2>&1 & MOCK=$!
TALLY_DATA_DIR=$WORK/data TALLY_KAFKA_EMBEDDED_PORT=17092 QUARKUS_HTTP_PORT=17080 QUARKUS_MANAGEMENT_PORT=17090 \
TALLY_PROVIDERS_OPENAI_BASE_URL=http://127.0.0.1:17000/v1 TALLY_PROVIDERS_OPENAI_API_KEY=sk-bench \
TALLY_PROVIDERS_ANTHROPIC_BASE_URL=http://127.0.0.1:17000 TALLY_PROVIDERS_ANTHROPIC_API_KEY=sk-bench \
TALLY_GATEWAY_REQUESTS_PER_MINUTE=0 TALLY_GATEWAY_TOKENS_PER_MINUTE=0 \
  java -Dcom.sun.management.jmxremote.port=17999 -Dcom.sun.management.jmxremote.authenticate=false \
    -Dcom.sun.management.jmxremote.ssl=false -Dcom.sun.management.jmxremote.host=127.0.0.1 \
    -Djava.rmi.server.hostname=127.0.0.1 -jar target/quarkus-app/quarkus-run.jar >"$WORK/tally.log" 2>&1 &
PID=$!
for _ in $(seq 1 600); do
  curl -sf localhost:17090/q/health/ready >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { tail -50 "$WORK/tally.log"; exit 1; }
  sleep 1
done
T=$(cat "$WORK/data/admin-token")
api() { curl -sf -H "Authorization: Bearer $T" -H 'content-type: application/json' -d "$2" "localhost:17080$1"; }
TEAM=$(api /api/admin/teams '{"name":"reservoirs","department":"Platform"}' | jq -r .id)
EMP=$(api /api/admin/employees "{\"email\":\"reservoirs@example.com\",\"name\":\"Reservoirs\",\"teamId\":\"$TEAM\"}" | jq -r .id)
KEY=$(api /api/admin/keys "{\"employeeId\":\"$EMP\"}" | jq -r .key)
echo "Authorization: Bearer $KEY" >"$WORK/headers"
sed 's/"model": *"[^"]*"/"model":"gpt-4o-mini"/' "$BENCH_DIR/bodies/openai.json" >"$WORK/body.json"
snapshot() {
  local h
  h=$(jcmd "$PID" GC.class_histogram 2>/dev/null)
  printf '%s Double %s, ConcurrentSkipListMap$Node %s | %s\n' "$(date +%T)" \
    "$(echo "$h" | awk '$4=="java.lang.Double"{print $2}')" \
    "$(echo "$h" | awk '$4=="java.util.concurrent.ConcurrentSkipListMap$Node"{print $2}')" \
    "$(java bench/lib/BrokerReservoirs.java 17999 2>&1 | tail -1)"
}
snapshot
for _ in $(seq 1 "$MINUTES"); do
  BENCH_BODY=$WORK/body.json BENCH_HEADERS=$WORK/headers BENCH_RATE=100 BENCH_THREADS=1 \
    wrk -t1 -c4 -d60s -s "$BENCH_DIR/lib/wrk_post.lua" http://127.0.0.1:17080/v1/chat/completions >/dev/null 2>&1
  snapshot
done
