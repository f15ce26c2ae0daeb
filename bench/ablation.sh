#!/usr/bin/env bash
# The batch-composition ablation (docs/benchmarks.md, "The ablation"): four arms trained inside
# hardneg with the same network, loss (triplet margin 0.2, semi-hard), optimiser (Adam 1e-3, the
# cosine schedule of conf/fmnist.conf), seeds and rows fitted:
#   a  in-batch only: PK batches of random classes (train.mode=pk, train.pk.compose=random)
#   b  PK batches of the round's mined class confusions (train.mode=pk)
#   c  globally mined negatives inside the batch (train.mode=mined: anchor, positive, K-2 of its
#      mined negatives per block; mining.hardPerAnchor=2, semiHardPerAnchor=4)
#   d  the mined triplets, fixed a,p,n layout (train.mode=triplets, one semi-hard per anchor)
#   e  PK batches as neighbourhoods of the mined confusion graph (train.pk.compose=neighbourhoods:
#      a seed class, its mined confusers, theirs; docs/concepts.md, "PK mode")
# Equal rows fitted: a, b, c and e fit ceil(N / 128) batches of P*K = 128 rows per epoch (N training
# items; mined mode has as many batches as pk by construction) for 3 epochs a round; d fits its
# one triplet per anchor (3 rows each, about N anchors) for 1 epoch a round, about 3N rows too.
# Every run's train_rows per round is in the table. Equal within a seed: the validation split is
# seeded, so N (and the batch count) can differ by a batch between seeds.
#   bench/ablation.sh PART       PART = fmnist-mlp | fmnist-cnn | manyclass-mlp | manyclass-cnn
#                                       | manyclass-torch (the PyTorch in-batch loop, 32 classes x
#                                         4 views a batch, on the many-class data of both networks;
#                                         assemble sets each many-class arm against it at equal
#                                         wall time)
#   bench/ablation.sh assemble   writes bench/results-ablation.md from the parts' part.json
# A part runs arms a-e with seed 1, then seeds 2 and 3 of arm a and of the best of b-e (by the
# validation MAP@R that best.json selects on). It is resumable: a run that ended (ARM-sSEED.wall
# written) is skipped, an interrupted one resumes (hardneg resumes after its last committed
# round); a part goes on at a later commit only with the same code (bench/provenance.sh
# --same-code; never with uncommitted changes, not even a part begun with them), and part.json
# lists every commit it ran on. Sizes (each part aimed at under an hour
# on 2 cores; the sizes are printed and recorded in part.json):
#   fmnist-mlp     first 40,000 training images (10% validation by item), 10,000 test images
#   fmnist-cnn     first 20,000 training images, 10,000 test images, CNN conv-conv-fc128-64
#   manyclass-*    V = 4 views of the first 10,000 (mlp) / 6,000 (cnn) training images as
#                  classes (10% of classes for validation), views of the first 2,000 test images
#                  each round; each run's selected model is then evaluated again on the views of
#                  all 10,000 test images (bench/retest.sh: the task's whole test set, 10,000
#                  classes never trained on, without paying for it every round)
#   all            3 rounds, 3 epochs a round (d: 1)
# Environment: ABLATION_OUT (default runs/ablation), ABLATION_TRAIN, ABLATION_TEST (training /
# test images or sources), ABLATION_FULL_TEST (the many-class retest's test sources; 10,000),
# ABLATION_ROUNDS, ABLATION_SEEDS (default 3), ABLATION_SMOKE=1 (tiny:
# 2,000 / 1,000 images or 600 / 200 sources, 1 round; for checking the script, not figures),
# FMNIST_DIR (Fashion-MNIST's four files; else /usr/share/datasets/fashion-mnist),
# ABLATION_TORCH_EPOCHS (30) and BENCH_PYTHON (/usr/bin/python3, with python3-torch) for
# manyclass-torch.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
part="${1:?usage: bench/ablation.sh fmnist-mlp|fmnist-cnn|manyclass-mlp|manyclass-cnn|manyclass-torch|assemble}"
out="${ABLATION_OUT:-$root/runs/ablation}"
commit="$(git -C "$root" rev-parse HEAD)"
"$root/bench/provenance.sh" --clean || commit="$commit-dirty"

if [[ "$part" == assemble ]]; then
  exec python3 "$root/bench/ablation_report.py" assemble "$out" "$root/bench/results-ablation.md"
fi

smoke="${ABLATION_SMOKE:-0}"
case "$part" in
  fmnist-mlp) task=fmnist; arch=(--set model.architecture=mlp); train_n=40000; test_n=10000 ;;
  fmnist-cnn) task=fmnist; arch=(--set model.architecture=cnn --set model.hidden=128)
    train_n=20000; test_n=10000 ;;
  manyclass-mlp) task=manyclass; arch=(--set model.architecture=mlp); train_n=10000; test_n=2000 ;;
  manyclass-cnn) task=manyclass; arch=(--set model.architecture=cnn --set model.hidden=128)
    train_n=6000; test_n=2000 ;;
  manyclass-torch) task=torch; arch=(); train_n=10000; test_n=2000 ;;
  *) echo "ablation.sh: unknown part '$part'" >&2; exit 2 ;;
esac
rounds=3
if [[ "$smoke" == 1 ]]; then
  rounds=1
  if [[ $task == fmnist ]]; then train_n=2000; test_n=1000; else train_n=600; test_n=200; fi
fi
full_n=10000
[[ "$smoke" == 1 ]] && full_n=400
full_n="${ABLATION_FULL_TEST:-$full_n}"
train_n="${ABLATION_TRAIN:-$train_n}"
test_n="${ABLATION_TEST:-$test_n}"
rounds="${ABLATION_ROUNDS:-$rounds}"
seeds="${ABLATION_SEEDS:-3}"
views=4

fmnist=""
for d in "${FMNIST_DIR:-}" /usr/share/datasets/fashion-mnist; do
  [[ -n "$d" && -f "$d/train-images-idx3-ubyte.gz" ]] && { fmnist="$d"; break; }
done
[[ -n "$fmnist" ]] || { echo "ablation.sh: Fashion-MNIST not found (set FMNIST_DIR)" >&2; exit 2; }

dir="$out/$part"
mkdir -p "$dir" "$out/data"
# a part goes on across commits only while the code that trains and evaluates stays the same
# (a long part may span sessions that commit scripts or docs); every commit it ran on is listed in
# $dir/commit, and assemble checks them all against each other and against its own
if [[ -f "$dir/commit" ]]; then
  if [[ "$commit" == *-dirty ]]; then
    echo "ablation.sh: $dir holds runs, and this work tree has uncommitted changes: a part goes" \
      "on only at a commit (commit them, or remove $dir)" >&2
    exit 2
  fi
  while read -r c; do
    "$root/bench/provenance.sh" --same-code "$c" "$commit" || { echo "ablation.sh: $dir was" \
      "started on commit $c, whose code differs from this commit's ($commit); check that commit" \
      "out or remove $dir" >&2; exit 2; }
  done < "$dir/commit"
fi
grep -qxF "$commit" "$dir/commit" 2>/dev/null || echo "$commit" >> "$dir/commit"
if [[ $task == torch ]]; then
  # the PyTorch in-batch loop (32 classes x 4 views a batch) on the many-class parts' data, for the
  # comparison at equal wall time; the views are a function of (seed, source, view), so the --csv
  # copy holds the same images as the Parquet tables the hardneg parts read
  py="${BENCH_PYTHON:-/usr/bin/python3}"
  epochs="${ABLATION_TORCH_EPOCHS:-30}"
  sources=()
  cnn_n=6000  # manyclass-cnn's default sources; ABLATION_TRAIN sets the MLP's
  [[ "$smoke" == 1 ]] && cnn_n=600
  for spec in "mlp:$train_n" "cnn:$cnn_n"; do
    net="${spec%%:*}"; n="${spec##*:}"
    sources+=("$n ($net)")
    data="$out/data/manyclass-$n-$test_n-v$views-csv"
    FMNIST_DIR="$fmnist" "$root/bench/manyclass-views.sh" "$data" "$n" "$test_n" "$views" --csv
    echo "  torch $net: $epochs epochs on $n training sources (log $dir/torch-$net.tsv)"
    "$py" "$root/bench/peers_torch_e2e.py" 2 "views:$data/train:$data/test" "$epochs" "$net" \
      > "$dir/torch-$net.tsv"
  done
  python3 "$root/bench/ablation_report.py" torch-part "$dir" "$commit" \
    "PyTorch in-batch loop (peers_torch_e2e.py, 2 threads): $views views of the first ${sources[0]} / ${sources[1]} training images, views of the first $test_n test images, $epochs epochs"
  echo "ablation $part: wrote $dir/part.json"
  exit 0
fi
if [[ $task == fmnist ]]; then
  sizes="Fashion-MNIST: the first $train_n training images (10% of them the validation split, by"
  sizes="$sizes item), the first $test_n test images"
else
  sizes="many-class: $views views of each of the first $train_n training images, one class each"
  sizes="$sizes (10% of the classes the validation split), views of the first $test_n test images"
  sizes="$sizes each round; each run's selected model retested on the views of the first $full_n"
  sizes="$sizes test images"
fi
network="${arch[*]}"
sizes="$sizes; ${network//--set /}, $rounds rounds, seeds 1-$seeds"
echo "ablation $part: $sizes"

# --- data: the first N images (IDX subsets) or the many-class views of the first N sources
if [[ $task == fmnist ]]; then
  data="$out/data/fmnist-$train_n-$test_n"
  if [[ ! -f "$data/done" ]]; then
    mkdir -p "$data"
    python3 "$root/bench/ablation_report.py" idx-head "$fmnist/train-images-idx3-ubyte.gz" \
      "$fmnist/train-labels-idx1-ubyte.gz" "$train_n" "$data/train"
    python3 "$root/bench/ablation_report.py" idx-head "$fmnist/t10k-images-idx3-ubyte.gz" \
      "$fmnist/t10k-labels-idx1-ubyte.gz" "$test_n" "$data/test"
    touch "$data/done"
  fi
  data_args=(--set input.images="$data/train-images.gz" --set input.labels="$data/train-labels.gz"
    --set eval.input.images="$data/test-images.gz" --set eval.input.labels="$data/test-labels.gz")
  pk=(--set train.pk.classes=8 --set train.pk.perClass=16)
  quota=()
else
  data="$out/data/manyclass-$train_n-$test_n-v$views"
  FMNIST_DIR="$fmnist" "$root/bench/manyclass-views.sh" "$data" "$train_n" "$test_n" "$views"
  data_args=(--set input.format=parquet --set input.path="$data/train/items"
    --set eval.input.path="$data/test/items" --set eval.validation.by=class)
  pk=(--set train.pk.classes=32 --set train.pk.perClass="$views")
  quota=(--set mining.quota.perLabel=1)
  full="$out/data/manyclass-0-$full_n-v$views"
  FMNIST_DIR="$fmnist" "$root/bench/manyclass-views.sh" "$full" 0 "$full_n" "$views"
fi

arm_args() {
  case "$1" in
    a) echo --set train.mode=pk --set train.pk.compose=random "${pk[@]}" --set train.epochsPerRound=3 ;;
    b) echo --set train.mode=pk --set train.pk.compose=confusions "${pk[@]}" --set train.epochsPerRound=3 ;;
    c) echo --set train.mode=mined --set train.pk.classes=16 --set train.pk.perClass=8 \
      --set mining.hardPerAnchor=2 --set mining.semiHardPerAnchor=4 --set train.epochsPerRound=3 ;;
    d) echo --set train.mode=triplets --set mining.hardPerAnchor=0 --set mining.semiHardPerAnchor=1 \
      --set train.batchTriplets=43 --set train.epochsPerRound=1 ;;
    e) echo --set train.mode=pk --set train.pk.compose=neighbourhoods "${pk[@]}" \
      --set train.epochsPerRound=3 ;;
  esac
}

retest() { # RUN: a many-class run's selected model on all $full_n test sources, once (the part's
  # commits hold the same code, so an evaluation with its commit line stands)
  [[ $task == manyclass ]] || return 0
  "$root/bench/retest.sh" --done "$1" "$1.test$full_n" && return 0
  "$root/bench/retest.sh" "$1" "$full/test/items" "$1.test$full_n" "$commit" || exit 1
}

run() { # ARM SEED: one run, skipped when done; its wall time is added to ARM-sSEED.wall
  local arm="$1" seed="$2" run="$dir/$1-s$2"
  # best.json is there after every round; .wall only once a run ends well
  if [[ -f "$run/best.json" && -f "$run.wall" ]]; then
    echo "  $arm seed $seed: done, skipped"
    retest "$run"
    return
  fi
  # a retest belongs to the model it evaluated: a run trained on gets a new one
  rm -rf "$run.test$full_n" "$run.test$full_n.commit"
  echo "  $arm seed $seed: running (log $run.log)"
  local start args
  start=$(date +%s)
  # shellcheck disable=SC2207
  args=($(arm_args "$arm"))
  "$root/deploy/bin/hardneg" train --conf "$root/conf/fmnist.conf" "${data_args[@]}" "${arch[@]}" \
    "${quota[@]}" --set rounds="$rounds" --set seed="$seed" "${args[@]}" --out "$run" \
    >> "$run.log" 2>&1 || { echo "ablation.sh: run $arm seed $seed failed, see $run.log" >&2; exit 1; }
  echo $(( $(date +%s) - start )) >> "$run.wall"
  retest "$run"
}

for arm in a b c d e; do run "$arm" 1; done
best=$(python3 "$root/bench/ablation_report.py" best-arm "$dir")
echo "  best of b-e on validation MAP@R: $best"
for seed in $(seq 2 "$seeds"); do
  run a "$seed"
  run "$best" "$seed"
done
ABLATION_FULL_TEST="$([[ $task == manyclass ]] && echo "$full_n")" \
  python3 "$root/bench/ablation_report.py" part "$dir" "$part" "$commit" "$sizes" "$best" \
  "$(arm_args a)" "$(arm_args b)" "$(arm_args c)" "$(arm_args d)" "$(arm_args e)"
echo "ablation $part: wrote $dir/part.json (bench/ablation.sh assemble writes the results file)"
