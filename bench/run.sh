#!/usr/bin/env bash
# hardneg vs its peers, side by side, one run on one machine. Writes bench/RESULTS.md.
#   bench/run.sh                 full run: Fashion-MNIST 60k PCA-64 peers, 1M synthetic peers, training,
#                                end to end, kernel, scaling 250k + the 1M point (about 30 min on 2 cores);
#                                BENCH_SCALING=250000,4000000 adds the 4M point (about 14 min more)
#   BENCH_SMOKE=1 bench/run.sh   tiny sizes, synthetic data, writes bench/RESULTS-smoke.md (~1 min)
# Knobs (env): BENCH_OUT (output file), BENCH_THREADS (2: Spark local[N], faiss/hnswlib/torch/ND4J
# threads; a Spark run of hardneg gets N task slots of one ND4J thread each), BENCH_SYNTHETIC (N: a synthetic clustered set instead of Fashion-MNIST),
# BENCH_SETTINGS (hardneg placements, default broadcast,ivf:0:16,ivf:0:32,ivf:0:64), BENCH_ANCHORS (2000),
# BENCH_NPROBE (faiss, 16,32), BENCH_EF (64,128), BENCH_KS (10,64), BENCH_LSH_SAMPLE (5000),
# BENCH_LSH_QUERIES (20), BENCH_CKNN_QUERIES (200 anchors searched by SynapseML's ConditionalKNN,
# time scaled to N; 0 skips), BENCH_PEERS_CKNN_QUERIES (0: the same at the large set, off by default:
# a query took 0.45 s on 2,000 items and 0.84 s on 4,000 with ~900 labels, so minutes each at 1M), BENCH_TRAIN_STEPS (30), BENCH_ARCHS (mlp,cnn), BENCH_KERNEL_N (30000,
# 0 skips), BENCH_KERNEL_REPS (3), BENCH_CP (a ready classpath instead of bench/classpath.sh's),
# BENCH_PYTHON (/usr/bin/python3: the Debian python with python3-faiss, -hnswlib, -torch),
# BENCH_AVG_TRIPLETS (15360: triplets per epoch of the in-job training bench), BENCH_AVG_EPOCHS (3, smoke 1: one epoch of about 2 s moved 30% between runs),
# BENCH_E2E_ROUNDS (2, 0 skips the end-to-end Fashion-MNIST runs), BENCH_E2E_EPOCHS (1 per round),
# BENCH_E2E_ARCHS (mlp,cnn), BENCH_E2E_TORCH_EPOCHS (3), BENCH_SCALING (250000; more sizes
# comma-separated, 0 skips), BENCH_SCALING_SETTINGS (ivf:0:8,ivf:0:6:4), BENCH_SCALING_MEMORY (6g driver heap of the scaling series),
# BENCH_PEERS_MEMORY (12g heap of the 1M synthetic peers run),
# BENCH_SCALING_CLUSTER (off; sizes mined on a standalone cluster of this machine, e.g. 16000000:
# 2 workers of 1 core, executors of BENCH_CLUSTER_EXECUTOR_MEMORY = 4g heap, off-heap limit
# BENCH_CLUSTER_OFFHEAP = 1g, driver heap BENCH_CLUSTER_DRIVER_MEMORY = 2g, placements
# BENCH_CLUSTER_SETTINGS = BENCH_SCALING_SETTINGS; 16M with ivf:0:8 took 38 min and ~60 GB of shuffle
# scratch on disk in RESULTS.md at 6576833; the synthetic set and the mine stage's reduce side get
# max(8, N / 500,000) partitions),
# BENCH_PEERS_SYNTHETIC (1000000: the large mining comparison, 0 skips), BENCH_PEERS_SETTINGS (ivf:0:8,ivf:0:6:4,ivf:0:10:4),
# BENCH_PEERS_NPROBE (16), BENCH_PEERS_EF (64), BENCH_PEERS_KS (64,512: a cluster holds ~250 items of one
# label), BENCH_PEERS_QUERIES (5000 searched, scaled to N), BENCH_PER_CLASS_MAX_LABELS (5000: faiss and
# hnswlib per-class rows skipped above that many labels), BENCH_PEERS_SELECTOR_QUERIES (200: anchors the
# faiss ID-selector row searches at the large set, a scan of all N each; 2,000 in the first table).
# A hardneg setting is broadcast | tiled | ivf:NLIST:NPROBE[:BASE_LISTS] (NLIST 0 = about 4·√N;
# BASE_LISTS = mining.ivf.baseLists, 1 if left out).
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
  : "${BENCH_AVG_TRIPLETS:=256}" "${BENCH_SCALING:=1000,3000}" "${BENCH_SCALING_MEMORY:=1g}" "${BENCH_SCALING_SETTINGS:=ivf:0:4}"
  : "${BENCH_PEERS_SYNTHETIC:=4000}" "${BENCH_PEERS_SETTINGS:=ivf:0:4}" "${BENCH_PEERS_NPROBE:=4}" "${BENCH_PEERS_EF:=16}"
  : "${BENCH_PEERS_QUERIES:=1000}" "${BENCH_SCALING_PHYSICAL:=4g}" "${BENCH_PEERS_KS:=64}" "${BENCH_PEERS_MEMORY:=1g}"
  : "${BENCH_CKNN_QUERIES:=50}" "${BENCH_PEERS_CKNN_QUERIES:=50}" "${BENCH_AVG_EPOCHS:=1}"
else
  out="${BENCH_OUT:-bench/RESULTS.md}"
fi
work="${BENCH_WORK:-$root/spark-bench/target/peers}"
rm -rf "$work"
mkdir -p "$work"
cp="${BENCH_CP:-$(bench/classpath.sh)}"
export OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2046
jvm=(java -Xmx"${BENCH_DRIVER_MEMORY:-6g}" $(cat deploy/bin/jvm-flags)
  -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE:-$HOME/.javacpp/cache}"
  -Dorg.bytedeco.javacpp.maxbytes="${BENCH_OFFHEAP:-3g}" -Dorg.bytedeco.javacpp.maxphysicalbytes="${BENCH_PHYSICAL:-10g}"
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -Dspark.ui.enabled=false -cp "$cp")

data=()
fmnist=""
for d in "${FMNIST_DIR:-}" /usr/share/datasets/fashion-mnist; do
  [[ -n "$d" && -f "$d/train-images-idx3-ubyte.gz" ]] && { fmnist="$d"; break; }
done
if [[ -n "${BENCH_SYNTHETIC:-}" ]]; then
  data=(--synthetic "$BENCH_SYNTHETIC")
  fmnist=""  # a synthetic run (the smoke test) skips the Fashion-MNIST end-to-end section
else
  [[ -n "$fmnist" ]] || { echo "Fashion-MNIST not found: set FMNIST_DIR or BENCH_SYNTHETIC" >&2; exit 2; }
  data=(--fmnist "$fmnist/train-images-idx3-ubyte.gz" "$fmnist/train-labels-idx1-ubyte.gz" --pca 64)
fi
start=$(date +%s)
echo "[run.sh] mining: hardneg + Spark MLlib LSH (Java), export for the peers" >&2
"${jvm[@]}" io.hardneg.spark.bench.PeerBench --master "local[$threads]" --out "$work" "${data[@]}" \
  --settings "${BENCH_SETTINGS:-broadcast,ivf:0:16,ivf:0:32,ivf:0:64}" --anchors "${BENCH_ANCHORS:-2000}" \
  --lsh-sample "${BENCH_LSH_SAMPLE:-5000}" --lsh-queries "${BENCH_LSH_QUERIES:-20}" \
  --cknn-queries "${BENCH_CKNN_QUERIES:-200}" --warm-up > "$work/java.log" 2>&1 \
  || { tail -n 40 "$work/java.log" >&2; exit 1; }
echo "[run.sh] mining: faiss + hnswlib, then every row scored against one numpy truth" >&2
"$py" bench/peers.py "$work" "$threads" --nprobe "${BENCH_NPROBE:-16,32}" --ef "${BENCH_EF:-64,128}" \
  --ks "${BENCH_KS:-10,64}" --per-class-max-labels "${BENCH_PER_CLASS_MAX_LABELS:-5000}" > "$work/mining.tsv"
peers_n="${BENCH_PEERS_SYNTHETIC:-1000000}"
if [[ "$peers_n" != 0 ]]; then
  # the same comparison on a large synthetic set: hardneg IVF only, LSH join on a subsample,
  # Python peers building on all N and searching a sample of queries (time scaled to N)
  echo "[run.sh] mining at $peers_n synthetic: hardneg + LSH join, then faiss + hnswlib" >&2
  mkdir -p "$work/big"
  # shellcheck disable=SC2046
  java -Xmx"${BENCH_PEERS_MEMORY:-12g}" $(cat deploy/bin/jvm-flags) \
    -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE:-$HOME/.javacpp/cache}" \
    -Dorg.bytedeco.javacpp.maxbytes="${BENCH_OFFHEAP:-3g}" -Dorg.bytedeco.javacpp.maxphysicalbytes="${BENCH_SCALING_PHYSICAL:-18g}" \
    -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -Dspark.ui.enabled=false -cp "$cp" \
    io.hardneg.spark.bench.PeerBench --master "local[$threads]" --out "$work/big" --synthetic "$peers_n" \
    --settings "${BENCH_PEERS_SETTINGS:-ivf:0:8,ivf:0:6:4,ivf:0:10:4}" --anchors "${BENCH_ANCHORS:-2000}" \
    --lsh-sample "${BENCH_LSH_SAMPLE:-5000}" --lsh-queries 0 --cknn-queries "${BENCH_PEERS_CKNN_QUERIES:-0}" \
    > "$work/big/java.log" 2>&1 \
    || { tail -n 40 "$work/big/java.log" >&2; exit 1; }
  "$py" bench/peers.py "$work/big" "$threads" --nprobe "${BENCH_PEERS_NPROBE:-16}" --ef "${BENCH_PEERS_EF:-64}" \
    --ks "${BENCH_PEERS_KS:-64,512}" --query-sample "${BENCH_PEERS_QUERIES:-5000}" \
    --per-class-max-labels "${BENCH_PER_CLASS_MAX_LABELS:-5000}" \
    --selector-queries "${BENCH_PEERS_SELECTOR_QUERIES:-200}" > "$work/big/mining.tsv"
  rm -f "$work/big/emb.npy"
fi
echo "[run.sh] training step: hardneg (DL4J) + PyTorch" >&2
steps="${BENCH_TRAIN_STEPS:-30}"
archs="${BENCH_ARCHS:-mlp,cnn}"
"${jvm[@]}" io.hardneg.spark.bench.TrainStepBench "$steps" "$(( steps < 5 ? 1 : 5 ))" "$archs" > "$work/train-hardneg.tsv" 2> "$work/train.log" \
  || { tail -n 40 "$work/train.log" >&2; exit 1; }
"$py" bench/peers_torch.py "$threads" "$steps" "$(( steps < 5 ? 1 : 5 ))" "$archs" > "$work/train-torch.tsv"
echo "[run.sh] training inside the job: TrainStage, Spark local[$threads], parameter averaging" >&2
# one ND4J thread per Spark task slot (deploy/bin/hardneg's default): $threads threads in all, as the peers
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
  "${jvm[@]}" io.hardneg.spark.bench.AveragingBench "local[$threads]" "${BENCH_AVG_TRIPLETS:-15360}" \
  "${BENCH_AVG_EPOCHS:-3}" "$archs" > "$work/train-averaging.tsv" 2> "$work/averaging.log" \
  || { tail -n 40 "$work/averaging.log" >&2; exit 1; }
if [[ -n "$fmnist" && "${BENCH_E2E_ROUNDS:-2}" != 0 ]]; then
  # Recall@1 per minute of wall time: the whole `hardneg train` (JVM start, load, baselines,
  # rounds of EMBED/MINE/TRAIN/EVALUATE/COMMIT) vs PyTorch's training + evaluation loop
  IFS=, read -r -a e2e_archs <<< "${BENCH_E2E_ARCHS:-mlp,cnn}"
  for arch in "${e2e_archs[@]}"; do
    echo "[run.sh] end to end: hardneg $arch, ${BENCH_E2E_ROUNDS:-2} rounds" >&2
    hidden=256,128
    [[ "$arch" == cnn ]] && hidden=128
    t0=$(date +%s.%N)
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 HARDNEG_MASTER="local[$threads]" deploy/bin/hardneg train --conf conf/fmnist.conf \
      --set input.images="$fmnist/train-images-idx3-ubyte.gz" --set input.labels="$fmnist/train-labels-idx1-ubyte.gz" \
      --set eval.input.images="$fmnist/t10k-images-idx3-ubyte.gz" --set eval.input.labels="$fmnist/t10k-labels-idx1-ubyte.gz" \
      --set model.architecture="$arch" --set model.hidden="$hidden" --set train.mode=pk \
      --set rounds="${BENCH_E2E_ROUNDS:-2}" --set train.epochsPerRound="${BENCH_E2E_EPOCHS:-1}" \
      --out "$work/e2e-$arch" 2> "$work/e2e-$arch.log" \
      | while IFS= read -r line; do printf '%s\t%s\n' "$(date +%s.%N)" "$line"; done \
      | awk -v t0="$t0" -v a="$arch" -F'\t' '$2 ~ /^round [0-9]+: Recall@1/ {
          split($2, w, " "); sub(":", "", w[2]); printf "%s\t%d\t%.1f\t%s\t%s\n", a, w[2] + 1, $1 - t0, w[4], w[6] }' \
      >> "$work/e2e-hardneg.tsv"
  done
  echo "[run.sh] end to end: PyTorch" >&2
  "$py" bench/peers_torch_e2e.py "$threads" "$fmnist" "${BENCH_E2E_TORCH_EPOCHS:-3}" "${BENCH_E2E_ARCHS:-mlp,cnn}" \
    > "$work/e2e-torch.tsv"
fi
: > "$work/kernel.md"
if [[ "${BENCH_KERNEL_N:-30000}" != 0 ]]; then
  echo "[run.sh] kernel: masked kNN vs GEMM" >&2
  "${jvm[@]}" io.hardneg.spark.bench.KernelBench "${BENCH_KERNEL_N:-30000}" "${BENCH_KERNEL_REPS:-3}" 2>> "$work/kernel.log" \
    | grep '^|' > "$work/kernel.md" || true
fi
if [[ "${BENCH_SCALING:-250000}" != 0 ]]; then
  # the large mining run above is the series' next point (report.py merges them)
  echo "[run.sh] scaling: hardneg IVF mine stage at N = ${BENCH_SCALING:-250000}" >&2
  sizes=()
  IFS=, read -r -a scaling <<< "${BENCH_SCALING:-250000}"
  for n in "${scaling[@]}"; do sizes+=(--synthetic "$n"); done
  # shellcheck disable=SC2046
  java -Xmx"${BENCH_SCALING_MEMORY:-6g}" $(cat deploy/bin/jvm-flags) \
    -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE:-$HOME/.javacpp/cache}" \
    -Dorg.bytedeco.javacpp.maxbytes="${BENCH_OFFHEAP:-3g}" -Dorg.bytedeco.javacpp.maxphysicalbytes="${BENCH_SCALING_PHYSICAL:-18g}" \
    -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -Dspark.ui.enabled=false -cp "$cp" \
    io.hardneg.spark.bench.SearchBench --master "local[$threads]" --settings "${BENCH_SCALING_SETTINGS:-ivf:0:8,ivf:0:6:4}" \
    "${sizes[@]}" > "$work/scaling.md" 2> "$work/scaling.log" \
    || { echo; echo "**The scaling run failed** after the rows above: $(grep -m1 -E 'Exception|Error' "$work/scaling.log" | cut -c1-300)"; } >> "$work/scaling.md"
fi
if [[ -n "${BENCH_SCALING_CLUSTER:-}" && "${BENCH_SCALING_CLUSTER}" != 0 ]]; then
  # opt-in points (e.g. 16000000) on a Spark standalone cluster of this machine (deploy/bin/cluster):
  # 2 workers of 1 core, executors of BENCH_CLUSTER_EXECUTOR_MEMORY heap (4g), so no JVM holds the
  # data set; the driver only plans, samples k-means and counts. Rows join the series above.
  echo "[run.sh] scaling on a standalone cluster: N = $BENCH_SCALING_CLUSTER" >&2
  [[ -f deploy/target/spark-classpath.txt ]] || mvn -B -q -DskipTests -pl deploy -am package >&2
  cdir="$work/cluster"
  emem="${BENCH_CLUSTER_EXECUTOR_MEMORY:-4g}"
  trap 'deploy/bin/cluster stop --dir "$cdir" > /dev/null 2>&1 || true' EXIT
  # no shared secret: the bench's driver below does not pass one
  env -u HARDNEG_SPARK_SECRET_FILE deploy/bin/cluster start --workers 2 --cores 1 --memory "$emem" --dir "$cdir" > "$work/cluster-start.log" 2>&1 \
    || { tail -n 20 "$work/cluster-start.log" >&2; exit 1; }
  sizes=()
  IFS=, read -r -a scaling <<< "$BENCH_SCALING_CLUSTER"
  for n in "${scaling[@]}"; do sizes+=(--synthetic "$n"); done
  # shellcheck disable=SC2046
  java -Xmx"${BENCH_CLUSTER_DRIVER_MEMORY:-2g}" $(cat deploy/bin/jvm-flags) \
    -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE:-$HOME/.javacpp/cache}" \
    -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -Dspark.ui.enabled=false \
    -Dspark.executor.memory="$emem" -Dspark.executor.extraClassPath="$cp" \
    -Dspark.executor.extraJavaOptions="--add-modules=jdk.incubator.vector -Dorg.bytedeco.javacpp.maxbytes=${BENCH_CLUSTER_OFFHEAP:-1g} -Dorg.bytedeco.javacpp.cachedir=${JAVACPP_CACHE:-$HOME/.javacpp/cache}" \
    -Dspark.executorEnv.OMP_NUM_THREADS=1 -Dspark.executorEnv.OPENBLAS_NUM_THREADS=1 -cp "$cp" \
    io.hardneg.spark.bench.SearchBench --master "$(cat "$cdir/master-url")" \
    --name "standalone cluster, 2 executors of 1 core and $emem" \
    --settings "${BENCH_CLUSTER_SETTINGS:-${BENCH_SCALING_SETTINGS:-ivf:0:8,ivf:0:6:4}}" "${sizes[@]}" \
    > "$work/scaling-cluster.md" 2> "$work/scaling-cluster.log" \
    || { echo; echo "**The cluster scaling run failed** after the rows above: $(grep -m1 -E 'Exception|Error' "$work/scaling-cluster.log" | cut -c1-300)"; } >> "$work/scaling-cluster.md"
  deploy/bin/cluster stop --dir "$cdir" > /dev/null 2>&1 || true
  trap - EXIT
fi
{
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  c="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  "$root/bench/provenance.sh" --clean || c="$c (with uncommitted changes)"
  echo "commit=$c"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc) cores"
  echo "mem=$(awk '/^MemTotal:/{printf "%d", $2 / 1048576}' /proc/meminfo) GiB"
  echo "load=$(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at the end)"
  echo "java=$(java -version 2>&1 | head -n 1)"
  echo "blas=libblas.so.3 -> $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo '?')"
  echo "python=$("$py" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null)"
  for m in numpy faiss hnswlib torch; do
    echo "$m=$("$py" -c "import $m; print(getattr($m, '__version__', 'installed'))" 2>/dev/null || echo 'not installed')"
  done
  echo "threads=$threads"
  echo "heap=${BENCH_SCALING_MEMORY:-6g}"
  echo "elapsed=$(( $(date +%s) - start ))"
  # the knobs as set (the data directory named, not its path on this machine)
  knobs=$(env | grep -E '^BENCH_[A-Z0-9_]+=' | grep -v '^BENCH_CP=' | sort | tr '\n' ' ' || true)
  echo "command=${knobs}$( [[ -n "${FMNIST_DIR:-}" ]] && echo 'FMNIST_DIR=… ')bench/run.sh"
} > "$work/machine.txt"
# a failing report leaves the results file as it was
"$py" bench/report.py "$work" > "$out.tmp"
mv "$out.tmp" "$out"
echo "[run.sh] wrote $out" >&2
