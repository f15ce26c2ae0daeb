#!/usr/bin/env bash
# What moves the global-mining gain on the many-class task (docs/benchmarks.md, "What moves the
# gain"): arms (a) random PK batches and (e) PK neighbourhoods of the mined confusion graph of
# bench/ablation.sh's manyclass-mlp part, trained again with one setting changed at a time, so the
# gap e - a can be read against the triplet margin, the mining that feeds the graph and the number
# of training classes. Same data builder, network, loss, optimiser and rows fitted as the ablation.
#   bench/sensitivity.sh run NAME SOURCES SEEDS [KEY=VALUE ...]
#        one variant: arms a and e with each seed of SEEDS (comma-separated), on V = 4 views of the
#        first SOURCES training images (one class each, 10% of the classes the validation split),
#        with --set KEY=VALUE for each extra argument; resumable (a run that ended is skipped)
#   bench/sensitivity.sh all        the variants docs/benchmarks.md quotes (about an hour alone on
#                                   2 cores), then assemble
#   bench/sensitivity.sh assemble   writes bench/results-sensitivity.md from the variants' runs
# Environment: SENSITIVITY_OUT (default runs/sensitivity), FMNIST_DIR (else
# /usr/share/datasets/fashion-mnist). Every variant directory records the commit it ran on;
# assemble refuses variants from different commits.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${SENSITIVITY_OUT:-$root/runs/sensitivity}"
commit="$(git -C "$root" rev-parse HEAD)"
"$root/bench/provenance.sh" --clean || commit="$commit-dirty"
test_n=2000
views=4

data_for() { # SOURCES: builds the views once (bench/manyclass-views.sh), prints the directory
  local d="$out/data/manyclass-$1-$test_n-v$views"
  "$root/bench/manyclass-views.sh" "$d" "$1" "$test_n" "$views" >&2 || exit 1
  echo "$d"
}

run_variant() { # NAME SOURCES SEEDS [KEY=VALUE ...]
  local name="$1" n="$2" seeds="$3"
  shift 3
  local dir="$out/$name" data extra=() kv arm seed run start
  mkdir -p "$dir"
  if [[ -f "$dir/commit" && "$(cat "$dir/commit")" != "$commit" ]]; then
    echo "sensitivity.sh: $dir was started on commit $(cat "$dir/commit"), this is $commit" >&2
    exit 2
  fi
  echo "$commit" > "$dir/commit"
  # one name, one variant: a rerun with other settings would mix runs under one label
  if [[ -f "$dir/variant" && "$(cat "$dir/variant")" != "$(printf '%s\n' "$n" "$*")" ]]; then
    echo "sensitivity.sh: $dir holds another variant ($(tr '\n' ' ' < "$dir/variant")); remove it" >&2
    exit 2
  fi
  printf '%s\n' "$n" "$*" > "$dir/variant"
  data="$(data_for "$n")"
  for kv in "$@"; do extra+=(--set "$kv"); done
  for seed in ${seeds//,/ }; do
    for arm in a e; do
      run="$dir/$arm-s$seed"
      # .wall is written only when a run ends well (best.json is there after every round)
      [[ -f "$run.wall" && -f "$run/best.json" ]] && continue
      echo "  $name: arm $arm seed $seed (log $run.log)"
      start=$(date +%s)
      # the ablation's manyclass-mlp arms a and e (bench/ablation.sh), then the variant's change
      "$root/deploy/bin/hardneg" train --conf "$root/conf/fmnist.conf" --set input.format=parquet \
        --set input.path="$data/train/items" --set eval.input.path="$data/test/items" \
        --set eval.validation.by=class --set model.architecture=mlp \
        --set mining.quota.perLabel=1 --set rounds=3 --set seed="$seed" --set train.mode=pk \
        --set train.pk.compose="$([[ $arm == a ]] && echo random || echo neighbourhoods)" \
        --set train.pk.classes=32 --set train.pk.perClass="$views" --set train.epochsPerRound=3 \
        ${extra[@]+"${extra[@]}"} --out "$run" >> "$run.log" 2>&1 \
        || { echo "sensitivity.sh: $name $arm seed $seed failed, see $run.log" >&2; exit 1; }
      echo $(( $(date +%s) - start )) > "$run.wall"
    done
  done
}

case "${1:?usage: bench/sensitivity.sh run NAME SOURCES SEEDS [KEY=VALUE ...] | all | assemble}" in
  run)
    shift
    (($# >= 3)) || { echo "usage: bench/sensitivity.sh run NAME SOURCES SEEDS [KEY=VALUE ...]" >&2; exit 2; }
    run_variant "$@"
    ;;
  all)
    mkdir -p "$out"
    # the machine and load when the whole set started on this commit (assemble puts it in the
    # file's header); a set started on another commit gets a new line
    if [[ ! -f "$out/provenance" || "$(cat "$out/provenance.commit" 2>/dev/null)" != "$commit" ]]; then
      "$root/bench/provenance.sh" "bench/sensitivity.sh all" > "$out/provenance"
      echo "$commit" > "$out/provenance.commit"
    fi
    run_variant 1-ablation 10000 1,2,3
    run_variant 2-margin-0.1 10000 1,2,3 mining.margin=0.1
    run_variant 3-margin-0.3 10000 1 mining.margin=0.3
    run_variant 4-semihard-8 10000 1 mining.semiHardPerAnchor=8
    run_variant 5-sources-20000 20000 1
    run_variant 6-sources-40000 40000 1
    python3 "$root/bench/sensitivity_report.py" "$out" "$root/bench/results-sensitivity.md"
    ;;
  assemble)
    python3 "$root/bench/sensitivity_report.py" "$out" "$root/bench/results-sensitivity.md"
    ;;
  *) echo "sensitivity.sh: unknown command '$1'" >&2; exit 2 ;;
esac
