"""Test-wide settings: offline datasets, an isolated config home, fresh sessions."""
import os
import pathlib
import tempfile

_HERE = pathlib.Path(__file__).resolve().parent
_SHARED = _HERE.parent.parent / "shared" / "datasets"
if _SHARED.is_dir():
    os.environ.setdefault("CORNU_DATASETS", str(_SHARED))
# Never touch the user's ~/.cornu or ~/.keras during tests.
os.environ.setdefault("CORNU_HOME", tempfile.mkdtemp(prefix="cornu-home-"))
os.environ.setdefault("CORNU_NO_DOWNLOAD", "1")
# Tests compare against float64/NumPy references: keep full float32 matmuls on GPUs too.
os.environ.setdefault("CORNU_ALLOW_TF32", "0")

import pytest  # noqa: E402


def shared_datasets_dir():
    """The folder of real Keras dataset files, or None when absent."""
    return _SHARED if _SHARED.is_dir() else None


@pytest.fixture
def datasets_dir():
    path = shared_datasets_dir()
    if path is None:
        pytest.skip("real Keras dataset files (../shared/datasets) not present")
    return path


@pytest.fixture(autouse=True)
def _restore_global_state():
    """Each test starts from, and leaves, the same registry and global settings."""
    from cornu import backend, dtype_policies, serialization

    registered = dict(serialization.get_custom_objects())
    names = dict(serialization.registry._CUSTOM_NAMES)
    settings = (backend.floatx(), backend.epsilon(), backend.image_data_format())
    policy = dtype_policies._GLOBAL[0]
    yield
    serialization.get_custom_objects().clear()
    serialization.get_custom_objects().update(registered)
    serialization.registry._CUSTOM_NAMES.clear()
    serialization.registry._CUSTOM_NAMES.update(names)
    backend.set_floatx(settings[0])
    backend.set_epsilon(settings[1])
    backend.set_image_data_format(settings[2])
    dtype_policies._GLOBAL[0] = policy


# On JAX, these folders run their numeric tests op by op (``jax.disable_jit``):
# XLA compiles each new ``lax.scan`` program from scratch (seconds each on a
# small CPU), while op-by-op primitives are cached across tests. Tracing under
# ``jax.jit`` is still exercised by their model tests (``fit`` jits the whole
# train step), which opt out with the ``jit`` marker.
_OP_BY_OP_FOLDERS = (("layers", "rnn"), ("layers", "attention"))


@pytest.fixture(autouse=True)
def _jax_op_by_op(request):
    from cornu import backend

    parts = pathlib.Path(str(request.node.fspath)).parts
    in_folder = any(parts[-3:-1] == folder for folder in _OP_BY_OP_FOLDERS)
    if backend.backend() != "jax" or not in_folder or request.node.get_closest_marker("jit") is not None:
        yield
        return
    import jax

    with jax.disable_jit():
        yield


def pytest_configure(config):
    config.addinivalue_line("markers", "jit: keep jax.jit enabled for this test")
