#!/usr/bin/env bash
# The gateway's warm-up curve (issue 16): how fast a freshly started gateway serves, window by window,
# next to nginx measured in the same run.
#
#   ./mvnw -B -q package -DskipTests       && bench/warmup.sh [BENCH_DIR]   the default package
#   ./mvnw -B -q package -DskipTests -Paot && bench/warmup.sh [BENCH_DIR]   the AOT package (./tally uses
#                                                                            its cache when the JDK fits)
#
# BENCH_DIR is the shared bench (default ../shared/bench): its C mock upstream, request bodies and wrk
# script are used as they are. Method:
#   1. the mock and nginx (the bench's plain keep-alive reverse proxy config) start; nginx is measured at
#      saturation (wrk -t2 -c64, 5 s, the OpenAI JSON body) after a 5 s warm-up of its own;
#   2. Tally starts gateway-only through ./tally on a fresh data directory (no per-key limits, providers
#      pointed at the mock); a team, person and key are made; it is stopped and started again on the
#      same data (a rolling deploy's restart; WARMUP_FIRST_START=1 measures the first start instead);
#      the time from launch to ready is printed;
#   3. from then on wrk runs back to back at saturation until WARMUP_SECS (65) after ready, in windows
#      aligned to the launch (ready to the next multiple of 5 s after launch, then 5 s each); each window
#      prints its span (s after launch), its start after ready, req/s, the ratio to nginx and p50.
# BENCH_KAFKA=host:port points Tally at a Kafka outside its JVM (e.g. kafka/run-broker.sh), as a gateway
# tier runs in production; default the embedded broker inside it. Extra JVM flags: JAVA_OPTS, as ./tally.
# Java: JAVA_HOME or java on the PATH, as ./tally. Ports: 18000 (mock), 18100 (nginx), 18080/19000/19092
# (Tally). Run it on a quiet machine: the load generator, mock, nginx and Tally share the cores.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=$(cd "${1:-../shared/bench}" && pwd)
[ -f "$BENCH_DIR/mock/mock_llm.c" ] || { echo "no shared bench at $BENCH_DIR (pass its path)" >&2; exit 2; }
[ -f target/quarkus-app/quarkus-run.jar ] || { echo "build first: ./mvnw -B -q package -DskipTests [-Paot]" >&2; exit 2; }
for tool in wrk nginx gcc jq; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "$tool is needed" >&2; exit 2; }
done

PORT=18080 MGMT=19000 KAFKA=19092 MOCK=18000 NGINX=18100
SECS=${WARMUP_SECS:-65}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

. bench/lib.sh
bench_mock "$WORK" "$MOCK" "$BENCH_DIR"
PIDS+=("$MOCK_PID")
bench_nginx "$WORK" "  upstream llm_mock { server 127.0.0.1:$MOCK; keepalive 256; keepalive_requests 1000000; }
$(bench_proxy "$NGINX" llm_mock)"
PIDS+=("$NGINX_PID")

# window URL HEADERS SECS -> "rps p50_ms"
window() {
  (cd "$BENCH_DIR" && BENCH_BODY=bodies/openai.json BENCH_HEADERS="$2" wrk -t2 -c64 -d"$3"s --timeout 10s \
    -s lib/wrk_post.lua "$1/v1/chat/completions" | sed -n 's/^BENCH_RESULT //p') |
    jq -r '"\(.rps) \(.lat_p50_us / 1000)"'
}
: >"$WORK/none"
window "http://127.0.0.1:$NGINX" "$WORK/none" 5 >/dev/null
read -r NGINX_RPS NGINX_P50 < <(window "http://127.0.0.1:$NGINX" "$WORK/none" 5)
echo "nginx at saturation: $NGINX_RPS req/s, p50 $NGINX_P50 ms; load $(cut -d' ' -f1-3 /proc/loadavg)"

DATA="$WORK/data"
mkdir -p "$DATA"
bench_kafka "$KAFKA"
echo "Kafka: ${BENCH_KAFKA:-embedded}; JAVA_OPTS: ${JAVA_OPTS:-none}; commit $(git rev-parse --short HEAD)"
# start_tally: launches Tally gateway-only on $DATA and waits until ready; sets TALLY_PID, T0, T1
start_tally() {
  T0=$(date +%s.%N)
  TALLY_DATA_DIR=$DATA QUARKUS_HTTP_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$MGMT \
  TALLY_ROLES=gateway \
  TALLY_PROVIDERS_OPENAI_BASE_URL=http://127.0.0.1:$MOCK/v1 TALLY_PROVIDERS_OPENAI_API_KEY=sk-bench \
  TALLY_PROVIDERS_ANTHROPIC_BASE_URL=http://127.0.0.1:$MOCK TALLY_PROVIDERS_ANTHROPIC_API_KEY=sk-bench \
  TALLY_GATEWAY_REQUESTS_PER_MINUTE=0 TALLY_GATEWAY_TOKENS_PER_MINUTE=0 TALLY_GATEWAY_MAX_IN_FLIGHT_PER_KEY=0 \
    ./tally >"$WORK/tally.log" 2>&1 &
  TALLY_PID=$!
  PIDS+=("$TALLY_PID")
  for _ in $(seq 1 1200); do
    curl -sf "localhost:$MGMT/q/health/ready" >/dev/null 2>&1 && break
    kill -0 "$TALLY_PID" 2>/dev/null || { tail -30 "$WORK/tally.log"; exit 1; }
    sleep 0.1
  done
  T1=$(date +%s.%N)
}
start_tally
T=$(cat "$DATA/admin-token")
api() { curl -sf -H "Authorization: Bearer $T" -H 'content-type: application/json' -d "$2" "localhost:$PORT$1"; }
TEAM=$(api /api/admin/teams '{"name":"bench","department":"Platform"}' | jq -r .id)
EMP=$(api /api/admin/employees "{\"email\":\"bench@example.com\",\"name\":\"Bench\",\"teamId\":\"$TEAM\"}" | jq -r .id)
echo "Authorization: Bearer $(api /api/admin/keys "{\"employeeId\":\"$EMP\"}" | jq -r .key)" >"$WORK/key"
if [ "${WARMUP_FIRST_START:-0}" = 1 ]; then
  echo "measuring the first start (fresh data directory: initdb, topics, migrations)"
else
  # a rolling deploy restarts a gateway on its existing data: the team and key made above persist
  echo "first start (fresh data directory) ready in $(echo "$T1 - $T0" | bc) s; stopped, measuring a warm restart"
  kill -TERM "$TALLY_PID"; wait "$TALLY_PID" 2>/dev/null || true
  start_tally
fi
bench_launcher_line "$WORK/tally.log"
echo "launch -> ready: $(echo "$T1 - $T0" | bc) s ($(grep -m1 -o 'ready in .*' "$WORK/tally.log" || echo 'no phases line'))"

# Windows are aligned to the launch: the first runs from ready to the next multiple of 5 s after launch
# (at least 2 s, else to the one after), each next one to the next multiple, so every run's table has the
# same rows (10-15 s, 15-20 s, ...) whatever its ready time, and "× nginx by 15 s after launch" is read off
# the window that ends at 15 s. wrk's -d is whole seconds, so a window may end up to half a second off.
echo "| s after launch | s after ready | req/s | × nginx | p50 (ms) |"
echo "| --- | --- | --- | --- | --- |"
while :; do
  NOW=$(echo "$(date +%s.%N) - $T0" | bc)
  [ "$(echo "$NOW - ($T1 - $T0) >= $SECS" | bc)" = 1 ] && break
  # END: the next multiple of 5 s after launch that is at least 2 s away; DUR: whole seconds until then
  read -r END DUR < <(awk -v t="$NOW" 'BEGIN { e = (t + 2) / 5; e = (e == int(e) ? e : int(e) + 1) * 5; printf "%d %.0f\n", e, e - t }')
  read -r RPS P50 < <(window "http://127.0.0.1:$PORT" "$WORK/key" "$DUR")
  printf '| %.0f-%.0f | %.0f | %.0f | %.2f | %s |\n' "$NOW" "$END" "$(echo "$NOW - $T1 + $T0" | bc)" "$RPS" \
    "$(echo "$RPS / $NGINX_RPS" | bc -l)" "$P50"
done
# nginx once more, with Tally's JVM up and idle beside it, as the gateway bench measures its nginx (all
# targets run side by side there): the same windows read against that figure are the table's × nginx
# times its factor
read -r NGINX_BESIDE _ < <(window "http://127.0.0.1:$NGINX" "$WORK/none" 5)
printf 'nginx at saturation beside the idle gateway: %.0f req/s (× that = the table'"'"'s × nginx times %.3f)\n' \
  "$NGINX_BESIDE" "$(echo "$NGINX_RPS / $NGINX_BESIDE" | bc -l)"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
