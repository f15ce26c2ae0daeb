"""The check both bench reports (ablation_report.py, sensitivity_report.py) make before they
assemble a results file from runs made over several commits (standard library only)."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROVENANCE = os.path.join(ROOT, "bench", "provenance.sh")


def head_with_same_code(who, commits, where):
    """The assembling commit (HEAD), after checking that the work tree is committed and that
    every commit in `commits` (oldest first) and HEAD hold the same code that trains and evaluates
    as the first (bench/provenance.sh --same-code, which refuses C-dirty): a figure in the file is
    then one the current code gives. Exits with `who`'s name and `where` (what ran at which
    commits) otherwise."""
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    if subprocess.run([PROVENANCE, "--clean"]).returncode:
        sys.exit(f"{who}: this work tree has uncommitted changes: assemble at a commit")
    for c in commits[1:] + [head]:
        rc = subprocess.run([PROVENANCE, "--same-code", commits[0], c]).returncode
        if rc != 0:
            what = f"the assembling commit {c}" if c == head and c not in commits else c
            sys.exit(f"{who}: runs at {commits[0]} and {what} ({where}) "
                     + ("hold different code" if rc == 1 else "are not both commits here")
                     + "; rerun them on one commit of the current code")
    return head
