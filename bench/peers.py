#!/usr/bin/env python3
"""Python peers for bench/run.sh (issue 9): faiss and hnswlib on the embeddings PeerBench exported.

Each index returns the top k of every item (all N items are anchors, as in hardneg's mining),
then the label filter keeps the first result with another label: the nearest negative found.
Recall = share of the exported anchors whose found nearest negative is as close as the exact
one (ties count). Wall time = index build + search of all N queries + filter.
Writes TSV rows (method, settings, seconds, recall, note) to stdout.
   peers.py DIR THREADS [--nprobe 16,32] [--ef 64,128] [--ks 10,64]
"""
import argparse
import os
import sys
import time

import numpy as np


def nearest_negative(ids, sims, labels, anchors):
    """sims of the first result of each anchor row whose label differs (-inf if none)."""
    ids = ids[anchors]
    sims = sims[anchors]
    other = (ids >= 0) & (labels[np.clip(ids, 0, None)] != labels[anchors][:, None])
    first = np.where(other.any(axis=1), other.argmax(axis=1), -1)
    found = np.where(first >= 0, sims[np.arange(len(anchors)), np.maximum(first, 0)], -np.inf)
    return found


def recall(found_sims, truth_sim):
    return float(np.mean(found_sims >= truth_sim - 1e-5))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("threads", type=int)
    ap.add_argument("--nprobe", default="16,32")
    ap.add_argument("--ef", default="64,128")
    ap.add_argument("--ks", default="10,64")
    a = ap.parse_args()
    x = np.ascontiguousarray(np.load(os.path.join(a.dir, "emb.npy")), dtype=np.float32)
    labels = np.load(os.path.join(a.dir, "labels.npy"))
    anchors = np.load(os.path.join(a.dir, "anchors.npy")).astype(np.int64)
    truth_sim = np.load(os.path.join(a.dir, "truth_sim.npy"))
    n, d = x.shape
    ks = [int(k) for k in a.ks.split(",")]
    rows = []

    def emit(method, settings, secs, rec, note=""):
        print("%s\t%s\t%.2f\t%.4f\t%s" % (method, settings, secs, rec, note), flush=True)

    try:
        import faiss
    except ImportError:
        faiss = None
        print("faiss\tnot installed\t\t\t", flush=True)
    if faiss is not None:
        faiss.omp_set_num_threads(a.threads)
        nlist = max(1, int(4 * np.sqrt(n)))
        for k in ks:
            t = time.time()
            index = faiss.IndexFlatIP(d)
            index.add(x)
            sims, ids = index.search(x, k + 1)
            rec = recall(nearest_negative(ids, sims, labels, anchors), truth_sim)
            emit("faiss IndexFlatIP", "k=%d" % k, time.time() - t, rec, "exact top-k, then label filter")
        for nprobe in [int(p) for p in a.nprobe.split(",")]:
            for k in ks:
                t = time.time()
                q = faiss.IndexFlatIP(d)
                index = faiss.IndexIVFFlat(q, d, nlist, faiss.METRIC_INNER_PRODUCT)
                index.train(x)
                index.add(x)
                index.nprobe = nprobe
                sims, ids = index.search(x, k + 1)
                rec = recall(nearest_negative(ids, sims, labels, anchors), truth_sim)
                emit("faiss IndexIVFFlat", "nlist=%d nprobe=%d k=%d" % (nlist, nprobe, k),
                     time.time() - t, rec, "train + add + search")
        for ef in [int(e) for e in a.ef.split(",")]:
            for k in ks:
                t = time.time()
                index = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
                index.hnsw.efConstruction = 40
                index.add(x)
                index.hnsw.efSearch = max(ef, k + 1)
                sims, ids = index.search(x, k + 1)
                rec = recall(nearest_negative(ids, sims, labels, anchors), truth_sim)
                emit("faiss IndexHNSWFlat", "M=32 efSearch=%d k=%d" % (max(ef, k + 1), k),
                     time.time() - t, rec, "build + search")
    try:
        import hnswlib
    except ImportError:
        hnswlib = None
        print("hnswlib\tnot installed\t\t\t", flush=True)
    if hnswlib is not None:
        for ef in [int(e) for e in a.ef.split(",")]:
            for k in ks:
                t = time.time()
                index = hnswlib.Index(space="ip", dim=d)
                index.init_index(max_elements=n, ef_construction=100, M=16, random_seed=42)
                index.set_num_threads(a.threads)
                index.add_items(x, np.arange(n))
                index.set_ef(max(ef, k + 1))
                ids, dist = index.knn_query(x, k=k + 1, num_threads=a.threads)
                sims = 1.0 - dist  # hnswlib's "ip" distance is 1 - <x, y>
                rec = recall(nearest_negative(ids.astype(np.int64), sims, labels, anchors), truth_sim)
                emit("hnswlib", "M=16 ef=%d k=%d" % (max(ef, k + 1), k), time.time() - t, rec,
                     "build + search")


if __name__ == "__main__":
    main()
