#!/usr/bin/env bash
# The test suite on both engines. Creates ./.venv on first use.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh || exit 1
status=0
for engine in ${CORNU_TEST_BACKENDS:-torch jax}; do
  echo "=== cornu tests on CORNU_BACKEND=$engine ==="
  CORNU_BACKEND=$engine .venv/bin/python -m pytest -q -p no:cacheprovider "$@" || status=1
done
exit $status
