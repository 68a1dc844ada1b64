"""Keras 1/2-era scripts (tests/legacy/scripts) run unmodified through `python -m cornu run`.

The scripts check their own numbers against NumPy; here they run in parallel
subprocesses on the current engine and their printed results are checked, as
is the one-warning-per-legacy-spelling promise (visible in stderr, since the
scripts run as ``__main__``).
"""
import os
import pathlib
import subprocess
import sys

import pytest

SCRIPTS = pathlib.Path(__file__).parent / "scripts"

EXPECTED = {
    "keras1_mlp.py": ["EPOCHS 3", "CHECKPOINTS ['weights.01.h5', 'weights.02.h5', 'weights.03.h5']",
                      "CLASSES_OK (10,)", "YAML_OK Sequential 5", "ORDERING tf 1e-07 (None, 3)",
                      "FUNCTION_OK (4, 16)", "SCORE 2"],
    "keras1_functional.py": ["MERGE_OK (None, 1)", "GRADIENTS_OK (8, 4)", "INTERMEDIATE_OK (8, 10) (10, 1)"],
    "keras1_merge.py": ["MERGE_SEQUENTIAL_OK [(None, 3), (None, 5)] (None, 2)"],
    "keras1_cnn_generator.py": ["CONV (3, 3) same channels_first (None, 2)",
                                "EPOCHS 2 ['accuracy', 'loss', 'val_accuracy', 'val_loss']",
                                "GENERATORS_OK (40, 2) channels_last"],
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Start every script at once (they mostly wait on imports), then collect them."""
    procs = {}
    for name in EXPECTED:
        out_dir = tmp_path_factory.mktemp(name.replace(".py", ""))
        env = dict(os.environ, PYTHONWARNINGS="default::DeprecationWarning")
        procs[name] = subprocess.Popen([sys.executable, "-m", "cornu", "run", str(SCRIPTS / name), str(out_dir)],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                       cwd=out_dir)
    results = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=600)
        results[name] = (proc.returncode, out, err)
    return results


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_script_runs_and_prints_its_checks(runs, name):
    code, out, err = runs[name]
    assert code == 0, err[-4000:]
    for line in EXPECTED[name]:
        assert line in out, (line, out)


def test_each_legacy_spelling_warned_once(runs):
    _, _, err = runs["keras1_mlp.py"]
    for spelling in ("`keras.layers.core`", "`Dense(output_dim=...)`", "`Dense(init=...)`", "`Dropout(p=...)`",
                     "`nb_epoch`", "`model.predict_classes()`", "`keras.utils.np_utils`"):
        assert err.count(spelling) == 1, (spelling, err)
    _, _, err = runs["keras1_cnn_generator.py"]
    for spelling in ("Keras 1 signature", "`Model.fit_generator`", "(samples_per_epoch=...)",
                     "(dim_ordering=...)", "(border_mode=...)"):
        assert err.count(spelling) == 1, (spelling, err)
