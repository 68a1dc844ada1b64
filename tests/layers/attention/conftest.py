"""On JAX, run this folder's numeric tests op by op (``jax.disable_jit``).

XLA compiles each new ``lax.scan`` program from scratch (seconds each on a
small CPU); op by op, the compiled primitives are cached across tests, which
keeps the folder fast.  Tracing under ``jax.jit`` is still exercised by the
model tests (``fit`` jits the whole train step), which opt out with the
``jit`` marker.
"""
import pytest

from cornu import backend


@pytest.fixture(autouse=True)
def _jax_op_by_op(request):
    if backend.backend() != "jax" or request.node.get_closest_marker("jit") is not None:
        yield
        return
    import jax

    with jax.disable_jit():
        yield


def pytest_configure(config):
    config.addinivalue_line("markers", "jit: keep jax.jit enabled for this test")
