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
# the knobs that change the figures, as the command line that reproduces them
env_set() {
  local v
  for v in BENCH_SETTINGS BENCH_DRIVER_MEMORY BENCH_OFFHEAP HARDNEG_MASTER; do
    [[ -n "${!v:-}" ]] && printf '%s=%s ' "$v" "${!v}"
  done
  # the data set's directory is machine-specific: name the variable, not the path
  [[ -n "$data" && "$data" == "${FMNIST_DIR:-}" ]] && printf 'FMNIST_DIR=… '
  return 0
}
{
  echo "# Mining-stage benchmark"
  echo
  bench/provenance.sh "$(env_set)bench/mining.sh${model:+ $model} ${sizes[*]}"
  echo
  # shellcheck disable=SC2046
  java -Xmx"${BENCH_DRIVER_MEMORY:-12g}" $(cat deploy/bin/jvm-flags) \
    -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE:-$HOME/.javacpp/cache}" \
    -Dorg.bytedeco.javacpp.maxbytes="${BENCH_OFFHEAP:-4g}" \
    -Dorg.bytedeco.javacpp.maxphysicalbytes="${BENCH_PHYSICAL:-16g}" \
    -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -Dspark.ui.enabled=false \
    -cp "$cp" io.hardneg.spark.bench.SearchBench "${args[@]}"
  cat <<'TXT'

Spark local[2] unless HARDNEG_MASTER says otherwise, 8 partitions. "mine stage s" = the whole MINE
stage (positives, search, mining rules, triplets counted); "distance computations" = query-base
pairs the kernel scored; "share of exact" = that over N²; "nearest-negative recall" = share of
2,000 seeded anchors whose nearest negative (most similar item of another label) the stage found,
ties counted, checked against an exact search of the same vectors. Exact placements are skipped
above 200k items. Synthetic data: 64-d unit vectors around 4,000 seeded centres, label = centre
mod 1000. "Fashion-MNIST, trained model" = the 60k training images embedded by the model given
on the command line; "PCA-64" = Spark ML PCA of the raw pixels, normalised. The scaling table
fits time ~ N^b over the synthetic sizes of this run.
TXT
} | tee "$out.tmp"
mv "$out.tmp" "$out"
