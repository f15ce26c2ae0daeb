#!/usr/bin/env python3
"""Cost model of hardneg's IVF MINE stage on a cluster, re-derived from the results files.

Reads the measured rows (every input is printed with the file and row it came from), fits the two
free constants on the scaling series, predicts every measured point (predicted vs measured), and
prints the time and memory to mine N items of dimension d on E executors of C cores
(docs/cost-model.md explains the formula).

   bench/cost_model.py [--results bench/RESULTS.md] [--kernel bench/results-kernel.md]
                       [--mining bench/results-mining.md] [--n 1e9] [--dim 128] [--nprobe 8]
                       [--bandwidth 1.25]   (GB/s of network per executor: an assumption)
"""
import argparse
import math
import re
import statistics

import numpy as np

LIST_CAP = 50_000  # mining.listCap default (docs/configuration.md)
KMEANS_SAMPLE = 65_536  # mining.ivf.kmeansSample default (JobConfig)
KMEANS_ITERS = 10  # mining.ivf.kmeansIterations default (JobConfig)
ENTRY_FIXED = 40  # bytes of a shuffled VectorEntry besides its 4·d floats: id, label, positive,
#                   d(a,p), home list, flag (VectorEntry.java); a field count, not a measurement
TILE_BYTES = 1024 * 4096 * 4  # the kernel's score tile (KernelBench: 1024 x 4096 floats)


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def section(lines, start, end=None):
    """Lines of the Markdown section whose heading starts with `start`."""
    out, on = [], False
    for i, l in enumerate(lines):
        if l.startswith(start):
            on = True
        elif on and end and l.startswith(end):
            break
        if on:
            out.append((i + 1, l))
    return out


def kernel_rates(path):
    """Per-core rates of the masked kernel (two tasks at once, one per core) and of the tiled GEMM,
    medians over the repetitions after the first (JIT warm-up). Only the first table counts (the
    bound at 1.0: a trained embedding, where few pairs lie inside the bound)."""
    lines = open(path).read().splitlines()
    heads = [i for i, l in enumerate(lines) if l.startswith("## ")]
    if len(heads) > 1:
        lines = lines[:heads[1]]
    cores = int(re.search(r"(\d+) cores", "\n".join(lines)).group(1))
    dim = int(re.search(r"dim (\d+)", "\n".join(lines)).group(1))
    rows = [(i + 1, cells(l)) for i, l in enumerate(lines)
            if re.match(r"\| \d+ \| \d+ \|", l)]
    used = [(ln, c) for ln, c in rows if c[1] != "0"]
    kern, gemm = [], []
    for ln, c in used:
        n = int(c[0])
        kern.append(2.0 * n * n * dim / float(c[7]) / cores)
        gemm.append(float(c[3]) * 1e9 / cores)
    src = "%s lines %s (n=%s, dim %d, %d cores; reps %s)" % (
        path, ",".join(str(ln) for ln, _ in used), used[0][1][0], dim, cores,
        ",".join(c[1] for _, c in used))
    return statistics.median(kern), statistics.median(gemm), src


def ivf_settings(s):
    m = re.search(r"nlist=(\d+) nprobe=(\d+)", s)
    return int(m.group(1)), int(m.group(2))


def one_base_list(s):
    """The model is for mining.ivf.baseLists = 1; rows with items in several lists are left out."""
    m = re.search(r"baseLists=(\d+)", s)
    return m is None or int(m.group(1)) == 1


def scaling_points(path):
    """The scaling rows (section 3) of RESULTS.md and the threads the run used."""
    lines = open(path).read().splitlines()
    threads = int(re.search(r"\*\*(\d+) threads\*\*", "\n".join(lines)).group(1))
    pts = []
    for ln, l in section(lines, "## 3. Scaling", "## 4."):
        if l.startswith("| synthetic clustered"):
            c = cells(l)
            if not c[4] or c[4].startswith("skipped") or not one_base_list(c[3]):
                continue
            nlist, nprobe = ivf_settings(c[3])
            bq = c[8].split("/") if len(c) > 8 else ["", ""]
            pts.append(dict(src="%s line %d" % (path, ln), n=int(c[1]), d=int(c[2]), nlist=nlist,
                            nprobe=nprobe, t=float(c[4]), dc=float(c[5]),
                            bases=int(bq[0]) if bq[0].strip() else None,
                            queries=int(bq[1]) if len(bq) > 1 and bq[1].strip() else None))
    return pts, threads


def mining_points(path):
    """hardneg IVF rows of RESULTS.md's first mining table (Fashion-MNIST 60k): other N, nprobe."""
    lines = open(path).read().splitlines()
    m = re.search(r"N = (\d+), dim (\d+)", "\n".join(lines))
    n, d = int(m.group(1)), int(m.group(2))
    pts = []
    for ln, l in section(lines, "## 1. Mining", "### Mining at"):
        if l.startswith("| hardneg ivf |") and one_base_list(l):
            c = cells(l)
            nlist, nprobe = ivf_settings(c[1])
            share = float(re.search(r"([0-9.]+) of exact's distance", c[5]).group(1))
            pts.append(dict(src="%s line %d" % (path, ln), n=n, d=d, nlist=nlist, nprobe=nprobe,
                            t=float(c[2]), dc=share * n * n))
    return pts


def check_points(path):
    """IVF rows of bench/results-mining.md (a separate run, never used in the fit: a check only)."""
    pts = []
    for i, l in enumerate(open(path).read().splitlines()):
        if l.startswith("| ") and "| ivf nlist=" in l and one_base_list(l):
            c = cells(l)
            nlist, nprobe = ivf_settings(c[3])
            pts.append(dict(src="%s line %d" % (path, i + 1), n=int(c[1]), d=int(c[2]),
                            nlist=nlist, nprobe=nprobe, t=float(c[4]), dc=float(c[5])))
    return pts


def per_item(p):
    """64-d record units per item: the record bytes for dimension d over a 64-d record's."""
    return (4 * p["d"] + ENTRY_FIXED) / (4 * 64 + ENTRY_FIXED)


def kmeans_flops(p):
    s = min(p["n"], max(KMEANS_SAMPLE, p["nlist"]))
    return 2.0 * s * p["nlist"] * p["d"] * KMEANS_ITERS


def known_seconds(p, cores, kern, gemm, driver_cores=None):
    """The parts with a measured rate: the search kernel on the executors' cores, k-means on the
    driver."""
    return (p["dc"] * 2 * p["d"] / (kern * cores)
            + kmeans_flops(p) / (gemm * (driver_cores or cores)))


def terms(p, cores):
    """The fitted terms' work per core: items (read, assign, shuffle once as a base, positives,
    rules) and query records (shuffled once per probe, merged)."""
    return [1.0, p["n"] * per_item(p) / cores, p["n"] * p["nprobe"] * per_item(p) / cores]


def fit(points, threads, kern, gemm):
    """Least squares of t - known = t0 + alpha·items/cores + gamma·queries/cores (non-negative
    constants: a negative one is dropped and the rest refitted)."""
    y = np.array([p["t"] - known_seconds(p, threads, kern, gemm) for p in points])
    x = np.array([terms(p, threads) for p in points])
    keep = [0, 1, 2]
    while True:
        c, *_ = np.linalg.lstsq(x[:, keep], y, rcond=None)
        if (c >= 0).all() or len(keep) == 1:
            break
        keep.pop(int(np.argmin(c)))
    out = np.zeros(3)
    out[keep] = c
    return out


def predict(p, cores, coef, kern, gemm, driver_cores=None):
    return float(np.dot(coef, terms(p, cores))) + known_seconds(p, cores, kern, gemm,
                                                                driver_cores)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", default="bench/RESULTS.md")
    ap.add_argument("--kernel", default="bench/results-kernel.md")
    ap.add_argument("--mining", default="bench/results-mining.md")
    ap.add_argument("--n", type=float, default=1e9)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--nprobe", type=int, default=8)
    ap.add_argument("--bandwidth", type=float, default=1.25)
    a = ap.parse_args()

    kern, gemm, ksrc = kernel_rates(a.kernel)
    pts, threads = scaling_points(a.results)
    print("## Inputs\n")
    print("| input | value | from |")
    print("|---|---|---|")
    print("| masked kernel rate per core | %.1f GFLOP/s | %s: 2·n²·dim ÷ 'kernel, 2 tasks s' "
          "÷ cores, median |" % (kern / 1e9, ksrc))
    print("| tiled GEMM rate per core (k-means) | %.1f GFLOP/s | same rows: 'tiled GFLOP/s' ÷ "
          "cores, median |" % (gemm / 1e9))
    print("| cores of the measured runs | %d | %s, the **Machine** line (threads) |" % (
        threads, a.results))
    for p in pts:
        print("| scaling point N=%d | %.1f s, %.3g distance computations, nlist %d, nprobe %d, "
              "largest task %s / %s | %s |" % (p["n"], p["t"], p["dc"], p["nlist"], p["nprobe"],
                                               p["bases"], p["queries"], p["src"]))
    big = max(pts, key=lambda p: p["n"])
    # how far the real lists are from equal: distance computations over N·nprobe·N/nlist, and
    # the largest task over the mean list (bases) and the mean queries per list
    skew = big["dc"] / (big["n"] * big["nprobe"] * big["n"] / big["nlist"])
    bskew = big["bases"] / (big["n"] / big["nlist"]) if big["bases"] else 3.0
    qskew = big["queries"] / (big["n"] * big["nprobe"] / big["nlist"]) if big["queries"] else 2.0
    print("| list skew (computations ÷ N·nprobe·N/nlist) | %.3f | %s |" % (skew, big["src"]))
    print("| largest list ÷ mean list (bases; queries) | %.2f; %.2f | %s |" % (
        bskew, qskew, big["src"]))
    print("| bytes per shuffled record | 4·d + %d | VectorEntry.java fields (not measured) |"
          % ENTRY_FIXED)

    runpts = pts + mining_points(a.results)
    for p in runpts[len(pts):]:
        print("| mining point N=%d | %.1f s, %.3g distance computations, nlist %d, nprobe %d | "
              "%s |" % (p["n"], p["t"], p["dc"], p["nlist"], p["nprobe"], p["src"]))
    coef = fit(runpts, threads, kern, gemm)
    print("\n## Fitted on the points of one run (%s)\n" % a.results)
    print("t0 = %.1f s (fixed: JVM, Spark scheduling, driver work); alpha = %.3g core-seconds "
          "per item; gamma = %.3g core-seconds per query record (one per item and probe); both "
          "per 64-d record, scaled by record bytes for other d\n" % tuple(coef))

    print("## Predicted vs measured\n")
    print("| point | N | nprobe | measured s | predicted s | predicted ÷ measured | used in fit |")
    print("|---|---|---|---|---|---|---|")
    checks = [(p, "yes") for p in runpts]
    try:
        checks += [(p, "no (separate run: results-mining.md)") for p in check_points(a.mining)]
    except FileNotFoundError:
        pass
    for p, used in checks:
        pr = predict(p, threads, coef, kern, gemm)
        print("| %s | %d | %d | %.1f | %.1f | %.2f | %s |" % (
            p["src"], p["n"], p["nprobe"], p["t"], pr, pr / p["t"], used))
    if len(runpts) >= 4:
        print("\nLeave one out (fit on the run's other points, predict this one):\n")
        print("| point | N | nprobe | measured s | predicted s | predicted ÷ measured |")
        print("|---|---|---|---|---|---|")
        for i, p in enumerate(runpts):
            c = fit(runpts[:i] + runpts[i + 1:], threads, kern, gemm)
            pr = predict(p, threads, c, kern, gemm)
            print("| %s | %d | %d | %.1f | %.1f | %.2f |" % (
                p["src"], p["n"], p["nprobe"], p["t"], pr, pr / p["t"]))

    n, d, nprobe = a.n, a.dim, a.nprobe
    nlist = int(4 * math.sqrt(n))
    q = dict(n=n, d=d, nprobe=nprobe, nlist=nlist,
             dc=skew * n * nprobe * n / nlist)
    shuffle = n * (1 + nprobe) * (4 * d + ENTRY_FIXED)
    bases = min(LIST_CAP, bskew * n / nlist)
    queries = min(LIST_CAP, qskew * n * nprobe / nlist)
    task = (bases + queries) * (4 * d + ENTRY_FIXED) + TILE_BYTES
    print("\n## %.0e items, d = %d, nprobe = %d, nlist = 4·√N = %d\n" % (n, d, nprobe, nlist))
    print("distance computations %.3g (%.3g FLOP); shuffled %.3g records = %.1f TB; k-means "
          "%.3g FLOP on the driver; largest task %d bases + %d queries = %.0f MiB\n" % (
              q["dc"], q["dc"] * 2 * d, n * (1 + nprobe), shuffle / 1e12, kmeans_flops(q),
              bases, queries, task / 2 ** 20))
    print("| executors E | cores C | E·C | time h (no network) | + network at %.2f GB/s per "
          "executor, h | shuffle per executor GB | executor memory (C tasks) MiB |" % a.bandwidth)
    print("|---|---|---|---|---|---|---|")
    for e in (10, 50, 100, 200, 500):
        for c in (4, 8, 16):
            t = predict(q, e * c, coef, kern, gemm, driver_cores=c)
            net = shuffle / (e * a.bandwidth * 1e9)
            print("| %d | %d | %d | %.2f | %.2f | %.0f | %.0f |" % (
                e, c, e * c, t / 3600, (t + net) / 3600, shuffle / e / 1e9, c * task / 2 ** 20))


if __name__ == "__main__":
    main()
