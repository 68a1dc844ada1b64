"""BackupAndRestore: an interrupted run (exception, or a process killed by SIGKILL) resumes exactly."""
import json
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from callback_helpers import assert_weights_equal, data, small_model

from cornu import callbacks

EPOCHS = 6


class Interrupt(callbacks.Callback):
    def __init__(self, epoch, batch):
        super().__init__()
        self.epoch, self.batch, self.current = epoch, batch, None

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.current == self.epoch and batch == self.batch:
            raise RuntimeError("Interrupting!")


def _reference():
    x, y = data()
    model = small_model()
    model.fit(x, y, epochs=EPOCHS, batch_size=8, verbose=0, shuffle=False)
    return model.get_weights()


def test_resume_after_exception_equals_uninterrupted_run(tmp_path):
    x, y = data()
    backup = callbacks.BackupAndRestore(str(tmp_path / "backup"))
    model = small_model()
    with pytest.raises(RuntimeError, match="Interrupting"):
        model.fit(x, y, epochs=EPOCHS, batch_size=8, verbose=0, shuffle=False, callbacks=[backup, Interrupt(3, 1)])
    with open(tmp_path / "backup" / "training_metadata.json") as f:
        assert json.load(f)["epoch"] == 3  # epochs 0-2 completed
    resumed = small_model()  # a new process would start from fresh weights
    history = resumed.fit(x, y, epochs=EPOCHS, batch_size=8, verbose=0, shuffle=False, callbacks=[backup])
    assert len(history.history["loss"]) == EPOCHS - 3 and history.epoch == [3, 4, 5]
    assert_weights_equal(resumed.get_weights(), _reference(), atol=1e-6)
    assert not (tmp_path / "backup").exists()  # deleted after a completed run
    assert int(np.asarray(resumed.optimizer.iterations)) == EPOCHS * 4


def test_batch_frequency_and_keep_checkpoint(tmp_path):
    x, y = data()
    backup = callbacks.BackupAndRestore(str(tmp_path / "b"), save_freq=3, delete_checkpoint=False)
    model = small_model()
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False, callbacks=[backup])
    files = sorted(os.listdir(tmp_path / "b"))
    assert files == ["backup-00000002.weights.h5", "training_metadata.json"]  # saved after batches 3 and 6
    with open(tmp_path / "b" / "training_metadata.json") as f:
        assert json.load(f) == {"epoch": 1, "batch": 1, "weights": "backup-00000002.weights.h5", "count": 2}
    with pytest.raises(ValueError, match="save_freq"):
        callbacks.BackupAndRestore(str(tmp_path), save_freq="sometimes")
    with pytest.raises(ValueError, match="Empty"):
        callbacks.BackupAndRestore("")


_SCRIPT = textwrap.dedent("""
    import json, os, signal, sys
    import numpy as np
    sys.path.insert(0, {helpers!r})
    from callback_helpers import data, small_model
    from cornu import callbacks

    class KillSelf(callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
        def on_train_batch_end(self, batch, logs=None):
            if self.epoch == 4 and batch == 2:
                os.kill(os.getpid(), signal.SIGKILL)

    x, y = data()
    model = small_model(run_eagerly=False)  # a fresh process: compiling the step is quicker than eager warm-up
    cbs = [callbacks.BackupAndRestore({backup!r})]
    if sys.argv[1] == "kill":
        cbs.append(KillSelf())
    history = model.fit(x, y, epochs={epochs}, batch_size=8, verbose=0, shuffle=False, callbacks=cbs)
    np.savez({out!r}, *model.get_weights())
    with open({out!r} + ".json", "w") as f:
        json.dump(history.epoch, f)
""")


def test_resume_after_sigkill_in_a_real_process(tmp_path):
    out = str(tmp_path / "final.npz")
    script = tmp_path / "train.py"
    script.write_text(_SCRIPT.format(helpers=os.path.dirname(__file__), backup=str(tmp_path / "backup"),
                                     epochs=EPOCHS, out=out))
    env = dict(os.environ)
    killed = subprocess.run([sys.executable, str(script), "kill"], env=env, capture_output=True, timeout=240)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    assert not os.path.exists(out)
    with open(tmp_path / "backup" / "training_metadata.json") as f:
        assert json.load(f)["epoch"] == 4
    resumed = subprocess.run([sys.executable, str(script), "resume"], env=env, capture_output=True, timeout=240)
    assert resumed.returncode == 0, resumed.stderr.decode()[-2000:]
    with open(out + ".json") as f:
        assert json.load(f) == [4, 5]
    with np.load(out) as saved:
        final = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    assert_weights_equal(final, _reference(), atol=1e-6)
