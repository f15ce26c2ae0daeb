#!/usr/bin/env python3
"""PyTorch side of the training-throughput table (bench/run.sh): the same networks as
hardneg's EmbeddingNetworks (MLP 784-256-128-64; CNN conv5x5x32-pool-conv5x5x64-pool-fc128-fc64,
no padding), L2-normalised output, triplet margin loss (Euclidean, margin 0.2) on 128 triplets =
384 random rows, Adam(1e-3); times forward + backward + step (the median of 5 windows of STEPS
steps). One TSV row per architecture:
arch, rows per second, ms per step, steps, torch threads.
   peers_torch.py THREADS [STEPS=30] [WARMUP=5] [mlp,cnn]
"""
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    print("torch\tnot installed")
    sys.exit(0)


def net(arch):
    if arch == "cnn":
        return nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)),
            nn.Conv2d(1, 32, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(32, 64, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Flatten(), nn.Linear(64 * 4 * 4, 128), nn.ReLU(), nn.Linear(128, 64))
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 64))


WINDOWS = 5


def main():
    threads = int(sys.argv[1])
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    archs = (sys.argv[4] if len(sys.argv) > 4 else "mlp,cnn").split(",")
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    x = torch.randn(384, 784)
    loss_fn = nn.TripletMarginLoss(margin=0.2, p=2)
    for arch in archs:
        m = net(arch)
        opt = torch.optim.Adam(m.parameters(), lr=1e-3)

        def step():
            opt.zero_grad(set_to_none=True)
            e = F.normalize(m(x), dim=1).view(128, 3, 64)
            loss = loss_fn(e[:, 0], e[:, 1], e[:, 2])
            loss.backward()
            opt.step()

        for _ in range(warmup):
            step()
        # the median of WINDOWS windows of `steps` steps, as TrainStepBench times hardneg's step
        windows = []
        for _ in range(WINDOWS):
            t = time.perf_counter()
            for _ in range(steps):
                step()
            windows.append(time.perf_counter() - t)
        secs = sorted(windows)[WINDOWS // 2]
        print("%s\t%.1f\t%.2f\t%d\t%d" % (arch, 384 * steps / secs, 1000 * secs / steps, steps,
                                          torch.get_num_threads()), flush=True)


if __name__ == "__main__":
    main()
