#!/usr/bin/env bash
# Prints the benchmarks' classpath: the spark-bench jar, then spark-job, miner-core, the shared
# test fixtures and Spark (spark-bench/target/bench-classpath.txt). Builds them first (mvn package
# of spark-bench and the modules it needs) when spark-bench has not been packaged yet or when a
# source file or pom is newer than the packaged jar, so a benchmark never runs stale classes.
#   cp="$(bench/classpath.sh)"; java -cp "$cp" io.hardneg.spark.bench.KernelBench
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jar=$(ls "$root"/spark-bench/target/spark-bench-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -n 1 || true)
if [[ ! -f spark-bench/target/bench-classpath.txt || -z "$jar" ]] \
  || [[ -n "$(find pom.xml miner-core spark-job spark-bench -path '*/target' -prune -o \
    \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]]; then
  mvn -B -q -DskipTests -pl spark-bench -am package >&2
  jar=$(ls "$root"/spark-bench/target/spark-bench-*.jar | grep -v -- '-tests.jar' | head -n 1)
fi
echo "$jar:$(cat spark-bench/target/bench-classpath.txt)"
