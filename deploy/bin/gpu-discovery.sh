#!/usr/bin/env bash
# Spark GPU discovery script (spark.{executor,worker}.resource.gpu.discoveryScript): prints the
# GPUs this process may use as Spark's ResourceInformation JSON,
#   {"name": "gpu", "addresses": ["0", "1"]}
# With CUDA_VISIBLE_DEVICES set, exactly its entries (what CUDA, and so ND4J, will see; a
# standalone worker per GPU sets it, see conf/spark-gpu.conf). Otherwise every GPU nvidia-smi
# lists: nvidia-smi ignores CUDA_VISIBLE_DEVICES, but inside a container it sees only the
# devices the runtime mounted (YARN, Kubernetes, docker --gpus), so there it lists the
# container's own GPUs.
set -euo pipefail
if [[ -n ${CUDA_VISIBLE_DEVICES+set} ]]; then
  IFS=, read -r -a ids <<< "${CUDA_VISIBLE_DEVICES// /}"
else
  mapfile -t ids < <(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ')
fi
json=""
for id in "${ids[@]}"; do
  [[ -n $id ]] && json+="${json:+, }\"$id\""
done
echo "{\"name\": \"gpu\", \"addresses\": [$json]}"
