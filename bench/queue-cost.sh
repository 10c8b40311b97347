#!/usr/bin/env bash
# Benchmark 1: cost of one Odoo tenant scrape against queue_job tables of 0.1 M, 1 M and 5 M done
# jobs, beside the naive GROUP BY channel, state over the whole table. Needs a PostgreSQL server
# with a trusting superuser; by default the one on 127.0.0.1:5432 (FREIGHTWATCH_TEST_PG_* override
# it). Arguments: sizes separated by commas (default 100000,1000000,5000000) and measured cycles
# per size (default 30). Creates one scratch database per size (fw_queue_bench_<size>) and drops it
# after measuring; the 5 M table needs about 2.5 GB of disk while it exists.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
sizes="${1:-100000,1000000,5000000}"
cycles="${2:-30}"
export FREIGHTWATCH_TEST_PG_HOST="${FREIGHTWATCH_TEST_PG_HOST:-127.0.0.1}"
export FREIGHTWATCH_TEST_PG_PORT="${FREIGHTWATCH_TEST_PG_PORT:-5432}"
export FREIGHTWATCH_TEST_PG_USER="${FREIGHTWATCH_TEST_PG_USER:-postgres}"
mvn -q -B -o test-compile
classpath_file=target/bench-classpath.txt
mvn -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file"
exec java -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  io.freightwatch.bench.QueueCollectionCost "$sizes" "$cycles"
