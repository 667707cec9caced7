#!/usr/bin/env bash
# The fault run of issue 12: Tally as separate processes on a three-broker Kafka cluster and its own
# PostgreSQL (kafka/cluster.sh), a fixed number of calls over both gateways, and meanwhile: kill -9
# of a broker, of a usage partition leader, of an aggregator; PostgreSQL paused 20 s; all brokers
# stopped for 60 s with a gateway restarted during it; everything restarted at the end. Then it
# prints the reconciliation table (client 2xx count = distinct usage ids on the topic = rollups =
# /api/reports = CSV, spend to the nano-dollar, spools and DLQ) and exits 0 only if all agree.
# Driver: src/test/java/dev/tally/platform/faults/FaultRun.java; method and figures: docs/faults.md.
#
#   bench/faults.sh [calls=20000] [calls per second, default: calls spread over 300 s]
#
# The issue's run is bench/faults.sh 1000000 (about 3,300 calls/s for 300 s; give a slower rate
# on a small machine, e.g. bench/faults.sh 1000000 1000, about 17 min of load). Everything runs under
# nice; FAULTS_KEEP=1 keeps the cluster directory (logs of every process) after the run. The driver
# keeps every call id (four sets of a million for the 1,000,000 run), hence its 3 GB heap.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
calls="${1:-20000}"
rate="${2:-}"
. bench/lib.sh
bench_driver_classpath dev/tally/platform/faults/FaultRun.class
exec nice -n 10 java -Xmx3g -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$DRIVER_CP" \
  -Dfaults.calls="$calls" ${rate:+-Dfaults.rate="$rate"} -Dfaults.repo="$root" \
  -Dfaults.keep="${FAULTS_KEEP:+true}" dev.tally.platform.faults.FaultRun
