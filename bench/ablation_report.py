#!/usr/bin/env python3
"""Helpers of bench/ablation.sh (standard library only).

  idx-head IMAGES LABELS N PREFIX   the first N items of an IDX pair -> PREFIX-images.gz, -labels.gz
  best-arm PART_DIR                 the best of arms b-e (seed 1) by best.json's MAP@R (validation)
  part PART_DIR NAME COMMIT SIZES BEST ARGS_A ... ARGS_E  writes PART_DIR/part.json (with each
                                    run's retest on ABLATION_FULL_TEST test sources, when set)
  torch-part PART_DIR COMMIT SIZES  PART_DIR/part.json from the PyTorch loop's torch-ARCH.tsv
  assemble OUT RESULTS_MD           bench/results-ablation.md from OUT/*/part.json (the parts'
                                    commits and the assembling one all hold the same code)
"""
import datetime
import gzip
import json
import os
import platform
import re
import statistics
import struct
import sys

import same_code

PARTS = ["fmnist-mlp", "fmnist-cnn", "manyclass-mlp", "manyclass-cnn", "manyclass-torch"]
ARMS = {
    "a": "(a) in-batch only: random PK batches",
    "b": "(b) PK batches of mined class confusions",
    "c": "(c) globally mined negatives in the batch (mined)",
    "d": "(d) mined triplets (triplets)",
    "e": "(e) PK batches as neighbourhoods of the mined confusion graph",
}


def idx_head(images, labels, n, prefix):
    n = int(n)
    with gzip.open(images, "rb") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        if n > count:
            sys.exit(f"ablation: {images} has {count} images, {n} asked for")
        data = f.read(n * rows * cols)
    with gzip.open(prefix + "-images.gz", "wb") as f:
        f.write(struct.pack(">IIII", magic, n, rows, cols) + data)
    with gzip.open(labels, "rb") as f:
        magic, count = struct.unpack(">II", f.read(8))
        data = f.read(n)
    with gzip.open(prefix + "-labels.gz", "wb") as f:
        f.write(struct.pack(">II", magic, n) + data)


def load_full(path, best, full_n):
    """The retest of the run's selected model on the first full_n test sources (bench/retest.sh),
    or None when there is none (or it was interrupted before its commit line)."""
    ev = f"{path}.test{full_n}/evaluation.json"
    if not full_n or not os.path.exists(ev) or not os.path.exists(f"{path}.test{full_n}.commit"):
        return None
    m = json.load(open(ev))
    # the very model best.json selected (a run done again may select the same round's name)
    if not m["model"].endswith(os.sep + os.path.join(os.path.basename(path), best["model"])) \
            or m.get("model_hash") != best.get("model_hash"):
        sys.exit(f"ablation: {ev} evaluated {m['model']} ({m.get('model_hash')}), not "
                 f"{path}/{best['model']} ({best.get('model_hash')})")
    if m["queries"] != 4 * int(full_n):
        sys.exit(f"ablation: {ev} has {m['queries']} queries, not the views of {full_n} sources")
    return {k: m[k] for k in ("recall_at_1", "map_at_r", "r_precision", "queries")}


def load_run(path, full_n=None):
    """Per-round metrics, best.json, wall time and the selected model's retest on all full_n test
    sources (many-class parts) of one run directory (None if unfinished)."""
    if not os.path.exists(os.path.join(path, "best.json")):
        return None
    rounds = []
    for d in sorted(x for x in os.listdir(path) if x.startswith("round-")):
        f = os.path.join(path, d, "metrics.json")
        if os.path.exists(os.path.join(path, d, "_SUCCESS")) and os.path.exists(f):
            m = json.load(open(f))
            v = m.get("validation") or {}
            t = m.get("timings") or {}
            rounds.append({
                "round": m["round"],
                "train_rows": m.get("train_rows"),
                "learning_rate": m.get("learning_rate"),
                "val_recall_at_1": v.get("recall_at_1"),
                "val_map_at_r": v.get("map_at_r"),
                "recall_at_1": m.get("recall_at_1"),
                "map_at_r": m.get("map_at_r"),
                "r_precision": m.get("r_precision"),
                "mine_s": t.get("mine_s"),
                "train_s": t.get("train_s"),
                "round_s": t.get("round_s"),
            })
    wall = 0
    if os.path.exists(path + ".wall"):
        wall = sum(int(x) for x in open(path + ".wall").read().split())
    best = json.load(open(os.path.join(path, "best.json")))
    return {"rounds": rounds, "best": best, "wall_s": wall, "full": load_full(path, best, full_n)}


def best_arm(part_dir):
    scores = {}
    for arm in "bcde":
        r = load_run(os.path.join(part_dir, f"{arm}-s1"))
        if r is None:
            sys.exit(f"ablation: {part_dir}/{arm}-s1 has not finished")
        scores[arm] = r["best"]["map_at_r"]
    print(max(sorted(scores), key=lambda a: scores[a]))


def machine():
    model, cores = "unknown CPU", 0
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name") and model == "unknown CPU":
                model = line.split(":", 1)[1].strip()
            if line.startswith("processor"):
                cores += 1
    except OSError:
        pass
    return f"{model}, {cores or os.cpu_count()} cores ({platform.system()})"


def part_commits(part_dir, commit):
    """Every commit the part ran on (ablation.sh appends each to PART_DIR/commit), oldest first."""
    f = os.path.join(part_dir, "commit")
    found = open(f).read().split() if os.path.exists(f) else []
    return found + [commit] if commit not in found else found


def same_code_check(parts):
    """The commits the parts ran on, after checking that each holds the same code that trains
    and evaluates as the first and as the commit assembling them (bench/provenance.sh
    --same-code: a figure in the file is one the current code gives); exits otherwise."""
    commits = []
    for p in parts:
        for c in p.get("commits", [p["commit"]]):
            if c not in commits:
                commits.append(c)
    head = same_code.head_with_same_code("ablation", commits, ", ".join(
        f"{p['part']} {' '.join(p.get('commits', [p['commit']]))}" for p in parts))
    return commits, head


def part(part_dir, name, commit, sizes, best, *arm_args):
    # ablation.sh sets it for the many-class parts: their runs' retest size
    full_n = int(os.environ.get("ABLATION_FULL_TEST") or 0) or None
    runs = {}
    for d in sorted(os.listdir(part_dir)):
        m = re.fullmatch(r"([a-e])-s(\d+)", d)
        if m and os.path.isdir(os.path.join(part_dir, d)):
            r = load_run(os.path.join(part_dir, d), full_n)
            if r is not None:
                runs.setdefault(m.group(1), {})[m.group(2)] = r
    out = {
        "part": name, "commit": commit, "commits": part_commits(part_dir, commit),
        "machine": machine(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "sizes": sizes, "best_arm": best, "full_test_n": full_n,
        "arm_settings": dict(zip("abcde", arm_args)), "runs": runs,
    }
    with open(os.path.join(part_dir, "part.json"), "w") as f:
        json.dump(out, f, indent=1)


def torch_part(part_dir, commit, sizes):
    runs = {}
    for net in ("mlp", "cnn"):
        f = os.path.join(part_dir, f"torch-{net}.tsv")
        if os.path.exists(f):
            rows = [line.split("\t") for line in open(f).read().split("\n") if line.strip()]
            if rows and rows[0][0] == "torch":
                sys.exit(f"ablation: {f}: torch is not installed for that python")
            runs[net] = [{"epoch": int(r[1]), "elapsed_s": float(r[2]),
                          "recall_at_1": float(r[3]), "map_at_r": float(r[4])} for r in rows]
    out = {
        "part": "manyclass-torch", "commit": commit, "commits": part_commits(part_dir, commit),
        "machine": machine(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "sizes": sizes, "runs": runs,
    }
    with open(os.path.join(part_dir, "part.json"), "w") as f:
        json.dump(out, f, indent=1)


def torch_section(p, parts):
    """The PyTorch loop per epoch, and each hardneg arm (seed 1) against it at equal wall time."""
    lines = ["## manyclass-torch: the PyTorch in-batch loop on the many-class task", "",
             p["sizes"] + ". Elapsed time is training plus the per-epoch evaluations, from the "
             "first step (Python start and data loading excluded); hardneg's wall time is the "
             "whole `hardneg train` run (JVM and Spark start, baselines, every round's MINE and "
             "evaluations). The loop trains on every training class; hardneg holds 10% of them "
             "out for validation.", ""]
    for net, rows in p["runs"].items():
        lines += [f"PyTorch {net}, per epoch:", "",
                  "| epoch | elapsed s | test Recall@1 | test MAP@R |", "|---|---|---|---|"]
        lines += [f"| {r['epoch']} | {r['elapsed_s']:.1f} | {f4(r['recall_at_1'])} | "
                  f"{f4(r['map_at_r'])} |" for r in rows]
        hn = next((q for q in parts if q["part"] == f"manyclass-{net}"), None)
        if hn:
            lines += ["", f"At equal wall time (hardneg `manyclass-{net}`, seed 1, the round "
                      "selected on validation; PyTorch's last epoch within that time):", "",
                      "| hardneg arm | wall s | test Recall@1 | test MAP@R | PyTorch epoch | "
                      "elapsed s | test Recall@1 | test MAP@R |", "|---|---|---|---|---|---|---|---|"]
            for arm in ARMS:
                r = hn["runs"].get(arm, {}).get("1")
                if not r:
                    continue
                within = [t for t in rows if t["elapsed_s"] <= r["wall_s"]]
                t = within[-1] if within else None
                lines.append(
                    f"| {ARMS[arm]} | {r['wall_s']} | {f4(r['best']['test']['recall_at_1'])} | "
                    f"{f4(r['best']['test']['map_at_r'])} | "
                    + (f"{t['epoch']} | {t['elapsed_s']:.1f} | {f4(t['recall_at_1'])} | "
                       f"{f4(t['map_at_r'])} |" if t else "– | – | – | – |"))
        lines.append("")
    return lines


def f4(x):
    return "–" if x is None else f"{x:.4f}"


def spread(xs):
    if not xs:
        return "–"
    return f"{statistics.mean(xs):.4f} ({min(xs):.4f}–{max(xs):.4f}, n={len(xs)})"


def gap_line(runs, best, figures, where):
    """The best arm's gap over (a) per seed both ran (figures(run) gives the metrics), as a
    paragraph; nothing when they share no seed."""
    a, b = runs.get("a", {}), runs.get(best, {})
    pairs = [(a[s], b[s]) for s in sorted(set(a) & set(b))
             if a[s] and b[s] and figures(a[s]) and figures(b[s])]
    if not pairs or best == "a":
        return []
    g1 = [figures(y)["recall_at_1"] - figures(x)["recall_at_1"] for x, y in pairs]
    gm = [figures(y)["map_at_r"] - figures(x)["map_at_r"] for x, y in pairs]
    rng = lambda g: f" ({min(g):+.4f} to {max(g):+.4f})" if len(g) > 1 else ""  # noqa: E731
    return ["", f"({best}) − (a) on the {where}, {len(pairs)} seed(s) both ran: Recall@1 "
            f"**{statistics.mean(g1):+.4f}**{rng(g1)}, MAP@R {statistics.mean(gm):+.4f}{rng(gm)}."]


def full_table(p):
    """The many-class part's selected models retested on all full_test_n test sources."""
    n = p["full_test_n"]
    lines = ["", f"The same selected models on the views of the first {n:,} test images ({n:,} "
             "classes never trained on; `bench/retest.sh`, `hardneg evaluate`); mean (range, n "
             "seeds):", "", "| arm | seeds | test Recall@1 | test MAP@R | test R-Precision |",
             "|---|---|---|---|---|"]
    missing = 0
    for arm in ARMS:
        rs = [r for r in p["runs"].get(arm, {}).values()]
        missing += sum(r.get("full") is None for r in rs)
        full = [r["full"] for r in rs if r.get("full")]
        if full:
            lines.append(f"| {ARMS[arm]} | {len(full)} | "
                         f"{spread([f['recall_at_1'] for f in full])} | "
                         f"{spread([f['map_at_r'] for f in full])} | "
                         f"{spread([f['r_precision'] for f in full])} |")
    lines += gap_line(p["runs"], p["best_arm"], lambda r: r.get("full"), f"{n:,}-source figures")
    if missing:
        lines += ["", f"{missing} finished run(s) not retested (rerun the part), left out."]
    return lines


def assemble(out, results):
    parts = []
    for name in PARTS:
        f = os.path.join(out, name, "part.json")
        if os.path.exists(f):
            parts.append(json.load(open(f)))
    if not parts:
        sys.exit(f"ablation: no part.json under {out}; run bench/ablation.sh PART first")
    commits, head = same_code_check(parts)
    where = (f"Commit `{commits[0]}`" if len(commits) == 1 else
             "Commits " + ", ".join(f"`{c}`" for c in commits) + " (the same code that trains and "
             "evaluates: `bench/provenance.sh --same-code`)")
    machines = sorted({p["machine"] for p in parts})
    lines = [
        "# Batch-composition ablation",
        "",
        f"{where}, assembled at `{head}` (the same code); machine: {'; '.join(machines)}; assembled "
        f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d')}, parts run "
        + ", ".join(f"{p['part']} {p['date']}" for p in parts) + ".",
        "",
        "Written by `bench/ablation.sh assemble` from the parts `bench/ablation.sh PART` ran "
        "(arms, sizes and how rows fitted are kept equal: the script's header and "
        "docs/benchmarks.md). Test figures are those of the round `best.json` selects on the "
        "validation split's MAP@R; wall time is the whole `hardneg train` run (JVM start, "
        "baselines and every round's MINE included; arm (a) mines too, though it trains on "
        "random batches). Parts not run are absent.",
        "",
    ]
    for p in parts:
        if p["part"] == "manyclass-torch":
            lines += torch_section(p, parts)
            continue
        runs = p["runs"]
        lines += [f"## {p['part']}", "", p["sizes"] + ".", "",
                  "| arm | settings |", "|---|---|"]
        for arm in ARMS:
            lines.append(f"| {ARMS[arm]} | `{p['arm_settings'].get(arm, '')}` |")
        lines += ["", "Seed 1, per round (validation and test):", "",
                  "| arm | round | rows fitted | learning rate | val Recall@1 | val MAP@R | "
                  "test Recall@1 | test MAP@R | test R-Precision | MINE s | TRAIN s |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for arm in ARMS:
            r = runs.get(arm, {}).get("1")
            for rd in (r or {}).get("rounds", []):
                lr = rd["learning_rate"]
                lines.append(
                    f"| {arm} | {rd['round']} | {rd['train_rows']} | "
                    f"{'–' if lr is None else f'{lr:.2e}'} | {f4(rd['val_recall_at_1'])} | "
                    f"{f4(rd['val_map_at_r'])} | {f4(rd['recall_at_1'])} | {f4(rd['map_at_r'])} | "
                    f"{f4(rd['r_precision'])} | {rd['mine_s'] or 0:.0f} | {rd['train_s'] or 0:.0f} |")
        lines += ["", f"Selected round per seed (best of b–e on seed 1's validation MAP@R: "
                  f"**{p['best_arm']}**); mean (range, n seeds):", "",
                  "| arm | seeds | rows fitted | test Recall@1 | test MAP@R | test R-Precision | "
                  "wall time s |", "|---|---|---|---|---|---|---|"]
        for arm in ARMS:
            rs = list(runs.get(arm, {}).values())
            if not rs:
                continue
            tests = [r["best"]["test"] for r in rs]
            rows = sorted({sum(rd["train_rows"] or 0 for rd in r["rounds"]) for r in rs})
            lines.append(
                f"| {ARMS[arm]} | {len(rs)} | {', '.join(map(str, rows))} | "
                f"{spread([t['recall_at_1'] for t in tests])} | "
                f"{spread([t['map_at_r'] for t in tests])} | "
                f"{spread([t['r_precision'] for t in tests])} | "
                f"{statistics.mean(r['wall_s'] for r in rs):.0f} |")
        lines += gap_line(runs, p["best_arm"], lambda r: r["best"]["test"], "test figures above")
        if p.get("full_test_n"):
            lines += full_table(p)
        lines.append("")
    with open(results, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {results}")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"idx-head": idx_head, "best-arm": best_arm, "part": part, "torch-part": torch_part,
     "assemble": assemble}[cmd](*args)
