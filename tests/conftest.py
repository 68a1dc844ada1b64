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
