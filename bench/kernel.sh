#!/usr/bin/env bash
# Masked search kernel vs the GEMM it runs on, same tiles, one JVM, one run (target:
# the kernel within 1.5x of the GEMM time).   bench/kernel.sh [N=30000] [REPS=6]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp="$(bench/classpath.sh)"
# shellcheck disable=SC2046
java -Xmx6g $(cat deploy/bin/jvm-flags) \
  -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE:-$HOME/.javacpp/cache}" \
  -cp "$cp" io.hardneg.spark.bench.KernelBench "$@"
