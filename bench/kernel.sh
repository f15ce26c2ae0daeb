#!/usr/bin/env bash
# Masked search kernel vs the GEMM it runs on, same tiles, one JVM, one run (target:
# the kernel within 1.5x of the GEMM time).   bench/kernel.sh [N=30000] [REPS=6]
# Writes the table to stdout and to bench/results-kernel.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp="$(bench/classpath.sh)"
out=bench/results-kernel.md
{
  echo "# Kernel benchmark"
  echo
  bench/provenance.sh "${OMP_NUM_THREADS:+OMP_NUM_THREADS=$OMP_NUM_THREADS }bench/kernel.sh${*:+ $*}"
  echo
  cat <<'TXT'
`OMP_NUM_THREADS` as set (ND4J uses every core otherwise), JVM with `deploy/bin/jvm-flags`
(vector API on). N random unit vectors (`KernelBench`, seed 1), dim 64, 10 labels, all pairs,
two heaps per query (hardest negatives, nearest beyond a bound of 1.0), k = 5. "tiled GEMM" =
`Nd4j.gemm` of the kernel's own 1024 × 4096 tiles into reused buffers; "square mmul" = a 2048³
product (the machine's rate when the output write is not the bottleneck); "kernel, 1 call" =
`MaskedKnn.search` of all N queries on one thread; "kernel, P tasks" = P concurrent calls on 1/P of
the queries each, as Spark's P task slots run the kernel (P = the cores). Ratios = kernel ÷ tiled
GEMM time of the same rep. Rep 0 includes JIT warm-up.

TXT
  # shellcheck disable=SC2046
  java -Xmx6g $(cat deploy/bin/jvm-flags) \
    -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE:-$HOME/.javacpp/cache}" \
    -cp "$cp" io.hardneg.spark.bench.KernelBench "$@"
} | tee "$out.tmp"
mv "$out.tmp" "$out"
