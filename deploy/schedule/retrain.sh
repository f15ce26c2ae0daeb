#!/usr/bin/env bash
# One scheduled retraining run (cron, a systemd timer, or by hand):
#   1. next-run: the newest run directory under $HARDNEG_RETRAIN_ROOT/runs without a promotion
#      decision (an interrupted run: the job resumes after its last committed round), else a new
#      runs/<yyyyMMdd-HHmmss>;
#   2. train into it with deploy/bin/submit;
#   3. promote: $HARDNEG_RETRAIN_ROOT/current moves to this run's last round only if its
#      evaluation metric beats the current model's (atomic pointer replace; no model is deleted).
# Environment (systemd: EnvironmentFile=, see hardneg-retrain.env):
#   HARDNEG_RETRAIN_ROOT    required; any Hadoop FS path, e.g. hdfs:///hardneg/retrain
#   HARDNEG_RETRAIN_CONF    job configuration (default conf/hardneg.conf of this checkout)
#   HARDNEG_SUBMIT_OPTS     spark-submit options, e.g. "--master yarn --deploy-mode cluster"
#   HARDNEG_TRAIN_ARGS      extra hardneg options, e.g. "--set rounds=5"
#   HARDNEG_PROMOTE_METRIC  recall_at_1 (default) | map_at_r | r_precision
#   HARDNEG_MIN_GAIN        promote only if better by more than this (default 0)
#   HARDNEG_RETRAIN_LOCK    lock file against overlapping runs (default /tmp/hardneg-retrain.lock)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${HARDNEG_RETRAIN_ROOT:?set HARDNEG_RETRAIN_ROOT (e.g. hdfs:///hardneg/retrain)}"
conf="${HARDNEG_RETRAIN_CONF:-$root/conf/hardneg.conf}"
submit="$root/deploy/bin/submit"

exec 9> "${HARDNEG_RETRAIN_LOCK:-/tmp/hardneg-retrain.lock}"
if ! flock -n 9; then
  echo "retrain: another run holds ${HARDNEG_RETRAIN_LOCK:-/tmp/hardneg-retrain.lock}; skipping" >&2
  exit 0
fi

run=$("$submit" next-run --root "$HARDNEG_RETRAIN_ROOT" | tail -n 1)
echo "retrain: run directory $run"
# shellcheck disable=SC2086
"$submit" ${HARDNEG_SUBMIT_OPTS:-} train --conf "$conf" --out "$run" ${HARDNEG_TRAIN_ARGS:-}
"$submit" promote --root "$HARDNEG_RETRAIN_ROOT" --run "$run" \
  --metric "${HARDNEG_PROMOTE_METRIC:-recall_at_1}" --min-gain "${HARDNEG_MIN_GAIN:-0}"
