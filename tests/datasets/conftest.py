import pytest


@pytest.fixture
def isolated_datasets(tmp_path, monkeypatch):
    """Points every dataset folder at an empty tmp folder; returns CORNU_DATASETS."""
    shared = tmp_path / "datasets"
    shared.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("CORNU_DATASETS", str(shared))
    monkeypatch.setenv("CORNU_HOME", str(tmp_path / "cornu_home"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("CORNU_NO_DOWNLOAD", "1")
    return shared
