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

av = rows("train-averaging.tsv")
if av:
    print("\n**Inside the job** (`AveragingBench`): the TRAIN stage itself — `TrainStage` on Spark "
          "`local[%s]` (features joined to the triplets, seeded shuffle, DataSets of 128 "
          "triplets, DL4J parameter averaging over %s workers with `OrderedAveragingMaster`), "
          "random items and triplets, after one warm-up epoch. Ratio against the one-JVM "
          "PyTorch step above.\n" % (m["threads"], m["threads"]))
    print("| network | rows/s | triplets/s | seconds | triplets per epoch | epochs timed | ÷ torch step |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in av:
        t = tc.get(r[0])
        ratio = "%.2f" % (float(r[1]) / float(t[1])) if t else ""
        print("| %s | %s | %s | %s | %s | %s | %s |" % (r[0], r[1], r[2], r[3], r[4], r[5], ratio))

eh = rows("e2e-hardneg.tsv")
et = [r for r in rows("e2e-torch.tsv") if len(r) >= 5]
if eh or et:
    print("\n**End to end: Recall@1 reached per minute of wall time** on Fashion-MNIST (train on "
          "the 60k training images, evaluate on the 10k test images, query = reference = test "
          "set, self excluded). hardneg: the whole `hardneg train` command (`conf/fmnist.conf`, "
          "`train.mode=pk`, P8×K16 batches, semi-hard in-batch miner, one epoch per round; "
          "elapsed from the command's start, so JVM start, loading, the two baseline "
          "evaluations and every round's EMBED/MINE/TRAIN/EVALUATE/COMMIT count). PyTorch "
          "(`bench/peers_torch_e2e.py`): random batches of 128, every semi-hard triplet in the "
          "batch, same layers, loss and optimiser; elapsed = training + evaluation. "
          "R@1 per minute = Recall@1 ÷ elapsed minutes at that point.\n")
    print("| tool | network | round / epoch | elapsed s | Recall@1 | MAP@R | R@1 per minute |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for tool, rs in (("hardneg", eh), ("PyTorch", et)):
        for r in rs:
            print("| %s | %s | %s | %s | %s | %s | %.4f |" % (
                tool, r[0], r[1], r[2], r[3], r[4], float(r[3]) / (float(r[2]) / 60)))

print("\n## 3. Scaling\n")
sc = open(os.path.join(d, "scaling.md")).read().strip() if os.path.exists(
    os.path.join(d, "scaling.md")) else ""
if sc:
    print("hardneg's MINE stage (k-means on a 65,536 sample, IVF assignment, shuffle by list, "
          "masked per-list kNN, mining rules, triplets counted) on synthetic clustered 64-d unit "
          "vectors (4,000 seeded centres, label = centre mod 1000), nlist = 4·√N, Spark "
          "`local[%s]`; recall measured on 2,000 seeded anchors against an exact search. "
          "Exponent b of time ~ N^b: least squares over all sizes, and between the two largest. "
          "\"largest task\" = the most base / query vectors one task held (bounded by the list "
          "cap, 50,000, not by N).\n" % m["threads"])
    print(sc)
else:
    print("Skipped (BENCH_SCALING=0); see `bench/results-mining.md`.")

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
