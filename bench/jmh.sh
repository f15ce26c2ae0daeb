#!/usr/bin/env bash
# JMH benchmark of the in-batch losses: mining + loss + gradient per batch, for batch
# 256 and 1024 x embedding dim 64 and 128, against one full DL4J fit step of the demo MLP
# (784-256-128-dim) on the same batch. PK batches (K = 4), random inputs. ~10 min on 2 cores.
#   [JMH_OPTS='-f 1 -wi 2 -w 1s -i 5 -r 1s'] bench/jmh.sh [extra JMH args, e.g. -p batch=256]
# Writes the raw JMH JSON to miner-bench/target/jmh.json and the table to stdout and
# bench/results-jmh.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -pl miner-core,miner-bench -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime
cp="miner-bench/target/classes:$(cat miner-bench/target/classpath.txt)"
prov="$(bench/provenance.sh "bench/jmh.sh${*:+ $*}${JMH_OPTS:+ (JMH_OPTS=$JMH_OPTS)}")"
json=miner-bench/target/jmh.json
# short runs: 1 fork, 2 x 1 s warm-up, 5 x 1 s measurement per point (JMH_OPTS overrides)
# shellcheck disable=SC2086
java -Xmx1g -cp "$cp" org.openjdk.jmh.Main ${JMH_OPTS:--f 1 -wi 2 -w 1s -i 5 -r 1s} \
  -jvmArgsAppend "-Xmx3g -Dorg.bytedeco.javacpp.cachedir=$HOME/.javacpp/cache" \
  -rf json -rff "$json" "$@" 'io.hardneg.bench.*'
out=bench/results-jmh.md
python3 - "$json" "$(cut -d' ' -f1-3 /proc/loadavg)" "$prov" > "$out" <<'PY'
import json, statistics, sys
rows = json.load(open(sys.argv[1]))
loss, fit = {}, {}
for r in rows:
    p = r["params"]
    key = (int(p["batch"]), int(p["dim"]))
    m = r["primaryMetric"]
    raw = [x for fork in m["rawData"] for x in fork]
    err = m["scoreError"] if m["scoreError"] == m["scoreError"] else 0.0
    v = dict(mean=m["score"], err=err, med=statistics.median(raw), min=min(raw))
    if r["benchmark"].endswith("fitStep"):
        fit[key] = v
    else:
        loss[(p["config"],) + key] = v
opts = rows[0]
print("# In-batch mining + loss + gradient (JMH)\n")
print(sys.argv[3] + "\n")
print("JMH %s, %d fork, %d x %s warm-up, %d x %s measurement; load average %s at the end of the"
      " run." % (opts["jmhVersion"], opts["forks"], opts["warmupIterations"], opts["warmupTime"],
      opts["measurementIterations"], opts["measurementTime"], sys.argv[2]))
print("PK batches, K = 4 items per class (P = batch/4); random float pre-outputs, L2-normalised"
      " inside the timed call. Times in ms per operation: median and minimum of the measured"
      " iterations, and JMH's mean ± 99.9% error. On a shared, loaded machine the minimum is the"
      " best estimate of the uncontended cost; ns per anchor and the share use the minimum.\n")
print("- **loss step** = `MetricLoss.computeGradientAndScore` (normalise, distance matrix, mine,"
      " loss, reducer, gradient, backprop through the normalisation), labels-in-batch layout.")
print("- **fit step** = `MultiLayerNetwork.fit` of one minibatch of the demo MLP 784-256-128-dim"
      " (forward, triplet/batch-hard loss, backward, Adam).")
print("- **share** = loss step / fit step. For triplet/batch-hard both are measured; for the"
      " other configurations the fit step is estimated as (fit − batch-hard loss step + this"
      " loss step), i.e. the same network with this loss.\n")
if fit:
    print("| batch | dim | fit step median | min | mean ± err |")
    print("|---:|---:|---:|---:|---:|")
    for (b, d), v in sorted(fit.items()):
        print("| %d | %d | %.1f | %.1f | %.1f ± %.1f |" % (b, d, v["med"], v["min"], v["mean"], v["err"]))
    print()
print("| loss/miner | batch | dim | loss step median | min | mean ± err | ns per anchor | share of a fit step |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for (c, b, d), v in sorted(loss.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0])):
    share = ""
    f = fit.get((b, d))
    bh = loss.get(("triplet/batch-hard", b, d))
    if f and bh:
        step = f["min"] if c == "triplet/batch-hard" else f["min"] - bh["min"] + v["min"]
        share = "%.0f%%" % (100 * v["min"] / step)
    print("| %s | %d | %d | %.2f | %.2f | %.1f ± %.1f | %.0f | %s |" % (c, b, d, v["med"], v["min"],
          v["mean"], v["err"], v["min"] * 1e6 / b, share))
PY
cat "$out"
