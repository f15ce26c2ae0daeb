#!/usr/bin/env bash
# GPU check: on a machine with an NVIDIA GPU, runs EMBED + exact SEARCH + TRAIN throughput
# (io.hardneg.spark.bench.BackendBench) and one full training round (hardneg train, demo data,
# Spark local[2]) on the CPU backend (nd4j-native) and on the CUDA backend (mvn -Pcuda:
# nd4j-cuda-11.6 1.0.0-M2.1), and prints both with the speed-up.
#   bench/gpu-check.sh [N=20000] [TRAIN_STEPS=50]
# Needs: nvidia-smi and a driver for CUDA 11.6; the first run downloads the CUDA natives
# (~600 MB). nd4j-cuda-11.6 loads the CUDA 11.6 runtime libraries from the system (or set
# GPU_CHECK_REDIST=1 to add org.bytedeco:cuda-platform-redist, ~1.8 GB). CUDA 11.6 predates
# Hopper (sm_90): on H100/H200 the kernels must be JIT-compiled from PTX, if they run at all.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n=${1:-20000}
steps=${2:-50}
out="${GPU_CHECK_OUT:-runs/gpu-check-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
if ! command -v nvidia-smi > /dev/null || ! nvidia-smi > /dev/null 2>&1; then
  echo "gpu-check: no NVIDIA GPU here (nvidia-smi missing or failing); nothing to compare" >&2
  exit 3
fi
nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader | tee "$out/gpu.txt"

set -e
mvn -B -q -DskipTests package                                   # CPU build + Spark classpath
# spark-bench's jar and classpath: the benchmark, the job (io.hardneg.spark.Main) and Spark
cpu_cp="$(bench/classpath.sh)"
# our jars from that build (spark-bench, spark-job, miner-core and its fixtures)
ours="$(tr ':' '\n' <<< "$cpu_cp" | grep -F "$root/" | paste -sd:)"
# the CUDA backend's runtime libraries (natives included), without rebuilding our classes: the
# skipped test-compile phase only lets the reactor resolve our modules; each module overwrites
# the file, spark-bench (everything the others need) comes last
mvn -B -q -Pcuda -pl miner-core,spark-job,spark-bench -Dmaven.main.skip -Dmaven.test.skip=true \
  test-compile dependency:build-classpath -DincludeScope=runtime -DexcludeGroupIds=io.hardneg \
  -Dmdep.outputFile="$root/$out/cuda-classpath.txt"
cuda_cp="$ours:$(cat "$out/cuda-classpath.txt"):$(cat deploy/target/spark-classpath.txt)"
if [[ ${GPU_CHECK_REDIST:-0} == 1 ]]; then
  mvn -B -q dependency:copy -Dartifact=org.bytedeco:cuda:11.6-8.3-1.5.7:jar:linux-x86_64-redist \
    -DoutputDirectory="$root/$out/redist"
  cuda_cp="$cuda_cp:$(ls "$root/$out"/redist/*.jar)"
fi
set +e

flags="$(cat deploy/bin/jvm-flags) -Dorg.bytedeco.javacpp.cachedir=${JAVACPP_CACHE:-$HOME/.javacpp/cache}"
flags="$flags -Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource"
flags="$flags -Dlog4j2.configurationFile=$root/conf/log4j2.properties"
export SPARK_LOCAL_IP=127.0.0.1

run_backend() {   # $1 = cpu | cuda, $2 = classpath
  local b=$1 cp=$2 t0
  echo "== $b: BackendBench n=$n steps=$steps"
  # shellcheck disable=SC2086
  java -Xmx8g $flags -cp "$cp" io.hardneg.spark.bench.BackendBench "$n" "$steps" \
    > "$out/bench-$b.log" 2>&1
  echo "   exit $? ($out/bench-$b.log)"; grep '^RESULT' "$out/bench-$b.log" | sed 's/^/   /'
  echo "== $b: one training round (conf/demo.conf, rounds=1, local[2])"
  t0=$(date +%s)
  # shellcheck disable=SC2086
  java -Xmx8g $flags -cp "$cp" io.hardneg.spark.Main train --conf conf/demo.conf \
    --set rounds=1 --out "$out/round-$b" --master 'local[2]' > "$out/round-$b.log" 2>&1
  echo "   exit $? in $(( $(date +%s) - t0 )) s ($out/round-$b.log)"
  grep -E '"(embed_s|mine_s|train_s|evaluate_s|round_s|recall_at_1)"' \
    "$out/round-$b/round-000/metrics.json" 2>/dev/null | sed 's/^ */   /'
}
run_backend cpu "$cpu_cp"
run_backend cuda "$cuda_cp"

value() { grep -h -o "$2\"\? *[=:] *[0-9.]*" "$1" 2>/dev/null | head -n 1 | grep -o '[0-9.]*$'; }
echo
echo "| measure | CPU | CUDA | CUDA/CPU |"
echo "|---|---|---|---|"
for k in embed_items_per_s search_pairs_per_s train_triplets_per_s; do
  c=$(value "$out/bench-cpu.log" "$k"); g=$(value "$out/bench-cuda.log" "$k")
  r=$( [[ -n $c && -n $g ]] && awk -v c="$c" -v g="$g" 'BEGIN{printf "%.2fx", g/c}' || echo n/a)
  echo "| $k | ${c:-failed} | ${g:-failed} | $r |"
done
for k in embed_s mine_s train_s round_s; do
  c=$(value "$out/round-cpu/round-000/metrics.json" "$k"); g=$(value "$out/round-cuda/round-000/metrics.json" "$k")
  r=$( [[ -n $c && -n $g ]] && awk -v c="$c" -v g="$g" 'BEGIN{printf "%.2fx faster", c/g}' || echo n/a)
  echo "| round $k (s) | ${c:-failed} | ${g:-failed} | $r |"
done
grep -q '^RESULT backend=CudaBackend\|JCublasBackend' "$out/bench-cuda.log" \
  || echo "gpu-check: the CUDA run did not report a CUDA backend; see $out/bench-cuda.log" >&2
