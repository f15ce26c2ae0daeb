#!/usr/bin/env python3
"""End-to-end PyTorch reference for bench/run.sh (table 2, end to end): Recall@1 reached per minute
of wall time on Fashion-MNIST, the quality.sh protocol — train on the 60k training images, evaluate
on the 10k test images (query = reference = test set, self excluded, cosine on unit embeddings).
Network as peers_torch.py (the same layers as hardneg's EmbeddingNetworks), 64-d L2-normalised
output, Adam(1e-3), random batches of 128, triplet margin 0.2 (Euclidean) over every semi-hard
triplet in the batch (d(a,p) < d(a,n) < d(a,p) + margin), mean over the triplets with non-zero
loss — pytorch-metric-learning's TripletMarginMiner("semihard") + TripletMarginLoss with its
default reducer, written out because that package is not in Debian.
Prints one TSV row per evaluation: arch, epoch, elapsed s (training + evaluation so far, data
loading excluded), Recall@1, MAP@R.
   peers_torch_e2e.py THREADS FMNIST_DIR [EPOCHS=3] [mlp,cnn]
   peers_torch_e2e.py THREADS views:TRAIN_DIR:TEST_DIR [EPOCHS=3] [mlp,cnn]
The second form is the many-class task (`hardneg views --csv`: TRAIN_DIR/items-csv and
TEST_DIR/items-csv, one class per source image): with thousands of classes a random batch of 128
holds almost no positive pair, so batches are pytorch-metric-learning's MPerClassSampler recipe,
32 classes x 4 items (every class once per epoch, in a seeded order), the in-batch baseline the
ablation's arm (a) is. It trains on every training class (hardneg holds 10% of them out for
validation, so the loop sees 10% more data).
"""
import gzip
import os
import sys
import time

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError:
    print("torch\tnot installed")
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers_torch import net  # noqa: E402  the same layers as the step benchmark


def idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(d, split):
    x = idx(os.path.join(d, split + "-images-idx3-ubyte.gz"), 16).reshape(-1, 784)
    y = idx(os.path.join(d, split + "-labels-idx1-ubyte.gz"), 8)
    return torch.from_numpy(x.astype(np.float32) / 255.0), torch.from_numpy(y.astype(np.int64))


def load_views(d):
    """items-csv/ of `hardneg views --csv` (header id,label,p0..): features, labels."""
    parts = sorted(f for f in os.listdir(os.path.join(d, "items-csv")) if f.endswith(".csv"))
    rows = [np.loadtxt(os.path.join(d, "items-csv", f), delimiter=",", skiprows=1, ndmin=2,
                       dtype=np.float32) for f in parts]
    a = np.concatenate([r for r in rows if r.size])
    return torch.from_numpy(a[:, 2:].copy()), torch.from_numpy(a[:, 1].astype(np.int64))


def batches(y, views, g):
    """The epoch's minibatches: random ones of 128, or 32 classes x all their items (views)."""
    if not views:
        return torch.randperm(len(y), generator=g).split(128)
    classes, inverse = torch.unique(y, return_inverse=True)
    order = torch.argsort(inverse, stable=True)
    counts = torch.bincount(inverse)
    starts = torch.cumsum(counts, 0) - counts
    out = []
    for group in torch.randperm(len(classes), generator=g).split(32):
        out.append(torch.cat([order[starts[c]:starts[c] + counts[c]] for c in group.tolist()]))
    return out


def semi_hard_loss(e, y, margin=0.2):
    d = torch.cdist(e, e)
    same = y[:, None] == y[None, :]
    pos = same & ~torch.eye(len(y), dtype=torch.bool)
    neg = ~same
    dap = d[:, :, None]  # [a, p, 1]
    dan = d[:, None, :]  # [a, 1, n]
    mask = pos[:, :, None] & neg[:, None, :] & (dan > dap) & (dan < dap + margin)
    loss = F.relu(dap - dan + margin)[mask]
    nz = loss[loss > 0]
    return nz.mean() if len(nz) else loss.sum() * 0


def evaluate(m, x, y):
    with torch.no_grad():
        e = torch.cat([F.normalize(m(x[i:i + 1000]), dim=1) for i in range(0, len(x), 1000)])
    y = y.numpy()
    counts = np.bincount(y)
    hits, mapr = 0, 0.0
    for i in range(0, len(e), 1000):
        s = e[i:i + 1000] @ e.T
        s[torch.arange(s.shape[0]), torch.arange(i, i + s.shape[0])] = -2  # self excluded
        rmax = int(counts.max()) - 1
        top = torch.topk(s, rmax, dim=1).indices.numpy()
        for j, row in enumerate(top):
            q = y[i + j]
            r = counts[q] - 1
            rel = y[row[:r]] == q
            hits += rel[0]
            prec = np.cumsum(rel) / np.arange(1, r + 1)
            mapr += float((prec * rel).sum()) / r
    return hits / len(e), mapr / len(e)


def main():
    threads = int(sys.argv[1])
    d = sys.argv[2]
    epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    archs = (sys.argv[4] if len(sys.argv) > 4 else "mlp,cnn").split(",")
    torch.set_num_threads(threads)
    views = d.startswith("views:")
    if views:
        _, train_dir, test_dir = d.split(":", 2)
        xtr, ytr = load_views(train_dir)
        xte, yte = load_views(test_dir)
    else:
        xtr, ytr = load(d, "train")
        xte, yte = load(d, "t10k")
    for arch in archs:
        torch.manual_seed(42)
        m = net(arch)
        opt = torch.optim.Adam(m.parameters(), lr=1e-3)
        g = torch.Generator().manual_seed(42)
        t0 = time.perf_counter()
        for epoch in range(1, epochs + 1):
            m.train()
            for b in batches(ytr, views, g):
                opt.zero_grad(set_to_none=True)
                loss = semi_hard_loss(F.normalize(m(xtr[b]), dim=1), ytr[b])
                loss.backward()
                opt.step()
            m.eval()
            r1, mapr = evaluate(m, xte, yte)
            print("%s\t%d\t%.1f\t%.4f\t%.4f" % (arch, epoch, time.perf_counter() - t0, r1, mapr),
                  flush=True)


if __name__ == "__main__":
    main()
