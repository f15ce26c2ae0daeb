#!/usr/bin/env bash
# Executes every notebook of this folder against a run directory (CI does this on the run the
# tests leave in spark-job/target/report-run). Usage: notebooks/execute.sh RUN_DIR [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [[ $# -lt 1 || ! -d "$1" ]]; then
  echo "usage: $0 RUN_DIR [OUT_DIR]  (RUN_DIR: a hardneg run directory)" >&2
  exit 2
fi
run=$(cd "$1" && pwd)
out=${2:-$here/../target/notebooks}
mkdir -p "$out"
if ! command -v jupyter >/dev/null 2>&1; then
  echo "jupyter is missing: apt-get install jupyter-nbconvert python3-ipykernel python3-pandas" \
    "python3-matplotlib (deploy/bin/test does this as root)" >&2
  exit 1
fi
for nb in "$here"/*.ipynb; do
  HARDNEG_RUN="$run" jupyter nbconvert --to notebook --execute \
    --ExecutePreprocessor.timeout=300 --output-dir "$out" "$nb"
done
