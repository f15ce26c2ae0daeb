#!/usr/bin/env bash
# Masked search kernel vs the GEMM it runs on, same tiles, one JVM per case, one run (target:
# the kernel within 1.5x of the GEMM time).   bench/kernel.sh [N=30000] [REPS=6]
# Three cases: the semi-hard bound at 1.0 (few pairs inside it), at 1.45 (most pairs inside it, as
# in a first round), and 1.45 again with the counted band off (-Dhardneg.knn.noBand=true: every
# admissible pair inside the bound visited one at a time, the kernel before the band).
# Writes the tables to stdout and to bench/results-kernel.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp="$(bench/classpath.sh)"
out=bench/results-kernel.md
n="${1:-30000}"
reps="${2:-6}"
run() { # TITLE BOUND [JVM OPTS...]
  local title="$1" bound="$2"
  shift 2
  echo "## $title"
  echo
  # shellcheck disable=SC2046
  java -Xmx6g $(cat deploy/bin/jvm-flags) "$@" \
    -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE:-$HOME/.javacpp/cache}" \
    -cp "$cp" io.hardneg.spark.bench.KernelBench "$n" "$reps" "$bound" | grep '^|'
  echo
}
{
  echo "# Kernel benchmark"
  echo
  bench/provenance.sh "${OMP_NUM_THREADS:+OMP_NUM_THREADS=$OMP_NUM_THREADS }bench/kernel.sh${*:+ $*}"
  echo
  cat <<'TXT'
`OMP_NUM_THREADS` as set (ND4J uses every core otherwise), JVM with `deploy/bin/jvm-flags`
(vector API on). N random unit vectors (`KernelBench`, seed 1), dim 64, 10 labels, all pairs,
two heaps per query (hardest negatives, nearest beyond a bound), k = 5. "tiled GEMM" =
`Nd4j.gemm` of the kernel's own 1024 × 4096 tiles into reused buffers; "square mmul" = a 2048³
product (the machine's rate when the output write is not the bottleneck); "kernel, 1 call" =
`MaskedKnn.search` of all N queries on one thread; "kernel, P tasks" = P concurrent calls on 1/P of
the queries each, as Spark's P task slots run the kernel (P = the cores). Ratios = kernel ÷ tiled
GEMM time of the same rep. Rep 0 includes JIT warm-up.

Random unit pairs in 64 dimensions lie about 1.41 apart. With the bound at 1.0 few admissible
pairs fall inside it; at 1.45 most do, which is what a first round looks like (an untrained
embedding puts most negatives closer than the positive). Those pairs only count towards the
semi-hard rank offset: the kernel counts them a vector of scores at a time (`LabelCodes`,
`ScoreScan.withBand`). The third table is the same case with that band switched off.

TXT
  run "Bound 1.0" 1.0
  run "Bound 1.45" 1.45
  run "Bound 1.45, counted band off" 1.45 -Dhardneg.knn.noBand=true
} | tee "$out.tmp"
mv "$out.tmp" "$out"
