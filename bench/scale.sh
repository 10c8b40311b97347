#!/usr/bin/env bash
# Benchmark 2: one agent against 50, 200 and 500 Odoo tenant databases on one scratch PostgreSQL
# cluster (initdb on free loopback ports under target/scale-bench, kept for the next run).
# Arguments: scrape interval in seconds (default 30), measured cycles (default 3), connection cap
# (default 8), then the tenant counts (default 50 200 500). Prints one table row per tenant count
# and writes target/scale-bench/scale.md. FW_BENCH_AGENT_OPTS replaces the agent's JVM flags.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
interval="${1:-30}"
cycles="${2:-3}"
cap="${3:-8}"
shift $(( $# < 3 ? $# : 3 ))
counts=("$@")
if [ "${#counts[@]}" -eq 0 ]; then
  counts=(50 200 500)
fi
mvn -q -B -o package -DskipTests
jar="$(ls target/freightwatch-*-all.jar | head -n 1)"
classpath_file=target/bench-classpath.txt
mvn -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file"
exec java -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  io.freightwatch.bench.ScaleBench "$jar" target/scale-bench "$interval" "$cycles" "$cap" \
  "${counts[@]}"
