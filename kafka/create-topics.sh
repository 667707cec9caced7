#!/usr/bin/env bash
# Creates Tally's topics from kafka/topics.conf on any cluster, with the stock kafka-topics.sh
# (the official apache/kafka image has it at /opt/kafka/bin). Idempotent: existing topics are kept.
# Usage: create-topics.sh <bootstrap-servers> [topics.conf] [kafka-topics.sh]
# Replication is capped at the number of brokers, as the app does.
set -euo pipefail
bootstrap="$1"
conf="${2:-$(dirname "$0")/topics.conf}"
topics_cmd="${3:-/opt/kafka/bin/kafka-topics.sh}"
brokers_cmd="$(dirname "$topics_cmd")/kafka-broker-api-versions.sh"

for i in $(seq 1 60); do
  if "$topics_cmd" --bootstrap-server "$bootstrap" --list >/dev/null 2>&1; then break; fi
  echo "waiting for Kafka at $bootstrap ($i)" >&2
  sleep 2
done
brokers="$("$brokers_cmd" --bootstrap-server "$bootstrap" 2>/dev/null | grep -c '(id:' || true)"
[ "$brokers" -ge 1 ] || brokers=1

grep -v '^[[:space:]]*#' "$conf" | while read -r name partitions replication retention cleanup; do
  [ -n "${name:-}" ] || continue
  rf=$(( replication < brokers ? replication : brokers ))
  "$topics_cmd" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor "$rf" \
    --config "retention.ms=$retention" --config "cleanup.policy=$cleanup"
done
echo "topics from $conf applied to $bootstrap"
