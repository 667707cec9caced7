#!/usr/bin/env bash
# The two-gateway overspend test of issue 9: two gateways in separate JVMs and an aggregator on the
# kafka/cluster.sh cluster drive concurrent calls against one block budget; passes only when the spend
# reached the budget, exceeds it by at most N × the largest reservation, and every later call is
# refused on both gateways. Driver: src/test/java/dev/tally/platform/faults/BudgetOverspendRun.java;
# method and latest result: docs/budgets.md ("In the gateway").
#
#   bench/budget-overspend.sh [budget in USD, default 0.05] [callers per gateway, default 8]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bench/lib.sh
bench_driver_classpath dev/tally/platform/faults/BudgetOverspendRun.class
exec nice -n 10 java -Xmx512m -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "$DRIVER_CP" \
  -Doverspend.budgetUsd="${1:-0.05}" -Doverspend.threads="${2:-8}" -Dfaults.repo="$root" \
  -Dfaults.keep="${FAULTS_KEEP:+true}" dev.tally.platform.faults.BudgetOverspendRun
