#!/usr/bin/env bash
# Starts benchmark 3's lab (PostgreSQL primary and replica, Redis, the Traefik stand-in and the
# workload, on free ports) and writes target/profiling-lab/freightwatch.yaml, then waits until
# Ctrl-C or the end of standard input. Start the agent by hand against that file as often as a
# profiling session needs, for example with a flight recording:
#   java -XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1 -XX:StartFlightRecording=filename=a.jfr \
#     -jar target/freightwatch-*-all.jar run --config target/profiling-lab/freightwatch.yaml
# Arguments: tenant databases (default 20), interval in seconds (default 10), the agent's listen
# port (default 9187) and connection cap (default 8).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tenants="${1:-20}"
interval="${2:-10}"
port="${3:-9187}"
cap="${4:-8}"
mvn -q -B -o package -DskipTests
classpath_file=target/bench-classpath.txt
mvn -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file"
exec java -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  io.freightwatch.bench.ProfilingLab target/profiling-lab "$tenants" "$interval" "$port" "$cap"
