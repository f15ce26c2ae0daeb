#!/usr/bin/env bash
# Prints the benchmarks' classpath: the spark-bench jar, then spark-job, miner-core, the shared
# test fixtures and Spark (spark-bench/target/bench-classpath.txt). Builds them first when
# spark-bench has not been packaged yet (mvn package of spark-bench and the modules it needs).
#   cp="$(bench/classpath.sh)"; java -cp "$cp" io.hardneg.spark.bench.KernelBench
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ ! -f spark-bench/target/bench-classpath.txt ]]; then
  mvn -B -q -DskipTests -pl spark-bench -am package >&2
fi
jar=$(ls "$root"/spark-bench/target/spark-bench-*.jar | grep -v -- '-tests.jar' | head -n 1)
echo "$jar:$(cat spark-bench/target/bench-classpath.txt)"
