#!/usr/bin/env bash
# Mining-stage benchmark: search placements on the same embeddings, one run, one table.
#   bench/mining.sh [MODEL_ZIP] [SYNTHETIC_SIZES...]
# Data: Fashion-MNIST's 60k training images ($FMNIST_DIR or the
# Debian package dataset-fashion-mnist's /usr/share/datasets/fashion-mnist)
# embedded by MODEL_ZIP (e.g. a demo run's round-002/model.zip) and as 64-d PCA vectors; then
# synthetic clustered 64-d sets of the given sizes (default: 1000000). Spark local[2].
# Settings: broadcast | tiled | ivf:NLIST:NPROBE[:BASE_LISTS] (BENCH_SETTINGS, comma-separated).
# Writes the table to stdout and to bench/results-mining.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
model="${1:-}"
shift || true
sizes=("${@:-1000000}")
data=""
for d in "${FMNIST_DIR:-}" /usr/share/datasets/fashion-mnist; do
  [[ -n "$d" && -f "$d/train-images-idx3-ubyte.gz" ]] && { data="$d"; break; }
done
cp="$(bench/classpath.sh)"
args=(--master "${HARDNEG_MASTER:-local[2]}" --settings "${BENCH_SETTINGS:-broadcast,ivf:0:8,ivf:0:16,ivf:0:32,ivf:0:6:4}")
if [[ -n "$data" ]]; then
  args+=(--fmnist "$data/train-images-idx3-ubyte.gz" "$data/train-labels-idx1-ubyte.gz" --pca 64)
  [[ -n "$model" ]] && args+=(--model "$model")
fi
for n in "${sizes[@]}"; do args+=(--synthetic "$n"); done
out=bench/results-mining.md
{
  echo "# Mining-stage benchmark"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -n 1)"
  echo "Command: bench/mining.sh $model ${sizes[*]}"
  echo
  # shellcheck disable=SC2046
  java -Xmx"${BENCH_DRIVER_MEMORY:-12g}" $(cat deploy/bin/jvm-flags) \
    -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE:-$HOME/.javacpp/cache}" \
    -Dorg.bytedeco.javacpp.maxbytes="${BENCH_OFFHEAP:-4g}" \
    -Dorg.bytedeco.javacpp.maxphysicalbytes="${BENCH_PHYSICAL:-16g}" \
    -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -Dspark.ui.enabled=false \
    -cp "$cp" io.hardneg.spark.bench.SearchBench "${args[@]}"
} | tee "$out"
