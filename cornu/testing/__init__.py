"""``cornu.testing``: helpers for testing layers (``run_layer_test``)."""
from cornu.testing.layer_test import LayerTestFailure, run_layer_test  # noqa: F401

__all__ = ["run_layer_test", "LayerTestFailure"]
