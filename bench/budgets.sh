#!/usr/bin/env bash
# The gateway's added latency with 1,000 budgets against none (issue 9), measured by the shared
# gateway benchmark (../shared/bench/run.sh, or BENCH_RUN) on one running Tally: a round with no
# budgets, then 1,000 budgets are created (every scope; the bench key's team, employee, department
# and the org are covered, the rest spread over other teams and keys; amounts too large to be
# reached, so every call walks the whole check), the gateways' next refresh picks them up, and the
# same round runs again; then the budgets are deleted and a third round runs (A-B-A). Each round warms
# the JIT first (BENCH_WARMUP_SECS, 40 s). Compare the rows' added p50 ("rate" test): the target is
# within 0.05 ms.
#
#   ./mvnw -B package -DskipTests && bench/budgets.sh
#
# Tally runs simulated (TALLY_GATEWAY_SIMULATE=true is not used: run.sh brings its own mock provider,
# reached through TALLY_PROVIDERS_OPENAI_BASE_URL / _ANTHROPIC_BASE_URL). Ports: BENCH_HTTP_PORT
# (18480), BENCH_KAFKA_PORT (19480), BENCH_MANAGEMENT_PORT (19482), MOCK_PORT (run.sh's, 18000). Run it on a quiet machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
http_port="${BENCH_HTTP_PORT:-18480}"
kafka_port="${BENCH_KAFKA_PORT:-19480}"
management_port="${BENCH_MANAGEMENT_PORT:-19482}"
mock_port="${MOCK_PORT:-18000}"
run="${BENCH_RUN:-$root/../shared/bench/run.sh}"
budgets="${BENCH_BUDGETS:-1000}"
data="$(mktemp -d)"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

admin="bench-admin-$RANDOM$RANDOM"
base="http://127.0.0.1:$http_port"
api() { curl -sf -H "Authorization: Bearer $admin" -H 'content-type: application/json' "$@"; }

TALLY_DATA_DIR="$data" QUARKUS_HTTP_PORT="$http_port" QUARKUS_MANAGEMENT_PORT="$management_port" TALLY_KAFKA_EMBEDDED_PORT="$kafka_port" \
  TALLY_ADMIN_TOKEN="$admin" TALLY_PROVIDERS_OPENAI_BASE_URL="http://127.0.0.1:$mock_port/v1" \
  TALLY_PROVIDERS_ANTHROPIC_BASE_URL="http://127.0.0.1:$mock_port" \
  TALLY_PROVIDERS_OPENAI_API_KEY=bench TALLY_PROVIDERS_ANTHROPIC_API_KEY=bench \
  TALLY_GATEWAY_REQUESTS_PER_MINUTE=0 TALLY_GATEWAY_TOKENS_PER_MINUTE=0 TALLY_GATEWAY_MAX_IN_FLIGHT_PER_KEY=0 \
  "$root/tally" > "$data/tally.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$management_port/q/health/ready" > /dev/null && break
  sleep 1
done

team=$(api "$base/api/admin/teams" -d '{"name":"bench","department":"Bench"}' | sed 's/.*"id":"\([^"]*\)".*/\1/')
employee=$(api "$base/api/admin/employees" -d "{\"email\":\"bench@example.com\",\"name\":\"Bench\",\"teamId\":\"$team\"}" \
  | sed 's/.*"id":"\([^"]*\)".*/\1/')
key=$(api "$base/api/admin/keys" -d "{\"employeeId\":\"$employee\"}" | sed 's/.*"key":"\([^"]*\)".*/\1/')
headers="Authorization: Bearer $key"

round() {
  OURS_URL="$base" OURS_NAME="$1" OURS_HEADERS="$headers" TARGETS=direct,ours TESTS=rate,sat \
    OURS_WARMUP_SECS="${BENCH_WARMUP_SECS:-40}" "$run"
}

echo "== no budgets"
round tally-0-budgets
echo "== creating $budgets budgets"
other=$(api "$base/api/admin/teams" -d '{"name":"bench-other","department":"Other"}' | sed 's/.*"id":"\([^"]*\)".*/\1/')
for scope in "\"scope\":\"org\"" "\"scope\":\"department\",\"scopeId\":\"Bench\"" \
             "\"scope\":\"team\",\"scopeId\":\"$team\"" "\"scope\":\"employee\",\"scopeId\":\"$employee\""; do
  api "$base/api/admin/budgets" -d "{$scope,\"period\":\"month\",\"amountUsd\":\"1000000\",\"mode\":\"block\"}" > /dev/null
done
for i in $(seq 5 "$budgets"); do
  mode=$([[ $((i % 3)) == 0 ]] && echo block || echo alert)
  api "$base/api/admin/budgets" -d "{\"name\":\"bench $i\",\"scope\":\"team\",\"scopeId\":\"$other\",\"period\":\"day\",\"amountUsd\":\"1000000\",\"mode\":\"$mode\"}" \
    | sed 's/.*"id":"\([^"]*\)".*/\1/' >> "$data/budget-ids"
done
sleep 3 # two refreshes: every gateway holds the 1,000 budgets
echo "== $budgets budgets"
round "tally-$budgets-budgets"
echo "== deleting the $budgets budgets again (A-B-A: drift of the machine or the JIT shows as a difference between the two rounds without budgets)"
for id in $(cat "$data/budget-ids"); do
  curl -sf -X DELETE -H "Authorization: Bearer $admin" "$base/api/admin/budgets/$id" > /dev/null || true
done
for id in $(api "$base/api/admin/budgets" | grep -o '"id":"[^"]*"' | sed 's/"id":"\(.*\)"/\1/'); do
  curl -sf -X DELETE -H "Authorization: Bearer $admin" "$base/api/admin/budgets/$id" > /dev/null || true
done
sleep 3
round tally-0-budgets-again
