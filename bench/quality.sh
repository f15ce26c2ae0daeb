#!/usr/bin/env bash
# Quality run on full Fashion-MNIST: trains on the 60k training images, evaluates on the
# 10k test images after every round, prints Recall@1 and MAP@R per round and the wall time.
#   bench/quality.sh OUT_DIR [--set key=value ...]      e.g. --set model.architecture=cnn
# Data: $FMNIST_DIR or the Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: bench/quality.sh OUT_DIR [--set key=value ...]}"
shift
data=""
for d in "${FMNIST_DIR:-}" /usr/share/datasets/fashion-mnist; do
  [[ -n "$d" && -f "$d/train-images-idx3-ubyte.gz" ]] && { data="$d"; break; }
done
[[ -n "$data" ]] || { echo "quality.sh: Fashion-MNIST not found (set FMNIST_DIR)" >&2; exit 2; }
start=$(date +%s)
"$root/deploy/bin/hardneg" train --conf "$root/conf/fmnist.conf" \
  --set input.images="$data/train-images-idx3-ubyte.gz" \
  --set input.labels="$data/train-labels-idx1-ubyte.gz" \
  --set eval.input.images="$data/t10k-images-idx3-ubyte.gz" \
  --set eval.input.labels="$data/t10k-labels-idx1-ubyte.gz" \
  --out "$out" "$@"
echo "wall time: $(( $(date +%s) - start )) s"
