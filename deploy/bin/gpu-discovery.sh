#!/usr/bin/env bash
# Spark GPU discovery script (spark.{executor,worker}.resource.gpu.discoveryScript): prints the
# GPUs this host or container can see as Spark's ResourceInformation JSON,
#   {"name": "gpu", "addresses": ["0", "1"]}
# Indices come from nvidia-smi, so they follow CUDA_VISIBLE_DEVICES isolation.
set -euo pipefail
ids=$(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ' | paste -sd, - | sed 's/,/","/g')
echo "{\"name\": \"gpu\", \"addresses\": [\"$ids\"]}"
