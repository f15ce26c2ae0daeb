#!/usr/bin/env python3
"""Python peers for bench/run.sh, and the one scorer of its mining table.

The truth: the exact nearest negative (largest inner product, another label) of each anchor
PeerBench exported (anchors.npy), by numpy brute force over all N items here, independent of
every method scored. Every row, hardneg's and MLlib's (the rows of java.tsv, whose nearest
negative per anchor PeerBench wrote to the found-*.npy file the row names) and the peers', is
scored by `found_recall`: share of the anchors whose found item has another label and is as
similar as the exact one (ties count), the similarity recomputed here from the vectors.

Peers, two ways. "top-k then label filter": each index returns the top k of every item (all N
items are anchors, as in hardneg's mining), then the label filter keeps the first result with
another label: the nearest negative found, or none when all k share the anchor's label. "per
class": how an expert asks these libraries for a nearest negative: one index per label, every
query searches each index of another label (k = 1) and keeps the best (faiss IndexFlatIP per
class: exact; hnswlib per class: approximate), and faiss's ID selector (one IndexFlatIP, each
label's queries searched with IDSelectorNot(that label's ids), k = 1: exact). The per-class
searches are batched: each class index is searched once by every query of another label.
Wall time = index build + search of all N queries + filter. Each index is built once and
searched with every setting; each row's time is the build plus its own search.

With --query-sample S < N (the 1M set), only the anchors plus a seeded sample of items up to S
are searched and the search time is scaled by N / (number searched): an extrapolation, said so
in the row's note (the build is always complete and measured).
Writes TSV rows (method, settings, seconds, recall, note) to stdout: java.tsv's rows, scored,
then the peers'; the truth's own row ("truth", what, seconds) first.
   peers.py DIR THREADS [--nprobe 16,32] [--ef 64,128] [--ks 10,64] [--query-sample S]
            [--per-class-max-labels L] [--selector-queries A]
With more than L labels (default 5000) the per-class rows are skipped, and say so.
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


def per_class_best(labels, qlabels, classes, search):
    """Nearest negative of each query over per-class searches: for each label c, search(c, sel)
    returns (similarities, rows) of the best item of label c for the queries sel (a boolean mask
    of the queries whose label is not c); the best over all c is kept (-1: none found)."""
    best = np.full(len(qlabels), -np.inf, dtype=np.float32)
    rows = np.full(len(qlabels), -1, dtype=np.int64)
    for c in classes:
        sel = np.flatnonzero(qlabels != c)
        if len(sel) == 0:
            continue
        sims, found = search(c, sel)
        better = (found >= 0) & (sims > best[sel])
        best[sel[better]] = sims[better]
        rows[sel[better]] = found[better]
    return rows


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
    ap.add_argument("--per-class-max-labels", type=int, default=5000)
    ap.add_argument("--selector-queries", type=int, default=2000)
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

    classes = np.unique(labels)
    qlabels = labels[queries]
    per_class = len(classes) <= a.per_class_max_labels
    members = {}
    if per_class:
        order = np.argsort(labels, kind="stable")
        cuts = np.searchsorted(labels[order], classes)
        members = dict(zip(classes, np.split(order, cuts[1:])))
    skip = "skipped: %d labels > --per-class-max-labels %d" % (len(classes),
                                                               a.per_class_max_labels)

    def emit(method, settings, build, search, ids, note, nearest=None):
        """One row; ids: top-k rows per query (label-filtered here), or nearest: the nearest
        negative per query already (the per-class rows)."""
        found = (first_negative(ids[pos], labels, labels[anchors]) if nearest is None
                 else nearest[pos])
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
                 "top-k then label filter (exact top-k)")
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
                     build, search, ids, "top-k then label filter; train (%d items) + add %.1f s" % (
                         len(train), build))
        index = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 40
        build, _ = timed(lambda: index.add(x))
        for ef in [int(e) for e in a.ef.split(",")]:
            for k in ks:
                index.hnsw.efSearch = max(ef, k + 1)
                search, (_, ids) = timed(lambda: index.search(qx, k + 1))
                emit("faiss IndexHNSWFlat", "M=32 efSearch=%d k=%d" % (max(ef, k + 1), k),
                     build, search, ids, "top-k then label filter; build %.1f s" % build)
        del index
        if per_class:
            # exact, one index per label: each query searches every other label's index, k = 1
            def build_flat():
                idx = {}
                for c in classes:
                    idx[c] = faiss.IndexFlatIP(d)
                    idx[c].add(x[members[c]])
                return idx
            build, flat = timed(build_flat)

            def flat_search(c, sel):
                sims, ids = flat[c].search(qx[sel], 1)
                return sims[:, 0], np.where(ids[:, 0] >= 0, members[c][ids[:, 0]], -1)
            search, nearest = timed(lambda: per_class_best(labels, qlabels, classes, flat_search))
            emit("faiss IndexFlatIP per class", "k=1 per class, %d classes" % len(classes), build,
                 search, None, "exact; every other label's index searched, best kept",
                 nearest=nearest)
            del flat
            # exact, one index and an ID selector: each label's queries exclude that label's ids
            index = faiss.IndexFlatIP(d)
            build, _ = timed(lambda: index.add(x))

            # faiss 1.7.3 scans without BLAS when a selector is given (~7x the flat search's
            # time), so this row searches the first A anchors only and scales the search to N
            sa = anchors[:max(1, min(a.selector_queries, len(anchors)))]

            def selector_search():
                rows = np.full(len(sa), -1, dtype=np.int64)
                alabels = labels[sa]
                for c in classes:
                    q = np.flatnonzero(alabels == c)
                    if len(q) == 0:
                        continue
                    sel = faiss.IDSelectorNot(faiss.IDSelectorBatch(members[c].astype(np.int64)))
                    _, ids = index.search(x[sa[q]], 1, params=faiss.SearchParameters(sel=sel))
                    rows[q] = ids[:, 0]
                return rows
            search, found = timed(selector_search)
            print("%s\t%s\t%.2f\t%.4f\t%s" % (
                "faiss IndexFlatIP + IDSelectorNot", "k=1, own label's ids excluded",
                build + search * n / len(sa),
                found_recall(x, labels, anchors, truth_sim, found),
                "exact; one search per label's anchors; search of the %d anchors x %.1f "
                "(extrapolated)" % (len(sa), n / len(sa))), flush=True)
            del index
        else:
            print("faiss IndexFlatIP per class\t%s\t\t\t" % skip, flush=True)
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
                     ids.astype(np.int64), "top-k then label filter; build %.1f s" % build)
        del index
        if per_class:
            # approximate, one index per label: each query searches every other label's index
            def build_hnsw():
                idx = {}
                for c in classes:
                    m = members[c]
                    idx[c] = hnswlib.Index(space="ip", dim=d)
                    idx[c].init_index(max_elements=len(m), ef_construction=100, M=16,
                                      random_seed=42)
                    idx[c].set_num_threads(a.threads)
                    idx[c].add_items(x[m], np.arange(len(m)))
                return idx
            build, per = timed(build_hnsw)
            for ef in [int(e) for e in a.ef.split(",")]:
                for c in classes:
                    per[c].set_ef(ef)

                def hnsw_search(c, sel):
                    ids, dist = per[c].knn_query(qx[sel], k=1, num_threads=a.threads)
                    # space "ip" returns 1 - inner product
                    return 1 - dist[:, 0], members[c][ids[:, 0].astype(np.int64)]
                search, nearest = timed(
                    lambda: per_class_best(labels, qlabels, classes, hnsw_search))
                emit("hnswlib per class", "M=16 ef=%d k=1 per class, %d classes" % (
                    ef, len(classes)), build, search, None,
                    "approximate; every other label's index searched, best kept; build %.1f s"
                    % build, nearest=nearest)
        else:
            print("hnswlib per class\t%s\t\t\t" % skip, flush=True)


if __name__ == "__main__":
    main()
