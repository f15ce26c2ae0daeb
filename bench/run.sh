#!/usr/bin/env bash
# hardneg vs its peers, side by side, one run on one machine (issue 9). Writes bench/RESULTS.md.
#   bench/run.sh                 full run (< 30 min on 2 cores): Fashion-MNIST 60k PCA-64
#   BENCH_SMOKE=1 bench/run.sh   tiny sizes, synthetic data, writes bench/RESULTS-smoke.md (~1 min)
# Knobs (env): BENCH_OUT (output file), BENCH_THREADS (2: Spark local[N], faiss/hnswlib/torch/ND4J
# threads), BENCH_SYNTHETIC (N: a synthetic clustered set instead of Fashion-MNIST),
# BENCH_SETTINGS (hardneg placements, default broadcast,ivf:0:16,ivf:0:32), BENCH_ANCHORS (2000),
# BENCH_NPROBE (faiss, 16,32), BENCH_EF (64,128), BENCH_KS (10,64), BENCH_LSH_SAMPLE (5000),
# BENCH_LSH_QUERIES (20), BENCH_TRAIN_STEPS (30), BENCH_ARCHS (mlp,cnn), BENCH_KERNEL_N (30000,
# 0 skips), BENCH_KERNEL_REPS (3), BENCH_CP (a ready classpath instead of the built jar),
# BENCH_PYTHON (/usr/bin/python3: the Debian python with python3-faiss, -hnswlib, -torch).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
threads="${BENCH_THREADS:-2}"
py="${BENCH_PYTHON:-/usr/bin/python3}"
if [[ "${BENCH_SMOKE:-0}" == 1 ]]; then
  out="${BENCH_OUT:-bench/RESULTS-smoke.md}"
  : "${BENCH_SYNTHETIC:=2000}" "${BENCH_SETTINGS:=broadcast,ivf:0:8}" "${BENCH_ANCHORS:=300}"
  : "${BENCH_NPROBE:=8}" "${BENCH_EF:=32}" "${BENCH_LSH_SAMPLE:=1000}" "${BENCH_LSH_QUERIES:=1}"
  : "${BENCH_TRAIN_STEPS:=1}" "${BENCH_KERNEL_N:=1000}" "${BENCH_KERNEL_REPS:=1}" "${BENCH_DRIVER_MEMORY:=1g}"
else
  out="${BENCH_OUT:-bench/RESULTS.md}"
fi
work="${BENCH_WORK:-$root/spark-job/target/peers}"
rm -rf "$work"
mkdir -p "$work"
if [[ -n "${BENCH_CP:-}" ]]; then
  cp="$BENCH_CP"
else
  [[ -f spark-job/target/local-classpath.txt ]] || mvn -B -q -DskipTests package
  cp="$(ls spark-job/target/spark-job-*.jar | grep -v -- '-app.jar' | head -n 1):$(cat spark-job/target/local-classpath.txt)"
fi
export OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2046
jvm=(java -Xmx"${BENCH_DRIVER_MEMORY:-6g}" $(cat deploy/bin/jvm-flags)
  -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE:-$HOME/.javacpp/cache}"
  -Dorg.bytedeco.javacpp.maxbytes="${BENCH_OFFHEAP:-3g}" -Dorg.bytedeco.javacpp.maxphysicalbytes="${BENCH_PHYSICAL:-10g}"
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -Dspark.ui.enabled=false -cp "$cp")

data=()
if [[ -n "${BENCH_SYNTHETIC:-}" ]]; then
  data=(--synthetic "$BENCH_SYNTHETIC")
else
  for d in "${FMNIST_DIR:-}" "$root/../shared/data/fashion-mnist" /usr/share/datasets/fashion-mnist; do
    [[ -n "$d" && -f "$d/train-images-idx3-ubyte.gz" ]] && { data=(--fmnist "$d/train-images-idx3-ubyte.gz" "$d/train-labels-idx1-ubyte.gz" --pca 64); break; }
  done
  ((${#data[@]})) || { echo "Fashion-MNIST not found: set FMNIST_DIR or BENCH_SYNTHETIC" >&2; exit 2; }
fi
start=$(date +%s)
echo "[run.sh] mining: hardneg + Spark MLlib LSH (Java), export for the peers" >&2
"${jvm[@]}" io.hardneg.spark.bench.PeerBench --master "local[$threads]" --out "$work" "${data[@]}" \
  --settings "${BENCH_SETTINGS:-broadcast,ivf:0:16,ivf:0:32}" --anchors "${BENCH_ANCHORS:-2000}" \
  --lsh-sample "${BENCH_LSH_SAMPLE:-5000}" --lsh-queries "${BENCH_LSH_QUERIES:-20}" > "$work/java.log" 2>&1 \
  || { tail -n 40 "$work/java.log" >&2; exit 1; }
echo "[run.sh] mining: faiss + hnswlib" >&2
"$py" bench/peers.py "$work" "$threads" --nprobe "${BENCH_NPROBE:-16,32}" --ef "${BENCH_EF:-64,128}" \
  --ks "${BENCH_KS:-10,64}" > "$work/python.tsv"
echo "[run.sh] training step: hardneg (DL4J) + PyTorch" >&2
steps="${BENCH_TRAIN_STEPS:-30}"
archs="${BENCH_ARCHS:-mlp,cnn}"
"${jvm[@]}" io.hardneg.spark.bench.TrainStepBench "$steps" "$(( steps < 5 ? 1 : 5 ))" "$archs" > "$work/train-hardneg.tsv" 2> "$work/train.log" \
  || { tail -n 40 "$work/train.log" >&2; exit 1; }
"$py" bench/peers_torch.py "$threads" "$steps" "$(( steps < 5 ? 1 : 5 ))" "$archs" > "$work/train-torch.tsv"
: > "$work/kernel.md"
if [[ "${BENCH_KERNEL_N:-30000}" != 0 ]]; then
  echo "[run.sh] kernel: masked kNN vs GEMM" >&2
  "${jvm[@]}" io.hardneg.spark.bench.KernelBench "${BENCH_KERNEL_N:-30000}" "${BENCH_KERNEL_REPS:-3}" 2>> "$work/kernel.log" \
    | grep '^|' > "$work/kernel.md" || true
fi
{
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
  echo "mem=$(free -g | awk '/Mem:/{print $2}') GiB"
  echo "load=$(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at the end)"
  echo "java=$(java -version 2>&1 | head -n 1)"
  echo "blas=libblas.so.3 -> $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo '?')"
  echo "python=$("$py" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null)"
  for m in numpy faiss hnswlib torch; do
    echo "$m=$("$py" -c "import $m; print(getattr($m, '__version__', 'installed'))" 2>/dev/null || echo 'not installed')"
  done
  echo "threads=$threads"
  echo "elapsed=$(( $(date +%s) - start ))"
  echo "command=$( [[ "${BENCH_SMOKE:-0}" == 1 ]] && echo 'BENCH_SMOKE=1 ')bench/run.sh"
} > "$work/machine.txt"
"$py" bench/report.py "$work" > "$out"
echo "[run.sh] wrote $out" >&2
