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
#   bench/sensitivity.sh retest [NAME ...]
#                                   each finished run's selected model (best.json) evaluated again
#                                   (bench/retest.sh, `hardneg evaluate`) on the views of all
#                                   10,000 test images (10,000 classes: the task issue 15 defines;
#                                   each round's test evaluation uses the first 2,000, which keeps
#                                   it cheap); resumable
#   bench/sensitivity.sh all        the variants docs/benchmarks.md quotes (about four
#                                   hours alone on 2 cores), retest, then assemble
#   bench/sensitivity.sh assemble   writes bench/results-sensitivity.md from the variants' runs
# Environment: SENSITIVITY_OUT (default runs/sensitivity), FMNIST_DIR (else
# /usr/share/datasets/fashion-mnist). Every run and retest records the commit it ran on; a variant
# goes on, and assemble accepts, only across commits with the same code that trains and evaluates
# (bench/provenance.sh --same-code).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${SENSITIVITY_OUT:-$root/runs/sensitivity}"
commit="$(git -C "$root" rev-parse HEAD)"
"$root/bench/provenance.sh" --clean || commit="$commit-dirty"
test_n=2000
views=4
cmd="$*"

full_test_n=10000

data_for() { # SOURCES [TEST_N]: builds the views once (bench/manyclass-views.sh), prints the directory
  local d="$out/data/manyclass-$1-${2:-$test_n}-v$views"
  "$root/bench/manyclass-views.sh" "$d" "$1" "${2:-$test_n}" "$views" >&2 || exit 1
  echo "$d"
}

same_code() { # FILE: true when FILE is absent or names a commit with this commit's code
  local c
  [[ -f "$1" ]] || return 0
  c="$(cat "$1")"
  [[ "$c" == "$commit" && "$c" != *-dirty ]] && return 0
  if ! "$root/bench/provenance.sh" --same-code "$c" "$commit"; then
    echo "sensitivity.sh: $1 says commit $c, whose code differs from this commit's ($commit)" >&2
    return 1
  fi
}

provenance() { # the machine and load when work began on each commit (assemble puts the lines in
  # the file's header): runs or retests continued on a later commit with the same code add a line
  mkdir -p "$out"
  if ! grep -qxF "$commit" "$out/provenance.commit" 2>/dev/null; then
    "$root/bench/provenance.sh" "bench/sensitivity.sh $cmd" >> "$out/provenance"
    echo "$commit" >> "$out/provenance.commit"
  fi
}

retest() { # [NAME ...]: every finished run's selected model (of the variants named, else of all)
  # on the views of all $full_test_n test images
  local data dir run
  provenance
  data="$(data_for 0 "$full_test_n")"
  for dir in "$out"/*/; do
    [[ -f "$dir/variant" ]] || continue
    if (($#)) && ! printf '%s\n' "$@" | grep -qxF "$(basename "$dir")"; then continue; fi
    same_code "${dir}commit" || exit 2
    for run in "$dir"[ae]-s*/; do
      run="${run%/}"
      [[ "$(basename "$run")" =~ ^[ae]-s[0-9]+$ && -f "$run.wall" && -f "$run/best.json" ]] || continue
      same_code "$run.commit" || exit 2
      if "$root/bench/retest.sh" --done "$run" "$run.test$full_test_n"; then
        same_code "$run.test$full_test_n.commit" || exit 2
        continue
      fi
      # an evaluation without its commit line was interrupted before it was recorded: again
      "$root/bench/retest.sh" "$run" "$data/test/items" "$run.test$full_test_n" "$commit" || exit 1
    done
  done
}

run_variant() { # NAME SOURCES SEEDS [KEY=VALUE ...]
  local name="$1" n="$2" seeds="$3"
  shift 3
  local dir="$out/$name" data extra=() kv arm seed run start
  mkdir -p "$dir"
  provenance
  same_code "$dir/commit" || exit 2
  [[ -f "$dir/commit" ]] || echo "$commit" > "$dir/commit"
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
      if [[ -f "$run.wall" && -f "$run/best.json" ]]; then
        same_code "$run.commit" || exit 2
        continue
      fi
      echo "  $name: arm $arm seed $seed (log $run.log)"
      # a retest belongs to the model it evaluated: a run made again gets a new one
      rm -rf "$run.test$full_test_n" "$run.test$full_test_n.commit"
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
      echo "$commit" > "$run.commit"
      echo $(( $(date +%s) - start )) > "$run.wall"
    done
  done
}

case "${1:?usage: bench/sensitivity.sh run NAME SOURCES SEEDS [KEY=VALUE ...] | retest | all | assemble}" in
  run)
    shift
    (($# >= 3)) || { echo "usage: bench/sensitivity.sh run NAME SOURCES SEEDS [KEY=VALUE ...]" >&2; exit 2; }
    run_variant "$@"
    ;;
  all)
    provenance
    run_variant 1-ablation 10000 1,2,3
    run_variant 2-margin-0.1 10000 1,2,3 mining.margin=0.1
    run_variant 3-margin-0.3 10000 1 mining.margin=0.3
    # (a) was still gaining at 0.3: the per-arm choice needs margins past it
    run_variant 8-margin-0.4 10000 1 mining.margin=0.4
    # three seeds for each arm's choice on validation: (a) margin 0.5, (e) semiHard 8
    run_variant 9-margin-0.5 10000 1,2,3 mining.margin=0.5
    run_variant 4-semihard-8 10000 1,2,3 mining.semiHardPerAnchor=8
    run_variant 5-sources-20000 20000 1
    run_variant 6-sources-40000 40000 1,2,3
    # every training image a class: the task issue 15 defines (with the retest's 10,000 test classes)
    run_variant 7-sources-60000 60000 1,2,3
    # and at the margin (a)'s validation prefers there too (0.5), three seeds: the tuned baseline
    run_variant 10-sources-60000-margin-0.5 60000 1,2,3 mining.margin=0.5
    retest
    python3 "$root/bench/sensitivity_report.py" "$out" "$root/bench/results-sensitivity.md"
    ;;
  retest)
    shift
    retest "$@"
    ;;
  assemble)
    python3 "$root/bench/sensitivity_report.py" "$out" "$root/bench/results-sensitivity.md"
    ;;
  *) echo "sensitivity.sh: unknown command '$1'" >&2; exit 2 ;;
esac
