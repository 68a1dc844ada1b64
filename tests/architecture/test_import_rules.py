"""The house rules of DESIGN.md, checked mechanically."""
import importlib
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2] / "cornu"
IMPORT = re.compile(r"^\s*(?:import|from)\s+(torch|jax)\b", re.M)


def _sources():
    return sorted(ROOT.rglob("*.py"))


def test_torch_and_jax_only_imported_in_their_backend_folders():
    offenders = []
    for path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        for engine in IMPORT.findall(path.read_text()):
            if not rel.startswith(f"backend/{engine}/"):
                offenders.append(f"{rel} imports {engine}")
    assert offenders == []


def test_no_engine_name_checks_above_backend():
    pattern = re.compile(r"backend\(\)\s*==\s*['\"](torch|jax)")
    offenders = [p.relative_to(ROOT).as_posix() for p in _sources()
                 if not p.relative_to(ROOT).as_posix().startswith("backend/") and pattern.search(p.read_text())]
    assert offenders == []


def test_backend_never_imports_higher_rooms():
    higher = ("layers", "trainers", "models", "losses", "metrics", "optimizers", "callbacks", "saving")
    pattern = re.compile(r"^\s*(?:import|from)\s+cornu\.(%s)\b" % "|".join(higher), re.M)
    offenders = [p.relative_to(ROOT).as_posix() for p in (ROOT / "backend").rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []


@pytest.mark.parametrize("engine", ["torch", "jax"])
def test_each_engine_exports_the_contract(engine):
    from cornu.backend import contract

    module = importlib.import_module(f"cornu.backend.{engine}")
    missing = [name for name in contract.CORE if not hasattr(module, name)]
    assert missing == []
    for sub, names in contract.SUBMODULES.items():
        submodule = getattr(module, sub)
        assert [n for n in names if not hasattr(submodule, n)] == [], sub


def test_both_engines_export_the_same_public_ops():
    from cornu.backend import contract

    torch_nn = importlib.import_module("cornu.backend.torch.nn")
    jax_nn = importlib.import_module("cornu.backend.jax.nn")
    for name in contract.NN:
        assert callable(getattr(torch_nn, name)) and callable(getattr(jax_nn, name)), name


def test_public_ops_cover_the_contract():
    from cornu import ops
    from cornu.backend import contract

    for names in (contract.NUMPY, contract.NUMPY_ELEMENTWISE, contract.NUMPY_ARRAYS, contract.NN, contract.MATH,
                  contract.LINALG):
        assert [n for n in names if not hasattr(ops, n)] == []
