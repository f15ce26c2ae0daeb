#!/usr/bin/env bash
# The many-class near-duplicate task's data (docs/benchmarks.md, "Many classes"), built once for
# bench/ablation.sh and bench/sensitivity.sh: VIEWS views of each of the first SOURCES training
# images (one class each) into DIR/train and of the first TEST_N test images (ids from 60000) into
# DIR/test, by `hardneg views --seed 42`. DIR/done marks a complete build; anything else in DIR is
# built again. SOURCES 0 builds the test views only. --csv (and any other extra argument) goes to
# `hardneg views`.
#   bench/manyclass-views.sh DIR SOURCES TEST_N VIEWS [--csv]
# FMNIST_DIR names Fashion-MNIST's four files; else /usr/share/datasets/fashion-mnist.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(($# >= 4)) || { echo "usage: bench/manyclass-views.sh DIR SOURCES TEST_N VIEWS [--csv]" >&2; exit 2; }
dir="$1" n="$2" test_n="$3" views="$4"
shift 4
[[ -f "$dir/done" ]] && exit 0
fmnist=""
for d in "${FMNIST_DIR:-}" /usr/share/datasets/fashion-mnist; do
  [[ -n "$d" && -f "$d/train-images-idx3-ubyte.gz" ]] && { fmnist="$d"; break; }
done
[[ -n "$fmnist" ]] || { echo "manyclass-views.sh: Fashion-MNIST not found (set FMNIST_DIR)" >&2; exit 2; }
rm -rf "$dir"
if ((n > 0)); then
  "$root/deploy/bin/hardneg" views --images "$fmnist/train-images-idx3-ubyte.gz" \
    --labels "$fmnist/train-labels-idx1-ubyte.gz" --views "$views" --sources "$n" --seed 42 "$@" \
    --out "$dir/train"
fi
"$root/deploy/bin/hardneg" views --images "$fmnist/t10k-images-idx3-ubyte.gz" \
  --labels "$fmnist/t10k-labels-idx1-ubyte.gz" --views "$views" --sources "$test_n" \
  --offset 60000 --seed 42 "$@" --out "$dir/test"
touch "$dir/done"
