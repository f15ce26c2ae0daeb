#!/usr/bin/env python3
"""bench/results-sensitivity.md from bench/sensitivity.sh's runs (standard library only).

  sensitivity_report.py OUT RESULTS_MD

OUT holds one directory per variant (its commit, its variant file: sources, then the settings
changed) with runs a-sN and e-sN. Per variant and seed the file gives the test figures of the
round best.json selected on validation, per variant the mean over seeds of each arm and of the gap
e - a. Variants from different commits are refused; unfinished runs are left out and counted.
The choice per arm uses seed 1's validation MAP@R only; a run not selected on validation is
refused.
"""
import json
import os
import statistics
import sys


def best(run):
    """(test Recall@1, test MAP@R, selected round, wall s, validation MAP@R) of a finished run
    (its .wall written by sensitivity.sh at the end), else None."""
    f = os.path.join(run, "best.json")
    if not os.path.exists(f) or not os.path.exists(run + ".wall"):
        return None
    b = json.load(open(f))
    if b.get("selected_on") != "validation":
        sys.exit(f"sensitivity_report: {f} was not selected on a validation split")
    wall = int(open(run + ".wall").read().split()[-1])
    return b["test"]["recall_at_1"], b["test"]["map_at_r"], b["round"], wall, b["map_at_r"]


def variants(out):
    found = []
    for name in sorted(os.listdir(out)):
        d = os.path.join(out, name)
        if not os.path.exists(os.path.join(d, "variant")):
            continue
        lines = open(os.path.join(d, "variant")).read().split("\n")
        commit = open(os.path.join(d, "commit")).read().strip()
        seeds = sorted({int(x.split("-s")[1]) for x in os.listdir(d)
                        if x[:2] in ("a-", "e-") and os.path.isdir(os.path.join(d, x))})
        runs = {(arm, s): best(os.path.join(d, f"{arm}-s{s}")) for arm in "ae" for s in seeds}
        found.append({"name": name, "sources": int(lines[0]), "settings": lines[1].strip(),
                      "commit": commit, "seeds": seeds, "runs": runs})
    return found


def mean(xs):
    return statistics.fmean(xs) if xs else float("nan")


def choose_on_validation(vs):
    """Each arm's variant chosen on seed 1's validation MAP@R among those on the ablation's
    10,000 sources (a change of margin is a change of loss: each arm may prefer another), and
    the gap between the two choices' seed-1 test figures, the comparison that tunes neither arm
    against the other."""
    same = [v for v in vs if v["sources"] == 10000 and v["runs"].get(("a", 1))
            and v["runs"].get(("e", 1))]
    if not same:
        return []
    pick = {arm: max(same, key=lambda v: v["runs"][(arm, 1)][4]) for arm in "ae"}
    test = {arm: v["runs"][(arm, 1)] for arm, v in pick.items()}
    return [
        "",
        "Chosen per arm on seed 1's validation MAP@R among the 10,000-source variants: (a) "
        f"{pick['a']['name']} (validation {pick['a']['runs'][('a', 1)][4]:.4f}), (e) "
        f"{pick['e']['name']} (validation {pick['e']['runs'][('e', 1)][4]:.4f}). Their seed-1 "
        f"test figures: (a) {test['a'][0]:.4f} / {test['a'][1]:.4f}, (e) "
        f"{test['e'][0]:.4f} / {test['e'][1]:.4f}: e − a "
        f"**{test['e'][0] - test['a'][0]:+.4f}** Recall@1, {test['e'][1] - test['a'][1]:+.4f} "
        "MAP@R.",
    ]


def main(out, results):
    vs = variants(out)
    if not vs:
        sys.exit(f"sensitivity_report: no variant under {out}")
    commits = {v["commit"] for v in vs}
    if len(commits) != 1:
        sys.exit("sensitivity_report: variants from different commits: " + ", ".join(sorted(commits)))
    prov = os.path.join(out, "provenance")
    header = open(prov).read().strip() if os.path.exists(prov) else "(no provenance line)"
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
        f"MAP@R. All variants ran at commit `{commits.pop()}`.",
        "",
        "| variant | training sources | changed | seeds | (a) Recall@1 | (e) Recall@1 | e − a Recall@1 "
        "| (a) MAP@R | (e) MAP@R | e − a MAP@R |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    detail = ["", "Per seed (test Recall@1 / MAP@R, selected round, wall time s; the validation "
              "MAP@R of the selected round):", "",
              "| variant | seed | (a) | (e) | e − a Recall@1 | validation MAP@R (a) / (e) |",
              "|---|---|---|---|---|---|"]
    missing = 0
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
            detail.append(
                f"| {v['name']} | {s} | {a[0]:.4f} / {a[1]:.4f}, r{a[2]}, {a[3]} s | "
                f"{e[0]:.4f} / {e[1]:.4f}, r{e[2]}, {e[3]} s | {e[0] - a[0]:+.4f} | "
                f"{a[4]:.4f} / {e[4]:.4f} |")
    detail += choose_on_validation(vs)
    if missing:
        detail += ["", f"{missing} run(s) unfinished, left out."]
    tmp = results + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines + detail) + "\n")
    os.replace(tmp, results)
    print(f"sensitivity_report: wrote {results}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
