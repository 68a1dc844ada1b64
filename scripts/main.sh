#!/usr/bin/env bash
# The main job: train the seed MNIST MLP on real MNIST and print the test accuracy.
# Creates ./.venv on first use. Engine: CORNU_BACKEND=torch (default) or jax.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
if [ -z "${CORNU_DATASETS:-}" ] && [ -d ../shared/datasets ]; then
  export CORNU_DATASETS="$(cd ../shared/datasets && pwd)"
fi
exec .venv/bin/python examples/mnist_mlp.py "$@"
