#!/usr/bin/env python3
"""Turns the TSV files bench/run.sh collected in DIR into bench/RESULTS.md (stdout)."""
import math
import json
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
print("Produced by `%s` at commit `%s` on %s; %s elapsed." % (
    m["command"], m.get("commit", "unknown"), m["date"], m["elapsed"] + " s"))
print("\n**Machine**: %s, %s; %s; BLAS %s; Python %s, numpy %s, faiss %s, hnswlib %s, torch %s; "
      "load average %s. Every method runs with **%s threads**: hardneg on Spark `local[%s]` with "
      "one ND4J thread per task slot (`deploy/bin/hardneg`'s default), hardneg's one-JVM "
      "benchmarks with `OMP_NUM_THREADS` = %s, `faiss.omp_set_num_threads`, hnswlib "
      "`num_threads`, `torch.set_num_threads`. The machine is shared with other jobs: compare "
      "ratios within this run, not absolute times across runs.\n" % (
          m["cpu"], m["mem"], m["java"], m["blas"], m["python"], m["numpy"], m["faiss"],
          m["hnswlib"], m["torch"], m["load"], m["threads"], m["threads"], m["threads"]))

java = rows("java.tsv")
data = [r for r in java if r[0] == "#data"]
dname, n, dim = (data[0][1], data[0][2], data[0][3]) if data else ("?", "?", "?")
print("## 1. Mining: nearest negative of every item\n")
print("Data: %s (N = %s, dim %s, unit vectors, inner product = cosine). Truth: the exact nearest "
      "negative (most similar item with another label) of a seeded sample of anchors (items "
      "with a positive, i.e. another item of their label: hardneg mines no other), by numpy "
      "brute force in `bench/peers.py`, which scores every row below against it: "
      "**recall** = share of those anchors whose nearest negative the method found (ties "
      "count). hardneg's nearest negative of an anchor is the closest negative among the "
      "anchor's triplets (the hard rule takes the nearest its search found). Peers run two "
      "ways. Rows noted **top-k then label filter** search the top k of all N items and keep "
      "the first result with another label (k + 1 asked, the item itself comes first); a miss "
      "is an anchor whose k results are all of its own label. Rows named **per class** are "
      "the peers at their best for nearest negatives: one index per label, every query "
      "searches each other label's index (k = 1) and keeps the best — faiss `IndexFlatIP` "
      "per class is exact, hnswlib per class approximate; faiss's ID selector "
      "(`IDSelectorNot` of the query's own label on one `IndexFlatIP`) is exact too. "
      "SynapseML's `ConditionalKNN` (Spark) conditions its ball-tree search on the labels "
      "other than the anchor's. **time** = build + search of all N queries "
      "+ filter; hardneg's time is its whole MINE stage on Spark (positives, search, mining "
      "rules, triplets counted), so it does more work than the peers' search. In this table "
      "hardneg's rows are timed warm, after one untimed MINE of the first setting in the same "
      "JVM, as every round of a job after the first runs; that cold run's time (JIT "
      "compilation of the kernel, Spark's code generation) is in the first row's note. The "
      "peers' times exclude Python's start and imports.\n" % (dname, n, dim))


def mining_table(mining):
    """The mining rows, timed against hardneg's exact search (or its first row without one)."""
    table = [r for r in mining if r[0] != "truth"]
    base = next((float(r[2]) for r in table if r[0] == "hardneg broadcast" and r[2]), None)
    what = "hardneg exact"
    if base is None:
        first = next((r for r in table if r[0].startswith("hardneg") and r[2]), None)
        base = float(first[2]) if first else None
        what = "%s %s" % (first[0], first[1]) if first else "hardneg"
    print("| method | settings | time s | time ÷ %s | nearest-negative recall | note |" % what)
    print("|---|---|---:|---:|---:|---|")
    for r in table:
        r = r + [""] * (5 - len(r))
        if not r[2]:
            print("| %s | %s | | | | |" % (r[0], r[1]))
            continue
        ratio = "%.3f" % (float(r[2]) / base) if base else ""
        print("| %s | %s | %s | %s | %s | %s |" % (r[0], r[1], r[2], ratio, r[3], r[4]))
    truth = [r for r in mining if r[0] == "truth"]
    if truth:
        print("\nTruth computed in %s s (%s)." % (truth[0][2], truth[0][1]))


mining_table(rows("mining.tsv"))

same = rows("kernel-same.tsv")
if same and len(same[0]) >= 4:
    mine_s, calls, kk = float(same[0][0]), same[0][1], same[0][2]
    ks = [float(v) for v in same[0][3:]]
    if min(ks) > 0:
        lo, hi = "%.1f" % (mine_s / max(ks)), "%.1f" % (mine_s / min(ks))
        ratio = "**%s× the kernel**" % (lo if lo == hi else lo + "–" + hi)
    else:
        ratio = "the kernel too fast to time"
    print("\n**The exact MINE stage against its own kernel on the same vectors** (`MineKernelBench`, "
          "in the same JVM right after the timed row above): the masked kernel alone on what the "
          "stage hands it — these %s vectors, the stage's own positives (so the same d(a,p) "
          "bounds), k = %s for both lists, one call per task slot (%s) on its share of the "
          "anchors, no Spark, no rules, no rows. Kernel %s s (%d repetitions after an untimed "
          "one); MINE %.2f s = %s. The rest of the stage is drawing the positives, collecting and "
          "broadcasting the table, the rules and the triplet rows." % (
              n, kk, calls, " / ".join("%.2f" % v for v in ks), len(ks), mine_s, ratio))

big = rows(os.path.join("big", "java.tsv"))
if big:
    bdata = [r for r in big if r[0] == "#data"]
    bn = bdata[0][2] if bdata else "?"
    bpy = rows(os.path.join("big", "mining.tsv"))
    print("\n### Mining at %s synthetic vectors\n" % bn)
    print("Synthetic clustered 64-d unit vectors (4,000 seeded centres, label = centre mod "
          "1000; N = %s), the same truth and recall as above. hardneg runs only IVF here "
          "(exact all-pairs is N² = %.0e pairs). The Python peers build their index on all N "
          "items but search only a seeded sample of the items (the anchors included) and their "
          "search time is scaled up to N queries: the row's note says so. %s"
          "Spark MLlib's LSH "
          "self-join runs on a subsample, as above; its k-NN query (a full scan per query) is "
          "not run at this size.\n" % (
              bn, float(bn) ** 2 if bn != "?" else 0,
              "Each of the 4,000 clusters holds about 250 items of one label, so the peers "
              "also ask for k = 512. " if any(r[1].endswith("k=512") for r in bpy) else ""))
    mining_table(bpy)

print("\n## 2. Training throughput: one step, 128 triplets = 384 rows\n")
print("Forward + triplet margin loss (Euclidean, margin 0.2, L2-normalised 64-d output) + "
      "backward + Adam(1e-3), random 784-feature rows. hardneg: `MultiLayerNetwork.fit` of the "
      "network `EmbeddingNetworks` builds (DL4J 1.0.0-M2, ND4J native CPU), one JVM — the Spark "
      "parameter-averaging round adds its own overhead on top. PyTorch: the same layers "
      "(Debian `python3-torch`). rows/s = 384 × steps ÷ seconds of the median of 5 timed windows of that many steps, "
      "after warm-up steps (both sides).\n")
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
          "`local[%s]`, DL4J parameter averaging over %s workers with `OrderedAveragingMaster`, "
          "random items, after one warm-up epoch — in two modes: `triplets` (random triplets "
          "joined to their features, seeded shuffle, DataSets of 128 triplets = 384 rows) and "
          "`pk`, the default (PK batches of 8 random classes × 16 items = 128 rows, each item "
          "once per epoch). Ratio against the one-JVM PyTorch step above.\n"
          % (m["threads"], m["threads"]))
    print("| network | mode | rows/s | seconds | rows per epoch | epochs timed | ÷ torch step |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in av:
        if not r[1].isalpha():  # the older format: arch, rows/s, triplets/s, s, triplets, ...
            r = [r[0], "triplets", r[1], r[3], str(3 * int(r[4])), r[5], r[6] if len(r) > 6 else ""]
        t = tc.get(r[0])
        ratio = "%.2f" % (float(r[2]) / float(t[1])) if t else ""
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
    # time to quality: when hardneg first reaches the PyTorch loop's last-epoch Recall@1
    print("\n**Time to the PyTorch loop's last-epoch Recall@1** (from the table above): the "
          "first hardneg round at or above it, and its elapsed time over the loop's.\n")
    print("| network | PyTorch epoch | Recall@1 | elapsed s | hardneg round | Recall@1 | elapsed s "
          "| hardneg ÷ PyTorch time |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for net in sorted({r[0] for r in et}):
        last = [r for r in et if r[0] == net][-1]
        target = float(last[3])
        mine = [r for r in eh if r[0] == net]
        hit = next((r for r in mine if float(r[3]) >= target), None)
        if hit:
            print("| %s | %s | %s | %s | %s | %s | %s | %.2f |" % (
                net, last[1], last[3], last[2], hit[1], hit[3], hit[2],
                float(hit[2]) / float(last[2])))
        elif mine:
            best = max(mine, key=lambda r: float(r[3]))
            print("| %s | %s | %s | %s | not reached in %d rounds (best: round %s) | %s | %s | — |"
                  % (net, last[1], last[3], last[2], len(mine), best[1], best[3], best[2]))
    # where each hardneg round's time went (the run directories' metrics.json)
    stage_rows = []
    for net in sorted({r[0] for r in eh}):
        rd = os.path.join(d, "e2e-" + net)
        for name in sorted(os.listdir(rd)) if os.path.isdir(rd) else []:
            mf = os.path.join(rd, name, "metrics.json")
            if name.startswith("round-") and os.path.exists(mf):
                mj = json.load(open(mf))
                stage_rows.append((net, int(name[6:]) + 1, mj["timings"], mj.get("train_rows")))
    if stage_rows:
        print("\n**hardneg's rounds, stage by stage** (seconds, from each round's `metrics.json`; "
              "round numbers as in the table above). TRAIN share = TRAIN ÷ the round. TRAIN "
              "rows/s = the rows the round fitted ÷ its whole TRAIN stage (batch plan, DataSets, "
              "parameter averaging and every step: the job's own training rate on the real "
              "data), against the one-JVM PyTorch step of section 2.\n")
        print("| network | round | EMBED | MINE | TRAIN | EVALUATE | round | TRAIN share "
              "| rows fitted | TRAIN rows/s | ÷ torch step |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for net, rnd, t, fitted in stage_rows:
            rate = fitted / t["train_s"] if fitted and t["train_s"] > 0 else None
            torch_rate = float(tc[net][1]) if net in tc else None
            print("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f%% | %s | %s | %s |" % (
                net, rnd, t["embed_s"], t["mine_s"], t["train_s"], t["evaluate_s"], t["round_s"],
                100 * t["train_s"] / t["round_s"], fitted if fitted else "",
                "%.0f" % rate if rate else "",
                "%.2f" % (rate / torch_rate) if rate and torch_rate else ""))

print("\n## 3. Scaling\n")
sc_rows = []
for f in ("scaling.md", os.path.join("big", "scaling-rows.md"), "scaling-cluster.md"):
    p = os.path.join(d, f)
    if os.path.exists(p):
        for line in open(p):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.startswith("| synthetic clustered") and len(cells) >= 9:
                sc_rows.append(cells)
failed = [l for f in ("scaling.md", "scaling-cluster.md")
          for l in (open(os.path.join(d, f)).read().splitlines()
                    if os.path.exists(os.path.join(d, f)) else [])
          if l.startswith("**The scaling run failed**")
          or l.startswith("**The cluster scaling run failed**")]
if sc_rows:
    sc_rows.sort(key=lambda c: int(c[1]))
    print("hardneg's MINE stage (k-means on a 65,536 sample, IVF assignment, shuffle by list, "
          "masked per-list kNN, mining rules, triplets counted) on synthetic clustered 64-d unit "
          "vectors (4,000 seeded centres, label = centre mod 1000), nlist = 4·√N, Spark "
          "`local[%s]` (one JVM, %s heap); recall: the stage's own estimate (`mining.ivf.recallSample`, 2,000 "
          "seeded anchors against an exact search in the stage). The %s point is the hardneg "
          "row of the mining table above (same data, same stage; the table scores it against "
          "the peers' truth). "
          "Exponent b of time ~ N^b: least squares over all sizes, and between the two largest. "
          "\"largest task\" = the most base / query vectors one task held (bounded by the list "
          "cap, 50,000, not by N).%s\n" % (
              m["threads"], "a " + m["heap"] if "heap" in m else "its", big and bdata and bdata[0][2] or "largest",
              " Rows whose data cell names a standalone cluster ran on a Spark standalone "
              "cluster of this machine (`BENCH_SCALING_CLUSTER`, `deploy/bin/cluster`): two "
              "workers of one core, one executor each with the heap the row names, the driver "
              "apart; the same 2 cores as `local[2]`, with executor JVMs that never hold the "
              "whole data set. The exponents mix both placements."
              if any("standalone cluster" in c[0] for c in sc_rows) else ""))
    print("| data | N | dim | search | mine stage s | distance computations | share of exact "
          "| nearest-negative recall | largest task bases / queries |")
    print("|---|---|---|---|---|---|---|---|---|")
    for c in sc_rows:
        print("| " + " | ".join(c[:9]) + " |")
    for l in failed:
        print("\n" + l)
    by = {}
    for c in sc_rows:
        if c[4] and not c[4].startswith("skipped"):
            nprobe = c[3].split("nprobe=")[-1]
            by.setdefault(nprobe, []).append((int(c[1]), float(c[4]), float(c[5])))
    def slope(xs, ys):
        """Least-squares slope of ys on xs."""
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        return sum((a - mx) * (b - my) for a, b in zip(xs, ys)) / sum((a - mx) ** 2 for a in xs)
    fits = []
    for nprobe, ps in sorted(by.items()):
        if len(set(p[0] for p in ps)) < 2:
            continue
        xs = [math.log(p[0]) for p in ps]
        # the two largest distinct sizes (a size mined both locally and on the cluster has two rows)
        b = ps[-1]
        a = [p for p in ps if p[0] < b[0]][-1]
        fits.append("| ivf nprobe=%s | %s | %.2f | %.2f | %.2f |" % (
            nprobe, ", ".join(str(p[0]) for p in ps), slope(xs, [math.log(p[1]) for p in ps]),
            math.log(b[1] / a[1]) / math.log(b[0] / a[0]),
            slope(xs, [math.log(p[2]) for p in ps])))
    if fits:
        print("\n| search | sizes | time exponent (fit) | time exponent (two largest) "
              "| computations exponent (fit) |")
        print("|---|---|---|---|---|")
        print("\n".join(fits))
elif failed:
    print("\n".join(failed))
else:
    print("Skipped (BENCH_SCALING=0); see `bench/results-mining.md`.")

print("\n## 4. Kernel: masked kNN vs the GEMM it runs on\n")
k = open(os.path.join(d, "kernel.md")).read().strip() if os.path.exists(
    os.path.join(d, "kernel.md")) else ""
if k:
    print("`KernelBench` (bench/kernel.sh): the masked top-K kernel (n random unit vectors, "
          "dim 64, 10 labels, all pairs, two heaps per query: hardest negatives and nearest "
          "beyond a bound, k = 5) vs an ND4J `mmul` of the same 1024 × 4096 tiles into reused "
          "buffers (the GEMM it runs on); ratio = kernel ÷ tiled GEMM time. The kernel runs as "
          "one call, and as one call per core on its share of the queries at once (the way "
          "Spark's task slots run it). \"square mmul\" is a 2048³ product: the machine's GEMM "
          "rate when writing the output is not the bottleneck (with an inner dimension of 64 "
          "the tiled GEMM writes one float per 128 flops). The first repetition includes JIT "
          "warm-up.\n")
    print(k)
else:
    print("Skipped (BENCH_KERNEL_N=0); see `bench/results-kernel.md`.")
