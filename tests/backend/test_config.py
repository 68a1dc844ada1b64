"""Engine selection and global settings."""
import json
import os
import subprocess
import sys

import pytest

import cornu
from cornu import backend


def test_backend_matches_environment():
    assert backend.backend() == os.environ.get("CORNU_BACKEND", "torch")
    assert cornu.config.backend() == backend.backend()


def test_defaults():
    assert backend.floatx() == "float32"
    assert backend.epsilon() == pytest.approx(1e-7)
    assert backend.image_data_format() == "channels_last"


def test_setters_validate():
    with pytest.raises(ValueError, match="floatx"):
        backend.set_floatx("float13")
    with pytest.raises(ValueError, match="data_format"):
        backend.set_image_data_format("channels_middle")
    old = backend.epsilon()
    backend.set_epsilon(1e-5)
    try:
        assert backend.epsilon() == 1e-5
    finally:
        backend.set_epsilon(old)


def _run(code, env_updates):
    env = dict(os.environ)
    env.pop("CORNU_BACKEND", None)
    env.pop("KERAS_BACKEND", None)
    env.update(env_updates)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_config_file_written_on_first_use_and_read(tmp_path):
    home = tmp_path / "home"
    printed = _run("import cornu.backend.config as c; print(c.backend(), c.floatx())", {"CORNU_HOME": str(home)})
    assert printed == "torch float32"
    written = json.loads((home / "cornu.json").read_text())
    assert written == {"backend": "torch", "floatx": "float32", "epsilon": 1e-07,
                       "image_data_format": "channels_last"}
    written["backend"] = "jax"
    written["image_data_format"] = "channels_first"
    (home / "cornu.json").write_text(json.dumps(written))
    printed = _run("import cornu.backend.config as c; print(c.backend(), c.image_data_format())",
                   {"CORNU_HOME": str(home)})
    assert printed == "jax channels_first"


def test_keras_backend_variable_is_honoured(tmp_path):
    printed = _run("import cornu.backend.config as c; print(c.backend())",
                   {"CORNU_HOME": str(tmp_path), "KERAS_BACKEND": "jax"})
    assert printed == "jax"


def test_unknown_backend_is_a_clear_error(tmp_path):
    env = dict(os.environ, CORNU_HOME=str(tmp_path), CORNU_BACKEND="tensorflowz")
    out = subprocess.run([sys.executable, "-c", "import cornu.backend.config"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "Unknown cornu backend 'tensorflowz'" in out.stderr
