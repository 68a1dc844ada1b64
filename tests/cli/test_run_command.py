"""`python -m cornu run script.py`: unmodified Keras scripts run on cornu."""
import os
import subprocess
import sys
import textwrap

KERAS3_SCRIPT = '''
import sys
import numpy as np
import keras
from keras import layers, ops
from keras.models import Sequential
from keras.utils import to_categorical

assert keras.__name__ == "cornu", keras.__name__
x = np.random.rand(32, 4).astype("float32")
y = to_categorical(np.random.randint(0, 3, 32), 3)
model = Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="relu"), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=1, verbose=0)
print("ARGS", sys.argv[1:], "OK", keras.backend.backend(), float(ops.sum(ops.ones((2,)))))
'''

SPAWN_SCRIPT = '''
import multiprocessing as mp

def child(q):
    import keras
    q.put(keras.__name__)

if __name__ == "__main__":
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=child, args=(q,))
    p.start()
    print("CHILD", q.get(timeout=120))
    p.join(60)
'''


def _run(tmp_path, source, *args):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(source))
    env = dict(os.environ)
    out = subprocess.run([sys.executable, "-m", "cornu", "run", str(script), *args], capture_output=True,
                         text=True, timeout=300, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def test_keras3_script_runs_unmodified_with_its_arguments(tmp_path):
    out = _run(tmp_path, KERAS3_SCRIPT, "--epochs", "3")
    assert f"ARGS ['--epochs', '3'] OK {os.environ.get('CORNU_BACKEND', 'torch')} 2.0" in out


def test_alias_reaches_spawned_processes(tmp_path):
    assert "CHILD cornu" in _run(tmp_path, SPAWN_SCRIPT)


def test_install_keras_alias_in_process():
    import cornu
    from cornu.legacy import keras_alias

    cornu.install_keras_alias()
    try:
        import keras  # noqa: F401
        import keras.layers as kl

        assert keras is cornu and kl.Dense is cornu.layers.Dense
    finally:
        keras_alias.uninstall_keras_alias()


def test_missing_script_is_a_clear_error(tmp_path):
    out = subprocess.run([sys.executable, "-m", "cornu", "run", str(tmp_path / "nope.py")], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode != 0 and "no such script" in out.stderr
