#!/usr/bin/env bash
# Evaluates a finished training run's selected model (the one best.json names, chosen on the
# validation split) again on another test set with `hardneg evaluate`: bench/ablation.sh and
# bench/sensitivity.sh evaluate each round on the views of the first 2,000 test images, to keep a
# round cheap, and retest the selected model on the views of all 10,000 (the many-class task's
# whole test set, 10,000 classes never trained on). Selects nothing: the round is best.json's.
#   bench/retest.sh RUN ITEMS OUT COMMIT
#        RUN: the run directory (RUN/best.json); ITEMS: the Parquet items to evaluate on; OUT: the
#        evaluation's directory (OUT/evaluation.json, the log in OUT.log); COMMIT: written to
#        OUT.commit last, so an evaluation without it was interrupted
#   bench/retest.sh --done RUN OUT
#        exit 0 when OUT holds a finished evaluation (with its OUT.commit) of the very model
#        RUN/best.json selects (its path and model_hash: a run trained again may select another
#        model under the same round's name), 1 otherwise
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ "${1:-}" == --done ]]; then
  (($# == 3)) || { echo "usage: bench/retest.sh --done RUN OUT" >&2; exit 2; }
  [[ -f "$3/evaluation.json" && -f "$3.commit" && -f "$2/best.json" ]] || exit 1
  exec python3 - "$2" "$3" <<'PY'
import json, os, sys
run, out = sys.argv[1], sys.argv[2]
b = json.load(open(os.path.join(run, "best.json")))
m = json.load(open(os.path.join(out, "evaluation.json")))
same = (os.path.realpath(m["model"]) == os.path.realpath(os.path.join(run, b["model"]))
        and m.get("model_hash") == b.get("model_hash"))
sys.exit(0 if same else 1)
PY
fi
(($# == 4)) || { echo "usage: bench/retest.sh RUN ITEMS OUT COMMIT" >&2; exit 2; }
run="$1" items="$2" dest="$3" commit="$4"
rm -rf "$dest" "$dest.commit"
model="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["model"])' "$run/best.json")"
echo "  retest $(basename "$(dirname "$run")") $(basename "$run"): $model on $items"
"$root/deploy/bin/hardneg" evaluate --conf "$root/conf/fmnist.conf" --set input.format=parquet \
  --model "$run/$model" --input "$items" --out "$dest" > "$dest.log" 2>&1 \
  || { echo "retest.sh: evaluation of $run/$model failed, see $dest.log" >&2; exit 1; }
echo "$commit" > "$dest.commit"
