#!/usr/bin/env bash
# One markdown line saying where a results file's figures come from: the commit (and whether
# the work tree had uncommitted changes), the machine (CPU model, cores, memory), the JVM, the
# date (UTC) and the load average. Every bench script that writes a results file starts it
# with this line, so a figure can be traced to the code and the machine that made it.
#   bench/provenance.sh "COMMAND AS RUN"
#   bench/provenance.sh --clean     exit 0 when the code is committed, 1 when it has changes (the
#                                   one check run.sh and ablation.sh use to flag their commit too)
#   bench/provenance.sh --same-code C1 C2
#                                   exit 0 when commits C1 and C2 hold the same code that trains
#                                   and evaluates (miner-core's and spark-job's main sources, conf/,
#                                   deploy/bin/hardneg and jvm-flags, the POMs), so runs made at
#                                   either give the same figures; 1 when they differ (or either is
#                                   C-dirty, a commit with uncommitted changes), 2 when either is
#                                   not a commit of this repository
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# results files a bench run rewrites, and any other Markdown (docs edited while a long run goes on),
# do not count as changed code
clean() {
  git -C "$root" diff --quiet HEAD -- "$root" ':(exclude)*.md' 2>/dev/null
}
# what a figure depends on besides the settings a bench script passes (which its results record)
code_paths=(miner-core/src/main spark-job/src/main conf deploy/bin/hardneg deploy/bin/jvm-flags
  pom.xml miner-core/pom.xml spark-job/pom.xml)
if [[ "${1:-}" == --same-code ]]; then
  (($# == 3)) || { echo "usage: bench/provenance.sh --same-code C1 C2" >&2; exit 2; }
  for c in "$2" "$3"; do
    # a commit with uncommitted changes (bench scripts record it as C-dirty) is never the same
    # code, not even as itself: what it held is not known
    if [[ "$c" == *-dirty ]]; then
      echo "provenance.sh: $c had uncommitted changes: not the same code as any commit" >&2
      exit 1
    fi
    git -C "$root" cat-file -e "$c^{commit}" 2>/dev/null \
      || { echo "provenance.sh: no commit $c in this repository" >&2; exit 2; }
  done
  git -C "$root" diff --quiet "$2" "$3" -- "${code_paths[@]}"
  exit
fi
if [[ "${1:-}" == --clean ]]; then
  clean
  exit
fi
cmd="${1:-}"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'no git')"
clean || commit="$commit (with uncommitted changes)"
cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | xargs || true)"
mem="$(awk '/^MemTotal:/{printf "%d", $2 / 1048576}' /proc/meminfo 2>/dev/null || true)"
java="$(java -version 2>&1 | head -n 1)"
load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)"
# OpenBLAS (inside ND4J) picks its kernels per CPU unless OPENBLAS_CORETYPE names them, and the
# kernels change the last bits of training, so the figures depend on it
blas="OPENBLAS_CORETYPE ${OPENBLAS_CORETYPE:-unset}"
# so do ND4J's threads per op; unset, deploy/bin/hardneg shares the cores out over local[N]'s slots
blas="$blas, OMP_NUM_THREADS ${OMP_NUM_THREADS:-unset (deploy/bin/hardneg: cores / task slots)}"
printf 'Made by `%s` at commit `%s` on %s, %s cores, %s GiB, %s, %s; %s; load average %s (1/5/15 min) at the start.\n' \
  "$cmd" "$commit" "${cpu:-unknown CPU}" "$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)" "${mem:-?}" "$java" "$blas" \
  "$(date -u +%Y-%m-%dT%H:%MZ)" "${load:-unknown}"
