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
            for b in torch.randperm(len(xtr), generator=g).split(128):
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
