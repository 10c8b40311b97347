#!/usr/bin/env bash
# Runs the JMH microbenchmarks of src/test/java/io/freightwatch/bench: the Traefik text-format
# parser on a 50,000-series scrape and the latency quantile computation. Extra arguments go to
# JMH, e.g. "bench/jmh.sh ExpositionParserBenchmark.parseTextFormat -f 1".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -q -B -o test-compile
classpath_file=target/bench-classpath.txt
mvn -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file"
exec java -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  org.openjdk.jmh.Main -rf json -rff target/jmh-result.json "$@"
