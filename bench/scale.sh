#!/usr/bin/env bash
# Scale figures (issue 12, item 4) on the kafka/cluster.sh cluster: three brokers, PostgreSQL, Tally JVMs.
#
#   bench/scale.sh [events=1000000] [gateway seconds=30] [shared bench dir=../shared/bench]
#
# (a) Aggregators: puts <events> realistic usage events on tally.usage.v1 once (200 teams x 10 people,
#     keyed by team, as the gateway writes them), then for one and for two TALLY_ROLES=aggregator JVMs,
#     each time on a fresh database: starts them, times from the moment all of them are in the consumer
#     group and a batch is stored until the offsets stored with the rollups reach the topic's end, and checks that the rollups hold exactly the
#     events produced and their spend to the nano-dollar.
# (b) Propagation: with the two aggregators running, a gateway's calls one at a time, from the answer
#     until the rollups count the call (what budgets on other gateways wait for).
# (c) Gateways: wrk -t2 -c64 (the shared bench's lib/wrk_post.lua, OpenAI JSON body) against one gateway,
#     against nginx with that gateway alone behind it, and against the same nginx round-robin over two
#     gateways; upstream = the shared bench's C mock. After one warm-up of both gateways, each step has
#     a key of its own, its own warm-up (SCALE_WARMUP_SECS, 15) then the measured run, and its events on the topic are checked against
#     the calls (the gateways' own count exactly; the client's 2xx count up to the calls in flight when
#     wrk stopped).
# It ends with one table, the core count and load average beside it; exit 0 only if every check held.
# Method and figures: docs/scale.md. The default size takes about 8-10 minutes on a quiet 2-core box.
# Knobs: SCALE_KEEP=1 keeps the cluster directory (logs), SCALE_NICE (0) for the cluster's processes,
# SCALE_JAVA_OPTS (-XX:+UseG1GC: C2 and G1, as a production JVM) for Tally's JVMs, SCALE_PROPAGATION_CALLS (20).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
EVENTS=${1:-1000000}
SECS=${2:-30}
BENCH_DIR=$(cd "${3:-../shared/bench}" && pwd)
WARM=${SCALE_WARMUP_SECS:-15}
CONNS=64
MOCK_PORT=${SCALE_MOCK_PORT:-17410} NGINX_ONE=${SCALE_NGINX_PORT:-17481} NGINX_TWO=$(( ${SCALE_NGINX_PORT:-17481} + 1 ))
for tool in wrk gcc jq curl; do command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 2; }; done
[ -x "$(command -v nginx || echo /usr/sbin/nginx)" ] || { echo "nginx is needed (nginx-light)" >&2; exit 2; }

. bench/lib.sh
bench_driver_classpath dev/tally/platform/faults/ScaleRun.class

export TALLY_CLUSTER_DIR="$root/target/scale-cluster"
export TALLY_CLUSTER_NICE=${SCALE_NICE:-0}
export TALLY_CLUSTER_JAVA_OPTS=${SCALE_JAVA_OPTS:--XX:+UseG1GC}
# the gateways: providers at the mock, no per-key limits (one key per step takes every call)
export TALLY_PROVIDERS_OPENAI_BASE_URL=http://127.0.0.1:$MOCK_PORT/v1 TALLY_PROVIDERS_OPENAI_API_KEY=sk-bench
export TALLY_PROVIDERS_ANTHROPIC_BASE_URL=http://127.0.0.1:$MOCK_PORT TALLY_PROVIDERS_ANTHROPIC_API_KEY=sk-bench
export TALLY_GATEWAY_REQUESTS_PER_MINUTE=0 TALLY_GATEWAY_TOKENS_PER_MINUTE=0 TALLY_GATEWAY_MAX_IN_FLIGHT_PER_KEY=0
WORK=$(mktemp -d)
NGINX_PID=
cleanup() {
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
  [ -n "${MOCK_PID:-}" ] && kill "$MOCK_PID" 2>/dev/null
  if [ -n "${SCALE_KEEP:-}" ]; then kafka/cluster.sh stop || true; echo "kept $TALLY_CLUSTER_DIR" >&2
  else kafka/cluster.sh destroy >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
say() { echo "scale: $*" >&2; }
cluster() { kafka/cluster.sh "$@"; }
cenv() { cluster env | grep "^$1=" | cut -d= -f2-; }
# the driver gets the cluster's addresses for the database now in TALLY_CLUSTER_DB
driver() {
  env $(cluster env | grep -E '^(TALLY_KAFKA_BOOTSTRAP_SERVERS|QUARKUS_DATASOURCE_[A-Z_]+)=') \
    java -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$DRIVER_CP" dev.tally.platform.faults.ScaleRun "$@"
}
FAIL=0
check() { if [ "$1" = ok ]; then return 0; fi; say "CHECK FAILED: $2"; FAIL=1; }

# --- CPU used per part of the cluster over a measurement (clock ticks from /proc) ---------------------
pids_of() {
  case "$1" in
    kafka) cat "$TALLY_CLUSTER_DIR"/broker-*/pid ;;
    postgres) local pm; pm=$(head -n 1 "$TALLY_CLUSTER_DIR/postgres/data/postmaster.pid"); echo "$pm"; pgrep -P "$pm" || true ;;
    tally) for f in "$TALLY_CLUSTER_DIR"/tally-*/pid; do [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; done; true ;;
    nginx) [ -n "$NGINX_PID" ] && { echo "$NGINX_PID"; pgrep -P "$NGINX_PID" || true; } ;;
    mock) echo "${MOCK_PID:-}" ;;
  esac
}
# the machine's busy and total ticks (user nice system idle iowait irq softirq steal)
machine() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
cpu_start() { CPU0=(); for g in kafka postgres tally nginx mock; do CPU0+=("$(bench_cpu_ticks $(pids_of $g))"); done; read -r BUSY0 ALL0 < <(machine); T0=$(date +%s%N); }
# cpu_end: "kafka x%, postgres y%, ..." as shares of the machine (all cores) over the interval
cpu_end() {
  local secs i=0 out="" g hz; hz=$(getconf CLK_TCK); secs=$(( ($(date +%s%N) - T0) / 1000000 ))
  for g in kafka postgres tally nginx mock; do
    local d=$(( $(bench_cpu_ticks $(pids_of $g)) - CPU0[i] )); i=$((i + 1))
    (( d > 0 )) && out="$out$g $(( d * 100000 / hz / secs / $(nproc) ))%, "
  done
  local b a; read -r b a < <(machine)
  echo "${out}whole machine busy $(( (b - BUSY0) * 100 / (a - ALL0 > 0 ? a - ALL0 : 1) ))%"
}

CORES=$(nproc)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "$CORES cores, load $LOAD_START; commit $(git rev-parse --short HEAD); $EVENTS events, gateway runs ${WARM}s + ${SECS}s"
rm -rf "$TALLY_CLUSTER_DIR"
bench_mock "$WORK" "$MOCK_PORT" "$BENCH_DIR"
cluster start

# --- (a) aggregators ----------------------------------------------------------------------------------
read -r _ N SPEND PSECS < <(driver produce "$EVENTS")
say "produced $N events ($SPEND nano-dollars) in $PSECS s"
declare -A AGG_RATE AGG_SECS AGG_EQ AGG_CPU AGG_TIMED AGG_SHARES
for k in 1 2; do
  TALLY_CLUSTER_DB=postgres driver createdb "scale_agg$k" >/dev/null
  export TALLY_CLUSTER_DB=scale_agg$k
  # the schema and the first admin account first, by an instance that does not aggregate: Tally JVMs
  # started together on an empty database race to create that account, and one fails to start
  cluster tally start prep dashboard; cluster tally await prep 600; cluster tally stop prep
  launched=$(date +%s)
  for i in $(seq 1 "$k"); do cluster tally start "agg-$i" aggregator; done
  # timed from the moment every instance's two consumers are in the group and a batch is stored (JVM
  # starts and the second one's joining left out) to the last: the driver says TIMING then, and the
  # CPU count starts
  driver await "$N" "$SPEND" 1800 $(( k * 2 )) >"$WORK/await" &
  apid=$!
  until grep -q '^TIMING' "$WORK/await" || ! kill -0 "$apid" 2>/dev/null; do sleep 0.1; done
  cpu_start
  wait "$apid"
  AGG_CPU[$k]=$(cpu_end)
  read -r _ TARGET SECS_A RATE FROM REQ COST EQ < <(grep '^DRAINED' "$WORK/await")
  # every instance still runs and took part (its own count of the events it rolled up)
  SHARES=""
  for i in $(seq 1 "$k"); do
    counted=$(curl -s "$(cenv "TALLY_MANAGEMENT_URL_AGG_$i")/q/metrics" | awk '/^tally_aggregator_events_total/ && /result="counted"/ && /topic="usage"/ { n += $NF } END { printf "%d", n }')
    SHARES="$SHARES agg-$i $counted"
    check "$( (( counted > 0 )) && echo ok)" "aggregator agg-$i is not running or counted nothing"
  done
  say "$k aggregator(s): $((TARGET - FROM)) events in $SECS_A s ($FROM of $TARGET stored when timing began, $(( $(date +%s) - launched )) s after the JVM start), $RATE events/s; rollups $REQ requests, $COST nano-dollars: $EQ; counted by instance:$SHARES"
  say "  cpu: ${AGG_CPU[$k]}"
  AGG_RATE[$k]=$RATE AGG_SECS[$k]=$SECS_A AGG_EQ[$k]=$EQ AGG_TIMED[$k]=$((TARGET - FROM)) AGG_SHARES[$k]=$SHARES
  check "$([ "$EQ" = equal ] && echo ok)" "$k aggregator(s): rollups $REQ/$COST, produced $N/$SPEND, topic $TARGET"
  check "$( (( TARGET - FROM > 0 )) && echo ok)" "$k aggregator(s): the drain ended before timing began; give more events"
  [ "$k" = 1 ] && cluster tally stop agg-1
done

# --- (b) propagation: gateway call -> rollups, two aggregators running --------------------------------
cluster tally start gw-1 gateway
cluster tally await gw-1 600
GW1=$(cluster tally url gw-1)
TOKEN=$(cat "$TALLY_CLUSTER_DIR/admin-token")
api() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d "$2" "$GW1$1"; }
new_key() { # new_key <name>: prints "<team id> <key>"
  local team emp
  team=$(api /api/admin/teams "{\"name\":\"$1\",\"department\":\"Scale\"}" | jq -r .id)
  emp=$(api /api/admin/employees "{\"email\":\"$1@example.com\",\"name\":\"$1\",\"teamId\":\"$team\"}" | jq -r .id)
  echo "$team $(api /api/admin/keys "{\"employeeId\":\"$emp\"}" | jq -r .key)"
}
read -r PTEAM PKEY < <(new_key propagation)
read -r _ PCALLS PMIN PMED PMAX < <(driver propagation "$GW1" "$PKEY" "$PTEAM" "$BENCH_DIR/bodies/openai.json" "${SCALE_PROPAGATION_CALLS:-20}")
say "propagation (answer -> rollups), $PCALLS calls: min $PMIN ms, median $PMED ms, max $PMAX ms"
cluster tally stop agg-1; cluster tally stop agg-2

# --- (c) gateways -------------------------------------------------------------------------------------
cluster tally start gw-2 gateway
cluster tally await gw-2 600
GW2=$(cluster tally url gw-2)
bench_nginx "$WORK" "  upstream one { server ${GW1#http://}; keepalive 256; keepalive_requests 1000000; }
  upstream two { server ${GW1#http://}; server ${GW2#http://}; keepalive 256; keepalive_requests 1000000; }
$(bench_proxy "$NGINX_ONE" one)
$(bench_proxy "$NGINX_TWO" two)"
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$NGINX_ONE/" && break; sleep 0.2; done

TIMED=(); [ -x /usr/bin/time ] && TIMED=(/usr/bin/time -f '%e %U %S' -o "$WORK/wrk.time")
wrk_run() { # wrk_run <url> <headers file> <seconds>: the BENCH_RESULT json
  BENCH_BODY="$BENCH_DIR/bodies/openai.json" BENCH_HEADERS="$2" BENCH_RATE=0 BENCH_THREADS=2 \
    "${TIMED[@]}" wrk -t2 -c"$CONNS" -d"${3}s" --timeout 10s -s "$BENCH_DIR/lib/wrk_post.lua" "$1/v1/chat/completions" \
    | sed -n 's/^BENCH_RESULT //p'
}
wrk_cpu() { [ -s "$WORK/wrk.time" ] && awk -v n="$(nproc)" '{ printf ", wrk %d%%", ($2 + $3) * 100 / $1 / n }' "$WORK/wrk.time"; true; }
STEPS=(gw1 nginx1 nginx2)
declare -A URL=([gw1]=$GW1 [nginx1]=http://127.0.0.1:$NGINX_ONE [nginx2]=http://127.0.0.1:$NGINX_TWO)
declare -A LABEL=([gw1]="1 gateway, wrk direct" [nginx1]="1 gateway behind nginx" [nginx2]="2 gateways behind nginx (round-robin)")
# both gateways' JIT first (C2 takes a while): the steps' own warm-ups are then alike
read -r _ wkey < <(new_key scale-warmup)
printf 'Authorization: Bearer %s\n' "$wkey" >"$WORK/h.warmup"
wrk_run "http://127.0.0.1:$NGINX_TWO" "$WORK/h.warmup" "$WARM" >/dev/null
declare -A TEAM RES CLIENT_OK GW_CPU
for s in "${STEPS[@]}"; do
  read -r TEAM[$s] key < <(new_key "scale-$s")
  printf 'Authorization: Bearer %s\n' "$key" >"$WORK/h.$s"
  warm=$(wrk_run "${URL[$s]}" "$WORK/h.$s" "$WARM")
  cpu_start
  RES[$s]=$(wrk_run "${URL[$s]}" "$WORK/h.$s" "$SECS")
  GW_CPU[$s]="$(cpu_end)$(wrk_cpu)"
  CLIENT_OK[$s]=$(( $(jq '.requests - .err_status' <<<"$warm") + $(jq '.requests - .err_status' <<<"${RES[$s]}") ))
  say "${LABEL[$s]}: $(jq -r '"\(.rps) req/s, p50 \(.lat_p50_us) us, p99 \(.lat_p99_us) us, errors \(.err_connect + .err_read + .err_write + .err_status + .err_timeout)"' <<<"${RES[$s]}")"
  say "  cpu: ${GW_CPU[$s]}"
done

# events = calls: the topic's records of each step's team, against the gateways' own count and the client's
MG="$(cenv TALLY_MANAGEMENT_URL_GW_1),$(cenv TALLY_MANAGEMENT_URL_GW_2)"
driver count "$MG" "${TEAM[@]}" >"$WORK/topic"
metrics=$(curl -s "$(cenv TALLY_MANAGEMENT_URL_GW_1)/q/metrics"; curl -s "$(cenv TALLY_MANAGEMENT_URL_GW_2)/q/metrics")
declare -A EV_OK
for s in "${STEPS[@]}"; do
  read -r _ _ recs ids < <(grep " ${TEAM[$s]} " "$WORK/topic")
  counted=$(awk -v team="${TEAM[$s]}" '/^tally_gateway_requests_total/ && index($0, team) { n += $NF } END { printf "%d", n }' <<<"$metrics")
  extra=$(( ids - CLIENT_OK[$s] ))
  say "${LABEL[$s]}: client 2xx ${CLIENT_OK[$s]}, gateways counted $counted, topic $recs records / $ids distinct ids"
  # wrk stops with up to $CONNS calls in flight per run (warm-up and measured): the gateway finishes them
  ok=$([ "$recs" = "$ids" ] && [ "$ids" = "$counted" ] && (( extra >= 0 && extra <= 2 * CONNS )) && echo ok || true)
  check "$ok" "${LABEL[$s]}: events on the topic do not match the calls"
  EV_OK[$s]="$ids events = $counted counted by the gateways = ${CLIENT_OK[$s]} client 2xx + $extra in flight at wrk's stop"
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the table ----------------------------------------------------------------------------------------
rps() { jq -r .rps <<<"${RES[$1]}"; }
ms() { jq -r ".$2 / 1000" <<<"${RES[$1]}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "Scale figures, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), $CORES cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load average $LOAD_START at the start, $LOAD_END at the end"
echo
echo "| measurement | instances | throughput | p50 | p99 | ratio 2 : 1 | check |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
for k in 1 2; do
  echo "| aggregator drain of $N events, 6 partitions (the last ${AGG_TIMED[$k]} timed: ${AGG_SECS[$k]} s;${AGG_SHARES[$k]}) | $k | ${AGG_RATE[$k]} events/s | | | $([ "$k" = 2 ] && ratio "${AGG_RATE[2]}" "${AGG_RATE[1]}") | rollups = events, spend $SPEND: ${AGG_EQ[$k]} |"
done
for s in "${STEPS[@]}"; do
  echo "| ${LABEL[$s]}, OpenAI JSON, wrk -t2 -c$CONNS, ${SECS} s | $([ "$s" = nginx2 ] && echo 2 || echo 1) | $(rps "$s") req/s | $(ms "$s" lat_p50_us) ms | $(ms "$s" lat_p99_us) ms | $([ "$s" = nginx2 ] && ratio "$(rps nginx2)" "$(rps nginx1)") | ${EV_OK[$s]} |"
done
echo "| propagation: call answered -> in the rollups (2 aggregators, one call at a time) | $PCALLS calls | | median $PMED ms | max $PMAX ms | | min $PMIN ms |"
echo
echo "CPU over each measurement, share of all $CORES cores:"
for k in 1 2; do echo "  aggregators x$k: ${AGG_CPU[$k]}"; done
for s in "${STEPS[@]}"; do echo "  ${LABEL[$s]}: ${GW_CPU[$s]}"; done
[ "$FAIL" = 0 ] && echo "every check held" || echo "SOME CHECKS FAILED (above)"
exit "$FAIL"
