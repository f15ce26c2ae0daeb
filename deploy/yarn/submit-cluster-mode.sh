#!/usr/bin/env bash
# Cluster-mode submit on YARN (driver in the ApplicationMaster container), with containers sized
# for ND4J's off-heap memory. Run from a gateway host with the cluster's Hadoop configuration:
#   HADOOP_CONF_DIR=/etc/hadoop/conf deploy/yarn/submit-cluster-mode.sh [spark-submit options]...
# Goes through deploy/bin/submit: with SPARK_HOME set to a Spark 3.5 distribution (Scala 2.12,
# built with YARN support) its spark-submit; without, the Maven-built Spark jars (then also pass
# --conf spark.yarn.jars=... or spark.yarn.archive=..., the Spark jars the containers run).
# Options given here come after the defaults below and win (sizes, queue, spark.yarn.jars).
#   HARDNEG_JOB_CONF  the job configuration (input.* on HDFS), default conf/hardneg.conf; shipped
#                     to the driver's container with --files
#   HARDNEG_OUT       the run directory, default hdfs:///user/$USER/hardneg/runs/yarn-<time>
#   HARDNEG_JOB_ARGS  more hardneg options, e.g. "--set rounds=1"
#
# Sizing (per executor): YARN kills a container whose resident memory exceeds
#   spark.executor.memory (JVM heap) + spark.executor.memoryOverhead.
# ND4J arrays live off-heap, allocated through javacpp, which enforces two limits itself:
#   org.bytedeco.javacpp.maxbytes          off-heap bytes javacpp may allocate (default = heap)
#   org.bytedeco.javacpp.maxphysicalbytes  resident size of the whole process (default 2 x heap)
# Keep maxbytes inside the overhead (minus ~1 GB for JVM metaspace, threads, Netty buffers) and
# maxphysicalbytes just under the container size, so ND4J fails with a clear OutOfMemoryError
# (after trying a GC to free unreferenced arrays) before YARN kills the container:
#   heap 6g + overhead 6g = 12g container; maxbytes 5g; maxphysicalbytes 11g.
# Overriding the sizes means overriding spark.{executor,driver}.extraJavaOptions with them.
set -euo pipefail
: "${HADOOP_CONF_DIR:?set HADOOP_CONF_DIR to the cluster configuration}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
job_conf="${HARDNEG_JOB_CONF:-$root/conf/hardneg.conf}"
[[ -f $job_conf ]] || { echo "submit-cluster-mode: no job configuration $job_conf" >&2; exit 2; }
out="${HARDNEG_OUT:-hdfs:///user/${USER:-$(id -un)}/hardneg/runs/yarn-$(date +%Y%m%d-%H%M%S)}"
clock=-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource
read -r -a job_args <<< "${HARDNEG_JOB_ARGS:-}"

# --files puts the configuration in the driver container's working directory; a second
# application attempt (spark.yarn.maxAppAttempts) resumes after the last committed round.
exec "$root/deploy/bin/submit" \
  --master yarn --deploy-mode cluster --name hardneg-train \
  --num-executors 4 --executor-cores 2 \
  --executor-memory 6g --conf spark.executor.memoryOverhead=6g \
  --conf "spark.executor.extraJavaOptions=$clock -Dorg.bytedeco.javacpp.maxbytes=5g -Dorg.bytedeco.javacpp.maxphysicalbytes=11g --add-modules=jdk.incubator.vector" \
  --driver-memory 4g --conf spark.driver.memoryOverhead=3g \
  --conf "spark.driver.extraJavaOptions=$clock -Dorg.bytedeco.javacpp.maxbytes=2g -Dorg.bytedeco.javacpp.maxphysicalbytes=6g --add-modules=jdk.incubator.vector" \
  --conf spark.yarn.maxAppAttempts=2 \
  --files "$job_conf" \
  "$@" \
  train --conf "$(basename "$job_conf")" --out "$out" "${job_args[@]}"
