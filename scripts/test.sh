#!/usr/bin/env bash
# The test suite on both engines. Creates ./.venv on first use.
# Extra arguments go to pytest. With CI=true (or CORNU_TEST_PARALLEL=1) the two
# engines run side by side (2 cores), each into its own log, printed at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh || exit 1
engines=${CORNU_TEST_BACKENDS:-torch jax}
run_one() {
  CORNU_BACKEND=$1 .venv/bin/python -m pytest -q -p no:cacheprovider --durations=10 "${@:2}"
}
status=0
if [ "${CI:-}" = "true" ] || [ "${CORNU_TEST_PARALLEL:-}" = "1" ]; then
  logs=$(mktemp -d)
  pids=()
  for engine in $engines; do
    (OMP_NUM_THREADS=1 run_one "$engine" "$@" > "$logs/$engine.log" 2>&1; echo $? > "$logs/$engine.rc") &
    pids+=($!)
  done
  wait "${pids[@]}"
  for engine in $engines; do
    echo "=== cornu tests on CORNU_BACKEND=$engine ==="
    cat "$logs/$engine.log"
    [ "$(cat "$logs/$engine.rc")" = "0" ] || status=1
  done
else
  for engine in $engines; do
    echo "=== cornu tests on CORNU_BACKEND=$engine ==="
    run_one "$engine" "$@" || status=1
  done
fi
exit $status
