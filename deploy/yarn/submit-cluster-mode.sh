#!/usr/bin/env bash
# Cluster-mode submit on YARN (driver in the ApplicationMaster container), with containers sized
# for ND4J's off-heap memory. Edit the sizes, the paths and the run directory, then run from the
# repository root on a gateway host with a Spark 3.5 distribution (Scala 2.12, Java 17):
#   SPARK_HOME=/opt/spark HADOOP_CONF_DIR=/etc/hadoop/conf deploy/yarn/submit-cluster-mode.sh
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
set -euo pipefail
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 distribution}"
: "${HADOOP_CONF_DIR:?set HADOOP_CONF_DIR to the cluster configuration}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
app=$(ls "$root"/spark-job/target/spark-job-*-app.jar | head -n 1)
job_conf="${HARDNEG_JOB_CONF:-$root/conf/hardneg.conf}"     # input.* and output on HDFS
out="${HARDNEG_OUT:-hdfs:///user/$USER/hardneg/runs/yarn-$(date +%Y%m%d-%H%M%S)}"
clock=-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource

exec "$SPARK_HOME/bin/spark-submit" \
  --master yarn --deploy-mode cluster --name hardneg-train \
  --properties-file "$root/conf/spark-defaults.conf" \
  --class io.hardneg.spark.Main \
  --num-executors 4 --executor-cores 2 \
  --executor-memory 6g --conf spark.executor.memoryOverhead=6g \
  --conf "spark.executor.extraJavaOptions=$clock -Dorg.bytedeco.javacpp.maxbytes=5g -Dorg.bytedeco.javacpp.maxphysicalbytes=11g --add-modules=jdk.incubator.vector" \
  --driver-memory 4g --conf spark.driver.memoryOverhead=3g \
  --conf "spark.driver.extraJavaOptions=$clock -Dorg.bytedeco.javacpp.maxbytes=2g -Dorg.bytedeco.javacpp.maxphysicalbytes=6g --add-modules=jdk.incubator.vector" \
  --conf spark.yarn.maxAppAttempts=2 \
  --files "$job_conf" \
  "$app" train --conf "$(basename "$job_conf")" --out "$out"
# --files puts the configuration in the driver container's working directory; a second
# application attempt (spark.yarn.maxAppAttempts) resumes after the last committed round.
