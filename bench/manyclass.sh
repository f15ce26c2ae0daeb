#!/usr/bin/env bash
# Builds the many-class near-duplicate task (docs/benchmarks.md, "The many-class task") from
# Fashion-MNIST: every source image is a class of V seeded augmented views.
#   bench/manyclass.sh OUT [V] [N]     V views per source (default 4), the first N training
#                                      images as training classes (default all 60,000)
# Writes OUT/train (N classes, labels 0..N-1) and OUT/test (the 10,000 test images, labels
# 60,000..69,999, so ids and labels never meet the training ones), each with items/ and pairs/
# (Parquet) and views.json. Data: $FMNIST_DIR or the Debian package dataset-fashion-mnist
# (/usr/share/datasets/fashion-mnist). Seed: $MANYCLASS_SEED (default 42).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: bench/manyclass.sh OUT [VIEWS] [SOURCES]}"
views="${2:-4}"
sources="${3:-60000}"
seed="${MANYCLASS_SEED:-42}"
data=""
for d in "${FMNIST_DIR:-}" /usr/share/datasets/fashion-mnist; do
  [[ -n "$d" && -f "$d/train-images-idx3-ubyte.gz" ]] && { data="$d"; break; }
done
[[ -n "$data" ]] || { echo "manyclass.sh: Fashion-MNIST not found (set FMNIST_DIR)" >&2; exit 2; }
start=$(date +%s)
"$root/deploy/bin/hardneg" views --images "$data/train-images-idx3-ubyte.gz" \
  --labels "$data/train-labels-idx1-ubyte.gz" --views "$views" --sources "$sources" \
  --seed "$seed" --out "$out/train"
"$root/deploy/bin/hardneg" views --images "$data/t10k-images-idx3-ubyte.gz" \
  --labels "$data/t10k-labels-idx1-ubyte.gz" --views "$views" --offset 60000 \
  --seed "$seed" --out "$out/test"
echo "wall time: $(( $(date +%s) - start )) s"
cat <<USAGE
train on it, e.g.:
  deploy/bin/hardneg train --conf conf/fmnist.conf --set input.format=parquet \\
    --set input.path=$out/train/items --set eval.input.path=$out/test/items \\
    --set train.mode=pk --set train.pk.classes=32 --set train.pk.perClass=$views \\
    --set mining.quota.perLabel=1 --set eval.validation.by=class --out RUN
USAGE
