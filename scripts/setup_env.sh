#!/usr/bin/env bash
# Creates ./.venv with everything cornu and its tests need (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
# Graphviz's `dot` (plot_model) and Chromium (TensorBoard screenshot test); optional:
# when they cannot be installed (not root, offline) setup goes on and those tests skip.
if ! command -v dot >/dev/null 2>&1 || [ ! -x /usr/bin/chromium ]; then
  (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq graphviz chromium) \
    >/dev/null 2>&1 || echo "setup_env: graphviz/chromium not installed; plot_model and screenshot tests will skip" >&2
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.cornu-installed
want="$(cat pyproject.toml scripts/setup_env.sh | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/pip install -q --disable-pip-version-check \
    "torch==2.13.0" "jax==0.10.2" "jaxlib==0.10.2" \
    "numpy>=1.24" "h5py>=3.8" "pyyaml>=6" "pytest>=7" "hypothesis>=6" "pillow" "scipy" "tensorboard" "pydot"
  .venv/bin/pip install -q --disable-pip-version-check --no-deps -e .
  echo "$want" > "$stamp"
fi
