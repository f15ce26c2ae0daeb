#!/usr/bin/env bash
# A CPU profile of one full `hardneg train` round on Fashion-MNIST 60k: Java Flight Recorder on the
# driver JVM (Spark local mode, so the executors' task threads are in it too), summarised per stage
# and per kind of work by bench/ProfileSummary.java into bench/results-profile.md.
#   bench/profile.sh                      two rounds (the first cold, the second as every later round runs),
#                                         one epoch each, MLP, conf/fmnist.conf's mode (~3 min on 2 cores)
#   PROFILE_SET="train.mode=pk" bench/profile.sh     more --set overrides (space-separated)
# Knobs (env): FMNIST_DIR (else /usr/share/datasets/fashion-mnist), PROFILE_OUT (bench/results-profile.md),
# PROFILE_WORK (spark-job/target/profile), PROFILE_THREADS (2: local[N]), PROFILE_ARCH (mlp),
# PROFILE_EPOCHS (1), PROFILE_ROUNDS (2), PROFILE_SET (extra key=value overrides), PROFILE_SUMMARY_ONLY=1 (summarise the
# recording already in PROFILE_WORK again, without a new run).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
fmnist=""
for d in "${FMNIST_DIR:-}" /usr/share/datasets/fashion-mnist; do
  [[ -n "$d" && -f "$d/train-images-idx3-ubyte.gz" ]] && { fmnist="$d"; break; }
done
[[ -n "$fmnist" ]] || { echo "Fashion-MNIST not found: set FMNIST_DIR" >&2; exit 2; }
out="${PROFILE_OUT:-bench/results-profile.md}"
work="${PROFILE_WORK:-$root/spark-job/target/profile}"
threads="${PROFILE_THREADS:-2}"
arch="${PROFILE_ARCH:-mlp}"
hidden=256,128
[[ "$arch" == cnn ]] && hidden=128
sets=(--set rounds="${PROFILE_ROUNDS:-2}" --set train.epochsPerRound="${PROFILE_EPOCHS:-1}" --set model.architecture="$arch"
  --set model.hidden="$hidden")
for kv in ${PROFILE_SET:-}; do sets+=(--set "$kv"); done
cmd=(deploy/bin/hardneg train --conf conf/fmnist.conf
  --set input.images="$fmnist/train-images-idx3-ubyte.gz" --set input.labels="$fmnist/train-labels-idx1-ubyte.gz"
  --set eval.input.images="$fmnist/t10k-images-idx3-ubyte.gz" --set eval.input.labels="$fmnist/t10k-labels-idx1-ubyte.gz"
  "${sets[@]}" --out "$work/run")
if [[ "${PROFILE_SUMMARY_ONLY:-0}" != 1 ]]; then
rm -rf "$work"
mkdir -p "$work"
[[ -f spark-job/target/local-classpath.txt ]] || mvn -B -q -DskipTests -pl spark-job -am package >&2

# the JDK's profile settings, with native sampling as often as Java sampling
jh="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
sed -e 's#<setting name="period" control="method-sampling-native-interval">20 ms#<setting name="period" control="method-sampling-native-interval">10 ms#' \
  "$jh/lib/jfr/profile.jfc" > "$work/settings.jfc"
# console lines stamped with epoch milliseconds: the summary finds each stage's interval in them
sed -e 's#^appender.console.layout.pattern = .*#appender.console.layout.pattern = %d{UNIX_MILLIS} %-5p %c{1}: %m%n#' \
  conf/log4j2.properties > "$work/log4j2.properties"

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s.%N)
# one ND4J thread per task slot, as deploy/bin/hardneg's default where the cores equal the slots
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 HARDNEG_MASTER="local[$threads]" \
  HARDNEG_JAVA_OPTS="-XX:StartFlightRecording=filename=$work/round.jfr,settings=$work/settings.jfc,dumponexit=true -Dlog4j2.configurationFile=$work/log4j2.properties" \
  "${cmd[@]}" > "$work/stdout.log" 2> "$work/console.log" || { tail -n 40 "$work/console.log" >&2; exit 1; }
wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "$load_before" "$load_after" "$wall" "$(date -u +%Y-%m-%dT%H:%MZ)" \
  "$(git log -1 --format='commit %h, %cs' 2>/dev/null || echo 'no git')" > "$work/run.txt"
fi
{ read -r load_before; read -r load_after; read -r wall; read -r date; read -r commit; } < "$work/run.txt"
metrics=("$work"/run/round-*/metrics.json)
[[ -f "${metrics[0]}" ]] || { echo "no round's metrics.json under $work/run" >&2; exit 1; }

{
  echo "# Profile of a run's rounds (Fashion-MNIST 60k, $arch, local[$threads])"
  echo
  echo "Made by \`bench/profile.sh\` ($commit," \
    "run $date) on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc) cores; load average (1, 5, 15 min) $load_before before, $load_after after:" \
    "the machine was shared, so the seconds are slower than on an idle one and the shares are what to read."
  echo
  echo '```'
  echo "${cmd[*]}" | sed "s#$fmnist#\$FMNIST_DIR#g; s#$root/##g"
  echo "JVM: HARDNEG_JAVA_OPTS=-XX:StartFlightRecording=filename=round.jfr,settings=profile.jfc (native sampling at 10 ms)"
  echo '```'
  echo
  echo "Whole run ${wall} s wall (JVM start to exit)."
  echo
  echo "## Wall time per stage (metrics.json timings, s)"
  echo
  echo "Round 0 runs cold (the JIT compiles the kernels and Spark generates its code during it); every"
  echo "later round runs as round 1 does."
  echo
  python3 - "${metrics[@]}" <<'PY'
import json, sys
ms = [json.load(open(p)) for p in sys.argv[1:]]
keys = list(ms[0]["timings"])
print("| round | " + " | ".join(keys) + " | TRAIN share | triplets | rows fitted |")
print("| ---: |" + " ---: |" * (len(keys) + 3))
for i, m in enumerate(ms):
    t = m["timings"]
    share = 100 * t.get("train_s", 0) / (t.get("round_s") or 1)
    print(f"| {i} | " + " | ".join(f"{t.get(k, 0):.1f}" for k in keys)
          + f" | {share:.0f}% | {m.get('triplets')} | {m.get('train_rows')} |")
PY
  echo
  echo "## CPU samples per stage"
  echo
  echo "Each stage's samples are grouped by the first category (in the order of"
  echo "bench/ProfileSummary.java) that any frame of the stack matches. **Java CPU share**: of the"
  echo "jdk.ExecutionSample samples (threads running Java code, every 10 ms), proportional to Java"
  echo "CPU time. **Native samples share**: of the jdk.NativeMethodSample samples (JFR takes one thread"
  echo "per 10 ms among those inside a JNI call: ND4J's GEMM and element-wise ops, OpenBLAS, LZ4), so"
  echo "it says what native time is spent under, not how much there is; GEMM shows up there, under"
  echo "forward/backward in TRAIN and EMBED. Threads waiting in native calls (sockets, epoll) are dropped."
  echo
  java bench/ProfileSummary.java "$work/round.jfr" "$work/console.log"
  echo "## Recording"
  echo
  echo '```'
  jfr summary "$work/round.jfr" | grep -E 'jdk.ExecutionSample|jdk.NativeMethodSample|jdk.GCPhasePause |Duration|Start' || true
  echo '```'
} > "$out"
echo "wrote $out" >&2
