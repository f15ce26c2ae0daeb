#!/usr/bin/env python3
"""bench/results-sensitivity.md from bench/sensitivity.sh's runs (standard library only).

  sensitivity_report.py OUT RESULTS_MD

OUT holds one directory per variant (its commit, its variant file: sources, then the settings
changed) with runs a-sN and e-sN, and where `sensitivity.sh retest` ran, each run's selected model
evaluated on all 10,000 test sources (a-sN.test10000/evaluation.json). Per variant and seed the
file gives the test figures of the round best.json selected on validation, per variant the mean
over seeds of each arm and of the gap e - a, on the 2,000 test sources the runs evaluated and on
the full 10,000. Runs and retests from commits whose code that trains and evaluates differs
(bench/provenance.sh --same-code) are refused; unfinished runs are left out and counted. The
choice per arm uses seed 1's validation MAP@R only; a run not selected on validation is refused.
"""
import json
import os
import re
import statistics
import subprocess
import sys

import same_code

FULL = 10000  # test sources of the retest (sensitivity.sh's full_test_n)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def best(run):
    """(test Recall@1, test MAP@R, selected round, wall s, validation MAP@R, full) of a finished
    run (its .wall written by sensitivity.sh at the end), else None; full is (Recall@1, MAP@R) on
    all FULL test sources where the retest ran, else None."""
    f = os.path.join(run, "best.json")
    if not os.path.exists(f) or not os.path.exists(run + ".wall"):
        return None
    b = json.load(open(f))
    if b.get("selected_on") != "validation":
        sys.exit(f"sensitivity_report: {f} was not selected on a validation split")
    wall = int(open(run + ".wall").read().split()[-1])
    full = None
    ev = f"{run}.test{FULL}/evaluation.json"
    if os.path.exists(ev):
        m = json.load(open(ev))
        # the very model best.json selected (a run done again may select the same round's name)
        if not m["model"].endswith(os.sep + os.path.join(os.path.basename(run), b["model"])) \
                or m.get("model_hash") != b.get("model_hash"):
            sys.exit(f"sensitivity_report: {ev} evaluated {m['model']} ({m.get('model_hash')}), "
                     f"not {run}/{b['model']} ({b.get('model_hash')})")
        if m["queries"] != 4 * FULL:
            sys.exit(f"sensitivity_report: {ev} has {m['queries']} queries, not the views of "
                     f"{FULL:,} test sources")
        if not os.path.exists(f"{run}.test{FULL}.commit"):
            sys.exit(f"sensitivity_report: {ev} has no {run}.test{FULL}.commit (an interrupted "
                     "retest; run bench/sensitivity.sh retest)")
        full = (m["recall_at_1"], m["map_at_r"])
    return b["test"]["recall_at_1"], b["test"]["map_at_r"], b["round"], wall, b["map_at_r"], full


def same_settings(d, names):
    """A variant continued on a later commit must train as it began: every finished run's
    settings (run.json's config) agree but for the seed, the arm's composition and the output."""
    vary = {"seed", "train.pk.compose", "output"}
    seen = {}
    for n in names:
        cfg = json.load(open(os.path.join(d, n, "run.json")))["config"]
        seen[n] = {k: v for k, v in cfg.items() if k not in vary}
    for n, cfg in seen.items():
        first = next(iter(seen.items()))
        if cfg != first[1]:
            diff = sorted(k for k in set(cfg) | set(first[1]) if cfg.get(k) != first[1].get(k))
            sys.exit(f"sensitivity_report: {d}: {n} and {first[0]} differ in {', '.join(diff)}")


def commits_of(d):
    """Every commit a variant's runs and retests were made at."""
    found = {open(os.path.join(d, "commit")).read().strip()}
    for x in os.listdir(d):
        if x.endswith(".commit"):
            found.add(open(os.path.join(d, x)).read().strip())
    return found


def variants(out):
    found = []
    # by the variant's number (10 after 9)
    for name in sorted(os.listdir(out), key=lambda n: (int(n.split("-")[0]) if n.split("-")[0]
                                                        .isdigit() else 1 << 30, n)):
        d = os.path.join(out, name)
        if not os.path.exists(os.path.join(d, "variant")):
            continue
        lines = open(os.path.join(d, "variant")).read().split("\n")
        commit = commits_of(d)
        seeds = sorted({int(x.split("-s")[1]) for x in os.listdir(d)
                        if re.fullmatch(r"[ae]-s[0-9]+", x) and os.path.isdir(os.path.join(d, x))})
        runs = {(arm, s): best(os.path.join(d, f"{arm}-s{s}")) for arm in "ae" for s in seeds}
        same_settings(d, [f"{arm}-s{s}" for arm in "ae" for s in seeds if runs[(arm, s)]])
        found.append({"name": name, "sources": int(lines[0]), "settings": lines[1].strip(),
                      "commit": commit, "seeds": seeds, "runs": runs})
    return found


def mean(xs):
    return statistics.fmean(xs) if xs else float("nan")


def choose_on_validation(vs):
    """Per number of training sources with more than one variant: each arm's variant chosen on
    seed 1's validation MAP@R (a change of margin is a change of loss: each arm may prefer
    another), and the gap between the two choices' test figures over the seeds both chosen runs
    have (paired by seed), the comparison that tunes neither arm against the other."""
    lines = []
    for n in sorted({v["sources"] for v in vs}):
        same = [v for v in vs if v["sources"] == n and v["runs"].get(("a", 1))
                and v["runs"].get(("e", 1))]
        if len(same) < 2:
            continue
        pick = {arm: max(same, key=lambda v: v["runs"][(arm, 1)][4]) for arm in "ae"}
        seeds = [s for s in sorted(set(pick["a"]["seeds"]) & set(pick["e"]["seeds"]))
                 if pick["a"]["runs"].get(("a", s)) and pick["e"]["runs"].get(("e", s))]
        # per seed: (test Recall@1, MAP@R) on the 2,000 test classes, and on all FULL (or None)
        runs = {arm: [((r[0], r[1]), r[5]) for r in
                      (pick[arm]["runs"][(arm, s)] for s in seeds)] for arm in "ae"}

        def figures(k, label):
            ta = [r[k] for r in runs["a"]]
            te = [r[k] for r in runs["e"]]
            if any(x is None for x in ta + te):
                return ""
            g1 = [e[0] - a[0] for a, e in zip(ta, te)]
            gm = [e[1] - a[1] for a, e in zip(ta, te)]
            rng = f" ({min(g1):+.4f} to {max(g1):+.4f})" if len(g1) > 1 else ""
            return (f" {label}: (a) {mean([t[0] for t in ta]):.4f} / {mean([t[1] for t in ta]):.4f}, "
                    f"(e) {mean([t[0] for t in te]):.4f} / {mean([t[1] for t in te]):.4f}: e − a "
                    f"**{mean(g1):+.4f}**{rng} Recall@1, {mean(gm):+.4f} MAP@R.")

        lines += [
            "",
            f"Chosen per arm on seed 1's validation MAP@R among the {n:,}-source variants: (a) "
            f"{pick['a']['name']} (validation {pick['a']['runs'][('a', 1)][4]:.4f}), (e) "
            f"{pick['e']['name']} (validation {pick['e']['runs'][('e', 1)][4]:.4f}). Their test "
            f"figures (Recall@1 / MAP@R), mean over seed{'s' if len(seeds) > 1 else ''} "
            f"{','.join(map(str, seeds))}:" + figures(0, "On the 2,000 test classes")
            + figures(1, f"On all {FULL:,}"),
        ]
    return lines


def main(out, results):
    vs = variants(out)
    if not vs:
        sys.exit(f"sensitivity_report: no variant under {out}")
    # oldest first (the commit's time; an unknown commit sorts last)
    commits = sorted(set().union(*(v["commit"] for v in vs)), key=lambda c: subprocess.run(
        ["git", "-C", ROOT, "show", "-s", "--format=%ct", c.removesuffix("-dirty")],
        capture_output=True, text=True).stdout.strip() or "9999999999")
    dirty = [c for c in commits if c.endswith("-dirty")]
    if dirty:
        sys.exit(f"sensitivity_report: runs made with uncommitted changes ({dirty[0]}); rerun them "
                 "on a commit")
    # and the code assembling them: a figure in the file is one the current code gives
    head = same_code.head_with_same_code("sensitivity_report", commits, "the variants' runs")
    where = (f"All variants ran at commit `{commits[0]}`." if len(commits) == 1 else
             "Runs and retests were made at commits " + ", ".join(f"`{c}`" for c in commits)
             + ", which hold the same code that trains and evaluates (`bench/provenance.sh "
             "--same-code`); each run's commit is in its `.commit` file.")
    where += f" Assembled at commit `{head}`, the same code again."
    prov = os.path.join(out, "provenance")
    # one line per commit the set was started or continued on, each its own paragraph
    header = (open(prov).read().strip().replace("\n", "\n\n") if os.path.exists(prov)
              else "(no provenance line)")
    lines = [
        "# What moves the global-mining gain (many-class task, MLP)",
        "",
        header,
        "",
        "Arms (a) `train.pk.compose=random` and (e) `train.pk.compose=neighbourhoods` of "
        "`bench/ablation.sh manyclass-mlp` (conf/fmnist.conf, Parquet views from `hardneg views "
        "--views 4 --seed 42`, validation by class, `mining.quota.perLabel=1`, P = 32 x K = 4, "
        "3 epochs a round, 3 rounds; test: views of the first 2,000 test images), each variant "
        "changing one thing. Figures: the test set at the round best.json selected on validation "
        f"MAP@R. {where}",
        "",
        "| variant | training sources | changed | seeds | (a) Recall@1 | (e) Recall@1 | e − a Recall@1 "
        "| (a) MAP@R | (e) MAP@R | e − a MAP@R |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    detail = ["", "Per seed (test Recall@1 / MAP@R, selected round, wall time s; the validation "
              "MAP@R of the selected round):", "",
              "| variant | seed | (a) | (e) | e − a Recall@1 | validation MAP@R (a) / (e) "
              f"| Recall@1 on {FULL:,} test sources (a) / (e) |",
              "|---|---|---|---|---|---|---|"]
    full = ["", f"The same selected models on the views of all {FULL:,} test images ({FULL:,} classes never "
            "trained on, the task issue 15 defines; `bench/sensitivity.sh retest`, `hardneg evaluate`): "
            "each query's three near duplicates hide among 39,996 other items instead of 7,996. The "
            "selected rounds are those above; the seeds, those listed.", "",
            "| variant | training sources | seeds | (a) Recall@1 | (e) Recall@1 | e − a Recall@1 "
            "| (a) MAP@R | (e) MAP@R | e − a MAP@R |",
            "|---|---|---|---|---|---|---|---|---|"]
    full_head = len(full)
    missing = untested = 0
    for v in vs:
        pairs = [(v["runs"][("a", s)], v["runs"][("e", s)], s) for s in v["seeds"]]
        missing += sum(x is None for p in pairs for x in p[:2])
        done = [(a, e, s) for a, e, s in pairs if a and e]
        if not done:
            continue
        r = lambda i, k: mean([p[i][k] for p in done])  # noqa: E731
        gap1 = [e[0] - a[0] for a, e, _ in done]
        gapm = [e[1] - a[1] for a, e, _ in done]
        rng = f" ({min(gap1):+.4f} to {max(gap1):+.4f})" if len(done) > 1 else ""
        lines.append(
            f"| {v['name']} | {v['sources']:,} | {v['settings'] or ('(the ablation)' if v['sources'] == 10000 else 'the sources only')} | "
            f"{','.join(str(s) for _, _, s in done)} | {r(0, 0):.4f} | {r(1, 0):.4f} | "
            f"**{mean(gap1):+.4f}**{rng} | {r(0, 1):.4f} | {r(1, 1):.4f} | {mean(gapm):+.4f} |")
        for a, e, s in done:
            fa = f"{a[5][0]:.4f} / {e[5][0]:.4f}" if a[5] and e[5] else "—"
            detail.append(
                f"| {v['name']} | {s} | {a[0]:.4f} / {a[1]:.4f}, r{a[2]}, {a[3]} s | "
                f"{e[0]:.4f} / {e[1]:.4f}, r{e[2]}, {e[3]} s | {e[0] - a[0]:+.4f} | "
                f"{a[4]:.4f} / {e[4]:.4f} | {fa} |")
        both = [(a[5], e[5], s) for a, e, s in done if a[5] and e[5]]
        untested += sum(x[5] is None for a, e, _ in done for x in (a, e))
        if both:
            f1 = [e[0] - a[0] for a, e, _ in both]
            fm = [e[1] - a[1] for a, e, _ in both]
            fr = f" ({min(f1):+.4f} to {max(f1):+.4f})" if len(both) > 1 else ""
            q = lambda i, k: mean([p[i][k] for p in both])  # noqa: E731
            full.append(
                f"| {v['name']} | {v['sources']:,} | {','.join(str(s) for _, _, s in both)} | "
                f"{q(0, 0):.4f} | {q(1, 0):.4f} | **{mean(f1):+.4f}**{fr} | {q(0, 1):.4f} | "
                f"{q(1, 1):.4f} | {mean(fm):+.4f} |")
    detail += choose_on_validation(vs)
    if missing:
        detail += ["", f"{missing} run(s) unfinished, left out."]
    if len(full) == full_head:
        full = []
    elif untested:
        full += ["", f"{untested} finished run(s) not yet retested, left out of this table."]
    tmp = results + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines + full + detail) + "\n")
    os.replace(tmp, results)
    print(f"sensitivity_report: wrote {results}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
