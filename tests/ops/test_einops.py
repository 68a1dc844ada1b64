"""ops.rearrange (einops patterns) against the same rearrangement written with NumPy reshape/transpose."""
import numpy as np
import pytest

from cornu import ops
from cornu.backend import KerasTensor

rng = np.random.default_rng(0)
X = rng.standard_normal((2, 6, 4, 3)).astype("float32")  # b h w c

CASES = [
    ("b h w c -> b c h w", {}, lambda x: x.transpose(0, 3, 1, 2)),
    ("b h w c -> (b h) w c", {}, lambda x: x.reshape(12, 4, 3)),
    ("b h w c -> h (b w) c", {}, lambda x: x.transpose(1, 0, 2, 3).reshape(6, 8, 3)),
    ("b h w c -> b (c h w)", {}, lambda x: x.transpose(0, 3, 1, 2).reshape(2, 72)),
    ("b (h1 h) (w1 w) c -> (b h1 w1) h w c", {"h1": 2, "w1": 2},
     lambda x: x.reshape(2, 2, 3, 2, 2, 3).transpose(0, 1, 3, 2, 4, 5).reshape(8, 3, 2, 3)),
    ("b (h h1) (w w1) c -> b h w (c h1 w1)", {"h1": 2, "w1": 2},
     lambda x: x.reshape(2, 3, 2, 2, 2, 3).transpose(0, 1, 3, 5, 2, 4).reshape(2, 3, 2, 12)),
    ("b (h p) w c -> b h p w c", {"p": 3}, lambda x: x.reshape(2, 2, 3, 4, 3)),
    ("b ... c -> b c ...", {}, lambda x: np.moveaxis(x, -1, 1)),
    ("b ... -> b (...)", {}, lambda x: x.reshape(2, -1)),
    ("... c -> c ...", {}, lambda x: np.moveaxis(x, -1, 0)),
    ("b h w c -> b h w c 1", {}, lambda x: x[..., None]),
    ("b h w c -> b () h w c", {}, lambda x: x[:, None]),
    ("b h w c -> b h w c", {}, lambda x: x),
]


@pytest.mark.parametrize("pattern,lengths,reference", CASES, ids=[c[0] for c in CASES])
def test_rearrange_matches_numpy(pattern, lengths, reference):
    out = ops.rearrange(X, pattern, **lengths)
    np.testing.assert_array_equal(ops.convert_to_numpy(out), reference(X))
    assert ops.dtype(out) == "float32"


def test_unit_axes_on_the_left_and_integer_dtypes():
    x = np.arange(6, dtype="int32").reshape(1, 2, 3, 1)
    out = ops.rearrange(x, "1 h w () -> w h")
    assert ops.dtype(out) == "int32"
    np.testing.assert_array_equal(ops.convert_to_numpy(out), x[0, :, :, 0].T)


def test_symbolic_shapes_with_an_unknown_batch():
    out = ops.rearrange(KerasTensor((None, 6, 4, 3)), "b (h p) w c -> (b h) (p w) c", p=2)
    assert out.shape == (None, 8, 3) and out.dtype == "float32"
    assert ops.einops.rearrange is ops.rearrange
    assert ops.rearrange(KerasTensor((None, 6, 4, 3)), "b h w c -> c b h w").shape == (3, None, 6, 4)


@pytest.mark.parametrize("pattern,lengths,match", [
    ("b h w c", {}, "one '->'"),
    ("b h w -> b h w", {}, "names 3 axes"),
    ("b h w c -> b h w", {}, "only on the left: \\['c'\\]"),
    ("b h w c -> b h w c d", {}, "only on the right: \\['d'\\]"),
    ("b (h1 h) w c -> b h1 h w c", {}, "cannot infer the lengths"),
    ("b (h1 h) w c -> b h1 h w c", {"h1": 4}, "not divisible"),
    ("b (h1 h) w c -> b h1 h w c", {"h1": 2, "h": 2}, "total length 4, but the dimension is 6"),
    ("b h h c -> b h c", {}, "more than once"),
    ("b h w c -> b h w c 2", {}, "only the anonymous axis 1"),
    ("b (h w c -> b h w c", {}, "unbalanced"),
    ("b (h ...) -> b h ...", {}, "inside parentheses"),
    ("b h w c -> b h w c", {"z": 2}, "not in the pattern"),
    ("b h w c -> b h w c", {"h": 0}, "positive integers"),
])
def test_bad_patterns_raise_a_clear_error(pattern, lengths, match):
    with pytest.raises(ValueError, match=match):
        ops.rearrange(X, pattern, **lengths)
