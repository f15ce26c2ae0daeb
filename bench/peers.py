#!/usr/bin/env python3
"""Python peers for bench/run.sh: faiss and hnswlib on the embeddings PeerBench exported.

Each index returns the top k of every item (all N items are anchors, as in hardneg's mining),
then the label filter keeps the first result with another label: the nearest negative found.
Recall = share of the exported anchors whose found nearest negative is as close as the exact
one (ties count). Wall time = index build + search of all N queries + filter. Each index is
built once and searched with every setting; each row's time is the build plus its own search.

With --query-sample S < N (the 1M set), only the anchors plus a seeded sample of items up to S
are searched and the search time is scaled by N / (number searched): an extrapolation, said so
in the row's note (the build is always complete and measured).
Writes TSV rows (method, settings, seconds, recall, note) to stdout.
   peers.py DIR THREADS [--nprobe 16,32] [--ef 64,128] [--ks 10,64] [--query-sample S]
"""
import argparse
import os
import time

import numpy as np

TRAIN_SAMPLE = 65536


def nearest_negative(ids, sims, labels, anchor_labels):
    """sims of the first result of each row whose label differs (-inf if none)."""
    other = (ids >= 0) & (labels[np.clip(ids, 0, None)] != anchor_labels[:, None])
    first = np.where(other.any(axis=1), other.argmax(axis=1), -1)
    return np.where(first >= 0, sims[np.arange(len(ids)), np.maximum(first, 0)], -np.inf)


def recall(found_sims, truth_sim):
    return float(np.mean(found_sims >= truth_sim - 1e-5))


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
    truth_sim = np.load(os.path.join(a.dir, "truth_sim.npy"))
    n, d = x.shape
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

    def emit(method, settings, build, search, ids, sims, note):
        found = nearest_negative(ids[pos], sims[pos], labels, labels[anchors])
        print("%s\t%s\t%.2f\t%.4f\t%s" % (method, settings, build + search * scale,
                                          recall(found, truth_sim), note + extra), flush=True)

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
            search, (sims, ids) = timed(lambda: index.search(qx, k + 1))
            emit("faiss IndexFlatIP", "k=%d" % k, build, search, ids, sims,
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
                search, (sims, ids) = timed(lambda: index.search(qx, k + 1))
                emit("faiss IndexIVFFlat", "nlist=%d nprobe=%d k=%d" % (nlist, nprobe, k),
                     build, search, ids, sims, "train (%d items) + add %.1f s + search" % (
                         len(train), build))
        index = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 40
        build, _ = timed(lambda: index.add(x))
        for ef in [int(e) for e in a.ef.split(",")]:
            for k in ks:
                index.hnsw.efSearch = max(ef, k + 1)
                search, (sims, ids) = timed(lambda: index.search(qx, k + 1))
                emit("faiss IndexHNSWFlat", "M=32 efSearch=%d k=%d" % (max(ef, k + 1), k),
                     build, search, ids, sims, "build %.1f s + search" % build)
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
                search, (ids, dist) = timed(
                    lambda: index.knn_query(qx, k=k + 1, num_threads=a.threads))
                sims = 1.0 - dist  # hnswlib's "ip" distance is 1 - <x, y>
                emit("hnswlib", "M=16 ef=%d k=%d" % (max(ef, k + 1), k), build, search,
                     ids.astype(np.int64), sims, "build %.1f s + search" % build)


if __name__ == "__main__":
    main()
