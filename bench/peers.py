#!/usr/bin/env python3
"""Python peers for bench/run.sh, and the one scorer of its mining table.

The truth: the exact nearest negative (largest inner product, another label) of each anchor
PeerBench exported (anchors.npy), by numpy brute force over all N items here, independent of
every method scored. Every row, hardneg's and MLlib's (the rows of java.tsv, whose nearest
negative per anchor PeerBench wrote to the found-*.npy file the row names) and the peers', is
scored by `found_recall`: share of the anchors whose found item has another label and is as
similar as the exact one (ties count), the similarity recomputed here from the vectors.

Peers: each index returns the top k of every item (all N items are anchors, as in hardneg's
mining), then the label filter keeps the first result with another label: the nearest negative
found. Wall time = index build + search of all N queries + filter. Each index is built once and
searched with every setting; each row's time is the build plus its own search.

With --query-sample S < N (the 1M set), only the anchors plus a seeded sample of items up to S
are searched and the search time is scaled by N / (number searched): an extrapolation, said so
in the row's note (the build is always complete and measured).
Writes TSV rows (method, settings, seconds, recall, note) to stdout: java.tsv's rows, scored,
then the peers'; the truth's own row ("truth", what, seconds) first.
   peers.py DIR THREADS [--nprobe 16,32] [--ef 64,128] [--ks 10,64] [--query-sample S]
"""
import argparse
import os
import time

import numpy as np

TRAIN_SAMPLE = 65536


def exact_truth(x, labels, anchors, candidates=None, chunk=8192):
    """Row and similarity of each anchor's exact nearest negative among candidates (all rows by
    default): plain numpy, a block of candidates at a time; ties keep the lowest row."""
    cand = np.arange(len(x)) if candidates is None else np.asarray(candidates, dtype=np.int64)
    q, ql = x[anchors], labels[anchors]
    best = np.full(len(anchors), -np.inf, dtype=np.float32)
    rows = np.full(len(anchors), -1, dtype=np.int64)
    for s in range(0, len(cand), chunk):
        c = cand[s:s + chunk]
        sims = q @ x[c].T
        sims[ql[:, None] == labels[c][None, :]] = -np.inf
        j = sims.argmax(axis=1)
        v = sims[np.arange(len(q)), j]
        better = v > best
        best[better] = v[better]
        rows[better] = c[j[better]]
    return rows, best


def found_recall(x, labels, anchors, truth_sim, found):
    """Share of anchors[:len(found)] whose found row (-1: none) is a negative at least as similar
    as the exact nearest one (1e-5 of float rounding)."""
    found = np.asarray(found, dtype=np.int64)
    a = anchors[:len(found)]
    f = np.clip(found, 0, None)
    sims = np.einsum("ij,ij->i", x[a], x[f])
    hit = (found >= 0) & (labels[f] != labels[a]) & (sims >= truth_sim[:len(found)] - 1e-5)
    return float(np.mean(hit)) if len(found) else float("nan")


def first_negative(ids, labels, anchor_labels):
    """Row of the first result of each row whose label differs (-1 if none)."""
    other = (ids >= 0) & (labels[np.clip(ids, 0, None)] != anchor_labels[:, None])
    first = np.where(other.any(axis=1), other.argmax(axis=1), -1)
    return np.where(first >= 0, ids[np.arange(len(ids)), np.maximum(first, 0)], -1)


def score_java_rows(d, x, labels, anchors, truth_sim):
    """java.tsv's method rows with their recall cell filled from the found file each names; a
    found-NAME.npy with anchors-NAME.npy and candidates-NAME.npy beside it is scored on those
    anchors against the truth within those candidates (MLlib's self-join on a subsample)."""
    p = os.path.join(d, "java.tsv")
    out = []
    for line in open(p) if os.path.exists(p) else []:
        r = line.rstrip("\n").split("\t")
        if r[0].startswith("#") or len(r) < 6 or not r[5]:
            continue
        found = np.load(os.path.join(d, r[5]))
        own = os.path.join(d, r[5].replace("found-", "anchors-"))
        if os.path.exists(own):
            a = np.load(own).astype(np.int64)
            cand = np.load(os.path.join(d, r[5].replace("found-", "candidates-")))
            r[3] = "%.4f" % found_recall(x, labels, a, exact_truth(x, labels, a, cand)[1], found)
        else:
            r[3] = "%.4f" % found_recall(x, labels, anchors, truth_sim, found)
        out.append(r[:5])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("threads", type=int)
    ap.add_argument("--nprobe", default="16,32")
    ap.add_argument("--ef", default="64,128")
    ap.add_argument("--ks", default="10,64")
    ap.add_argument("--query-sample", type=int, default=0)
    a = ap.parse_args()
    x = np.ascontiguousarray(np.load(os.path.join(a.dir, "emb.npy")), dtype=np.float32)
    labels = np.load(os.path.join(a.dir, "labels.npy"))
    anchors = np.load(os.path.join(a.dir, "anchors.npy")).astype(np.int64)
    n, d = x.shape
    t = time.time()
    truth_rows, truth_sim = exact_truth(x, labels, anchors)
    print("truth\tnumpy brute force, %d anchors x %d\t%.2f\t\t" % (len(anchors), n, time.time() - t),
          flush=True)
    np.save(os.path.join(a.dir, "truth.npy"), truth_rows)
    np.save(os.path.join(a.dir, "truth_sim.npy"), truth_sim)
    for r in score_java_rows(a.dir, x, labels, anchors, truth_sim):
        print("\t".join(r), flush=True)
    ks = [int(k) for k in a.ks.split(",")]
    # the searched rows: every item, or the anchors first and then a seeded sample
    if 0 < a.query_sample < n:
        rest = np.setdiff1d(np.random.default_rng(42).permutation(n)[:a.query_sample], anchors)
        queries = np.concatenate([anchors, rest[:max(0, a.query_sample - len(anchors))]])
    else:
        queries = np.arange(n)
    scale = n / len(queries)
    pos = np.searchsorted(queries, anchors) if len(queries) == n else np.arange(len(anchors))
    qx = x[queries]
    extra = "" if scale == 1 else "; search of %d queries x %.1f (extrapolated)" % (
        len(queries), scale)

    def emit(method, settings, build, search, ids, note):
        found = first_negative(ids[pos], labels, labels[anchors])
        print("%s\t%s\t%.2f\t%.4f\t%s" % (method, settings, build + search * scale,
                                          found_recall(x, labels, anchors, truth_sim, found),
                                          note + extra), flush=True)

    def timed(f):
        t = time.time()
        r = f()
        return time.time() - t, r

    try:
        import faiss
    except ImportError:
        faiss = None
        print("faiss\tnot installed\t\t\t", flush=True)
    if faiss is not None:
        faiss.omp_set_num_threads(a.threads)
        nlist = max(1, int(4 * np.sqrt(n)))
        index = faiss.IndexFlatIP(d)
        build, _ = timed(lambda: index.add(x))
        for k in ks:
            search, (_, ids) = timed(lambda: index.search(qx, k + 1))
            emit("faiss IndexFlatIP", "k=%d" % k, build, search, ids,
                 "exact top-k, then label filter")
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
        # k-means on a seeded sample of at most 65,536 items, as hardneg's IVF trains (on all
        # of 1M items faiss's training alone took 229 s)
        train = x if n <= TRAIN_SAMPLE else x[np.sort(
            np.random.default_rng(7).permutation(n)[:TRAIN_SAMPLE])]
        build, _ = timed(lambda: (index.train(train), index.add(x)))
        for nprobe in [int(p) for p in a.nprobe.split(",")]:
            index.nprobe = nprobe
            for k in ks:
                search, (_, ids) = timed(lambda: index.search(qx, k + 1))
                emit("faiss IndexIVFFlat", "nlist=%d nprobe=%d k=%d" % (nlist, nprobe, k),
                     build, search, ids, "train (%d items) + add %.1f s + search" % (
                         len(train), build))
        index = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 40
        build, _ = timed(lambda: index.add(x))
        for ef in [int(e) for e in a.ef.split(",")]:
            for k in ks:
                index.hnsw.efSearch = max(ef, k + 1)
                search, (_, ids) = timed(lambda: index.search(qx, k + 1))
                emit("faiss IndexHNSWFlat", "M=32 efSearch=%d k=%d" % (max(ef, k + 1), k),
                     build, search, ids, "build %.1f s + search" % build)
        del index
    try:
        import hnswlib
    except ImportError:
        hnswlib = None
        print("hnswlib\tnot installed\t\t\t", flush=True)
    if hnswlib is not None:
        index = hnswlib.Index(space="ip", dim=d)
        index.init_index(max_elements=n, ef_construction=100, M=16, random_seed=42)
        index.set_num_threads(a.threads)
        build, _ = timed(lambda: index.add_items(x, np.arange(n)))
        for ef in [int(e) for e in a.ef.split(",")]:
            for k in ks:
                index.set_ef(max(ef, k + 1))
                search, (ids, _) = timed(
                    lambda: index.knn_query(qx, k=k + 1, num_threads=a.threads))
                emit("hnswlib", "M=16 ef=%d k=%d" % (max(ef, k + 1), k), build, search,
                     ids.astype(np.int64), "build %.1f s + search" % build)


if __name__ == "__main__":
    main()
