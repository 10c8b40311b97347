#!/usr/bin/env bash
# Benchmark 3: runs the agent, Debian's prometheus-postgres-exporter (auto-discovery plus a
# queue_job query) and prometheus-redis-exporter side by side on one lab and prints resource use
# per cycle and the agent-to-exporter ratios. Arguments: tenant databases (default 20), interval
# in seconds (default 10), measured cycles (default 18) and the agent's connection cap (default 8,
# the agent's default). Takes about (cycles + 3) x interval plus the lab start. Results land in
# target/side-by-side/side-by-side.md. FW_BENCH_AGENT_OPTS replaces the agent's JVM flags.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tenants="${1:-20}"
interval="${2:-10}"
cycles="${3:-18}"
cap="${4:-8}"
scripts/setup-machine.sh
mvn -q -B -o package -DskipTests
jar="$(ls target/freightwatch-*-all.jar | head -n 1)"
classpath_file=target/bench-classpath.txt
mvn -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file"
rm -rf target/side-by-side
exec java -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  io.freightwatch.bench.SideBySide "$jar" target/side-by-side "$tenants" "$interval" "$cycles" "$cap"
