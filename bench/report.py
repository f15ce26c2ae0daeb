#!/usr/bin/env python3
"""Turns the TSV files bench/run.sh collected in DIR into bench/RESULTS.md (stdout)."""
import os
import sys

d = sys.argv[1]


def rows(name):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return []
    return [l.rstrip("\n").split("\t") for l in open(p) if l.strip()]


m = dict(l.split("=", 1) for l in open(os.path.join(d, "machine.txt")).read().splitlines())
print("# hardneg vs peers, one run\n")
print("Produced by `%s` on %s; %s elapsed." % (m["command"], m["date"], m["elapsed"] + " s"))
print("\n**Machine**: %s, %s; %s; BLAS %s; Python %s, numpy %s, faiss %s, hnswlib %s, torch %s; "
      "load average %s. Every method runs with **%s threads** (Spark `local[%s]`, "
      "`faiss.omp_set_num_threads`, hnswlib `num_threads`, `torch.set_num_threads`, "
      "`OMP_NUM_THREADS` for ND4J). The machine is shared with other jobs: compare ratios within "
      "this run, not absolute times across runs.\n" % (
          m["cpu"], m["mem"], m["java"], m["blas"], m["python"], m["numpy"], m["faiss"],
          m["hnswlib"], m["torch"], m["load"], m["threads"], m["threads"]))

java = rows("java.tsv")
data = [r for r in java if r[0] == "#data"]
dname, n, dim = (data[0][1], data[0][2], data[0][3]) if data else ("?", "?", "?")
print("## 1. Mining: nearest negative of every item\n")
print("Data: %s (N = %s, dim %s, unit vectors, inner product = cosine). Truth: the exact nearest "
      "negative (most similar item with another label) of a seeded sample of anchors, by plain "
      "Java brute force. **recall** = share of those anchors whose nearest negative the method "
      "found (ties count). Peers search the top k of all N items and keep the first result "
      "with another label (k + 1 asked, the item itself comes first); a miss is an anchor "
      "whose k results are all of its own label. **time** = build + search of all N queries "
      "+ filter; hardneg's time is its whole MINE stage on Spark (positives, search, mining "
      "rules, triplets counted), so it does more work than the peers' search.\n" % (dname, n, dim))
table = [r for r in java if r[0] not in ("#data", "truth")] + rows("python.tsv")
base = next((float(r[2]) for r in table if r[0] == "hardneg broadcast" and r[2]), None)
print("| method | settings | time s | time ÷ hardneg exact | nearest-negative recall | note |")
print("|---|---|---:|---:|---:|---|")
for r in table:
    r = r + [""] * (5 - len(r))
    if not r[2]:
        print("| %s | %s | | | | |" % (r[0], r[1]))
        continue
    ratio = "%.3f" % (float(r[2]) / base) if base else ""
    print("| %s | %s | %s | %s | %s | %s |" % (r[0], r[1], r[2], ratio, r[3], r[4]))
truth = [r for r in java if r[0] == "truth"]
if truth:
    print("\nTruth computed in %s s (%s)." % (truth[0][2], truth[0][1]))

print("\n## 2. Training throughput: one step, 128 triplets = 384 rows\n")
print("Forward + triplet margin loss (Euclidean, margin 0.2, L2-normalised 64-d output) + "
      "backward + Adam(1e-3), random 784-feature rows. hardneg: `MultiLayerNetwork.fit` of the "
      "network `EmbeddingNetworks` builds (DL4J 1.0.0-M2, ND4J native CPU), one JVM — the Spark "
      "parameter-averaging round adds its own overhead on top. PyTorch: the same layers "
      "(Debian `python3-torch`). rows/s = 384 × steps ÷ seconds, after warm-up steps.\n")
hn = {r[0]: r for r in rows("train-hardneg.tsv")}
tc = {r[0]: r for r in rows("train-torch.tsv") if len(r) >= 3}
print("| network | hardneg rows/s | hardneg ms/step | torch rows/s | torch ms/step | hardneg ÷ torch | steps | torch threads |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for arch in hn:
    h = hn[arch]
    t = tc.get(arch)
    if t:
        print("| %s | %s | %s | %s | %s | %.2f | %s | %s |" % (arch, h[1], h[2], t[1], t[2],
              float(h[1]) / float(t[1]), h[3], t[4]))
    else:
        print("| %s | %s | %s | torch not installed | | | %s | |" % (arch, h[1], h[2], h[3]))

print("\n## 3. Scaling\n")
print("Not rerun by this script (250k/1M with hardneg IVF take ~6 min per point on 2 cores). "
      "See `bench/results-mining.md` (bench/mining.sh): from 250k to 1M synthetic, distance "
      "computations grow as N^1.5 (nlist = 4·√N) and mine-stage time grew as N^0.71–N^0.95; "
      "4M was not run. Set BENCH_SYNTHETIC=250000 (or 1000000) to run this whole comparison "
      "on a synthetic set.")

print("\n## 4. Kernel: masked kNN vs the GEMM it runs on\n")
k = open(os.path.join(d, "kernel.md")).read().strip() if os.path.exists(
    os.path.join(d, "kernel.md")) else ""
if k:
    print("`KernelBench` (bench/kernel.sh): the per-list masked top-K kernel vs an ND4J `mmul` of "
          "the same tiles (the GEMM FLOP limit); ratio = kernel ÷ GEMM time; the first "
          "repetition includes JIT warm-up.\n")
    print(k)
else:
    print("Skipped (BENCH_KERNEL_N=0); see `bench/results-kernel.md`.")
