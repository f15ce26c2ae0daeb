#!/usr/bin/env bash
# Quality run on full Fashion-MNIST: trains on the 60k training images less a 10% validation
# split, evaluates on the validation split and on the 10k test images after every round, picks
# the best round on validation MAP@R (best.json) and prints, per round, validation and test
# Recall@1 / MAP@R, then the selected round's test figures and the wall time.
#   bench/quality.sh OUT_DIR [--set key=value ...]      e.g. --set model.architecture=cnn
# The report (provenance line, per-round table, selected round, wall time) goes to stdout and to
# OUT_DIR/quality.md; QUALITY_RESULTS=bench/results-quality-NAME.md writes a copy there too.
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
prov="$("$root/bench/provenance.sh" "bench/quality.sh $out${*:+ $*}")"
start=$(date +%s)
"$root/deploy/bin/hardneg" train --conf "$root/conf/fmnist.conf" \
  --set input.images="$data/train-images-idx3-ubyte.gz" \
  --set input.labels="$data/train-labels-idx1-ubyte.gz" \
  --set eval.input.images="$data/t10k-images-idx3-ubyte.gz" \
  --set eval.input.labels="$data/t10k-labels-idx1-ubyte.gz" \
  --out "$out" "$@"
wall=$(( $(date +%s) - start ))
# the data set's directory is machine-specific: name the variable, not the path
data_label="$data"
[[ "$data" == "${FMNIST_DIR:-}" ]] && data_label='Fashion-MNIST from $FMNIST_DIR'
python3 - "$out" "$prov" "$wall" "$data_label" "$start" > "$out/quality.md" <<'PY'
import json, os, sys
out, prov, wall, data, start = sys.argv[1:6]
print("# Quality on full Fashion-MNIST\n")
print(prov + "\n")
print(f"Data: {data} (train 60k less the validation split, test 10k). Best round selected on the"
      " validation split's MAP@R (best.json); test figures of every round shown for the record.\n")
print("```")
rounds = sorted(d for d in os.listdir(out) if d.startswith("round-")
                and os.path.exists(os.path.join(out, d, "_SUCCESS")))
print("round  lr        val R@1  val MAP@R  test R@1  test MAP@R  test R-Prec  elapsed s  TRAIN share")
for d in rounds:
    m = json.load(open(os.path.join(out, d, "metrics.json")))
    v = m.get("validation") or {}
    f = lambda x: "   -   " if x is None else f"{x:.4f}"
    # elapsed: from the script's start to the round's commit marker (includes JVM start, loading
    # and the baseline evaluations); TRAIN share: of the round's own wall time
    done = os.path.getmtime(os.path.join(out, d, "_SUCCESS")) - float(start)
    t = m.get("timings") or {}
    share = t["train_s"] / t["round_s"] if t.get("round_s") else float("nan")
    print(f"{m['round']:5d}  {m.get('learning_rate', float('nan')):.2e}  {f(v.get('recall_at_1'))}   "
          f"{f(v.get('map_at_r'))}     {f(m['recall_at_1'])}    {f(m['map_at_r'])}      "
          f"{f(m['r_precision'])}       {done:7.0f}      {share:5.1%}")
b = json.load(open(os.path.join(out, "best.json")))
t = b["test"]
print(f"best round {b['round']} (selected on {b['selected_on']} MAP@R {b['map_at_r']:.4f}): "
      f"test Recall@1 {t['recall_at_1']:.4f}  MAP@R {t['map_at_r']:.4f}  "
      f"R-Precision {t['r_precision']:.4f}")
print(f"wall time: {wall} s (JVM start to the last round committed)")
print("```")
PY
cat "$out/quality.md"
if [[ -n "${QUALITY_RESULTS:-}" ]]; then
  cp "$out/quality.md" "$QUALITY_RESULTS.tmp" && mv "$QUALITY_RESULTS.tmp" "$QUALITY_RESULTS"
fi
