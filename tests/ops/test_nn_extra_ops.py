"""Keras 3 nn ops against NumPy references: sparse_sigmoid, threshold, polar, psnr, adaptive pooling,
depth/space, unfold/fold, CTC loss and decoding."""
import itertools
import math

import numpy as np
import pytest

import cornu
from cornu import backend, ops
from cornu.backend import KerasTensor

rng = np.random.default_rng(0)


def value(x):
    return ops.convert_to_numpy(x)


def gradient(fn, x):
    """d sum(fn(x)) / dx through the engine."""
    v = cornu.Variable(x)
    _, _, (g,) = backend.compute_gradients(lambda: (ops.sum(fn(v)), None), [v])
    return value(g)


def numeric_gradient(fn, x, eps=1e-4):
    """Central differences of the float64 NumPy reference ``sum(fn(x))``."""
    x = x.astype("float64")
    g = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        g[i] = (np.sum(fn(up)) - np.sum(fn(down))) / (2 * eps)
    return g


# -- elementwise -------------------------------------------------------------------------
def test_sparse_sigmoid_values_dtypes_gradient_and_symbolic():
    x = np.array([-3.0, -1.0, -0.5, 0.0, 0.25, 1.0, 2.0], "float32")
    expected = np.clip(0.5 * (x + 1.0), 0.0, 1.0)
    np.testing.assert_allclose(value(ops.sparse_sigmoid(x)), expected, rtol=1e-6)
    assert ops.nn.sparse_sigmoid is ops.sparse_sigmoid
    assert ops.dtype(ops.sparse_sigmoid(np.array([-2, 0, 3], "int32"))) == "float32"
    assert ops.dtype(ops.sparse_sigmoid(x.astype("float16"))) == "float16"
    np.testing.assert_allclose(gradient(ops.sparse_sigmoid, np.array([-2.0, -0.5, 0.5, 2.0], "float32")),
                               [0.0, 0.5, 0.5, 0.0])
    out = ops.sparse_sigmoid(KerasTensor((None, 3)))
    assert out.shape == (None, 3) and out.dtype == "float32"


def test_threshold_keeps_values_above_and_the_dtype():
    x = rng.standard_normal((3, 4)).astype("float32")
    np.testing.assert_array_equal(value(ops.threshold(x, 0.2, -5.0)), np.where(x > 0.2, x, -5.0).astype("float32"))
    i = np.array([-2, 0, 1, 3], "int32")
    out = ops.threshold(i, 1, 0)
    assert ops.dtype(out) == "int32"
    np.testing.assert_array_equal(value(out), np.where(i > 1, i, 0))
    np.testing.assert_allclose(gradient(lambda v: ops.threshold(v, 0.0, 3.0), np.array([-1.0, 2.0], "float32")),
                               [0.0, 1.0])
    assert ops.threshold(KerasTensor((None, 2), dtype="float16"), 0, 1).dtype == "float16"


def test_polar_builds_complex_numbers():
    r = np.abs(rng.standard_normal(5)).astype("float32")
    theta = rng.uniform(-np.pi, np.pi, 5).astype("float32")
    out = ops.polar(r, theta)
    assert ops.dtype(out) == "complex64"
    np.testing.assert_allclose(value(out), r * np.exp(1j * theta.astype("float64")), rtol=1e-5, atol=1e-6)
    assert ops.dtype(ops.polar(np.array([1, 2], "int32"), np.array([0, 1], "int32"))) == "complex64"
    sym = ops.polar(KerasTensor((None, 3)), KerasTensor((None, 3)))
    assert sym.shape == (None, 3) and sym.dtype == "complex64"


def test_psnr_matches_the_formula():
    a = rng.uniform(0, 1, (2, 4, 4, 3)).astype("float32")
    b = np.clip(a + rng.normal(0, 0.1, a.shape), 0, 1).astype("float32")
    mse = np.mean((a.astype("float64") - b) ** 2)
    out = ops.psnr(a, b, 1.0)
    assert tuple(out.shape) == () and ops.dtype(out) == "float32"
    np.testing.assert_allclose(value(out), 20 * np.log10(1.0) - 10 * np.log10(mse), rtol=1e-5)
    ints = ops.psnr(np.full((2, 3), 3, "int32"), np.zeros((2, 3), "int32"), 255)
    assert ops.dtype(ints) == "float32"
    np.testing.assert_allclose(value(ints), 20 * np.log10(255) - 10 * np.log10(9.0), rtol=1e-5)
    sym = ops.psnr(KerasTensor((None, 8)), KerasTensor((None, 8)), 1.0)
    assert sym.shape == () and sym.dtype == "float32"
    with pytest.raises(ValueError, match="x1.shape=.*x2.shape"):
        ops.psnr(np.zeros((2, 3), "float32"), np.zeros((3, 2), "float32"), 1.0)


# -- adaptive pooling ------------------------------------------------------------------------
def adaptive_pool_reference(x, output_size, reduce, channels_first):
    """PyTorch's definition: bin i of n elements covers [floor(i n / out), ceil((i + 1) n / out))."""
    x = x if channels_first else np.moveaxis(x, -1, 1)
    spatial = x.shape[2:]
    out = np.zeros(x.shape[:2] + tuple(output_size), "float64")
    for idx in np.ndindex(*output_size):
        window = tuple(slice(math.floor(i * n / o), math.ceil((i + 1) * n / o))
                       for i, n, o in zip(idx, spatial, output_size))
        out[(slice(None), slice(None)) + idx] = reduce(x[(slice(None), slice(None)) + window],
                                                      axis=tuple(range(2, 2 + len(spatial))))
    return out if channels_first else np.moveaxis(out, 1, -1)


@pytest.mark.parametrize("shape,output_size", [((2, 7, 3), (3,)), ((2, 5, 7, 3), (3, 4)), ((2, 5, 6, 4, 2), (2, 4, 3)),
                                               ((1, 4, 4, 2), (4, 4)), ((1, 3, 5, 2), (5, 2))])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_adaptive_pools_match_the_bin_definition(shape, output_size, data_format):
    x = rng.standard_normal(shape).astype("float32")
    first = data_format == "channels_first"
    for op, reduce in ((ops.adaptive_average_pool, np.mean), (ops.adaptive_max_pool, np.max)):
        out = op(x, output_size, data_format=data_format)
        assert ops.dtype(out) == "float32"
        np.testing.assert_allclose(value(out), adaptive_pool_reference(x, output_size, reduce, first),
                                   rtol=1e-5, atol=1e-6)


def test_adaptive_pools_on_integers_int_output_size_and_global_data_format():
    x = rng.integers(-50, 50, (2, 5, 7, 3)).astype("int32")
    out = ops.adaptive_max_pool(x, 2)
    assert ops.dtype(out) == "int32"
    np.testing.assert_array_equal(value(out), adaptive_pool_reference(x, (2, 2), np.max, False))
    avg = ops.adaptive_average_pool(x, 3)
    assert ops.dtype(avg) == "float32"
    np.testing.assert_allclose(value(avg), adaptive_pool_reference(x, (3, 3), np.mean, False), rtol=1e-5)
    backend.set_image_data_format("channels_first")
    np.testing.assert_allclose(value(ops.adaptive_average_pool(x.astype("float32"), (2, 3))),
                               adaptive_pool_reference(x, (2, 3), np.mean, True), rtol=1e-5)


def test_adaptive_average_pool_gradient():
    x = rng.standard_normal((1, 5, 3, 2)).astype("float32")
    w = rng.standard_normal((1, 3, 2, 2))
    expected = numeric_gradient(lambda v: adaptive_pool_reference(v, (3, 2), np.mean, False) * w, x)
    got = gradient(lambda v: ops.multiply(ops.adaptive_average_pool(v, (3, 2)), w.astype("float32")), x)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_adaptive_pools_symbolic_and_bad_arguments():
    out = ops.adaptive_max_pool(KerasTensor((None, 9, 10, 3)), (2, 5))
    assert out.shape == (None, 2, 5, 3) and out.dtype == "float32"
    out = ops.adaptive_average_pool(KerasTensor((None, 3, 9), dtype="int32"), 4, data_format="channels_first")
    assert out.shape == (None, 3, 4) and out.dtype == "float32"
    x = np.zeros((2, 5, 5, 3), "float32")
    with pytest.raises(ValueError, match="output_size.*tuple of 2.*Received: output_size=\\(2, 2, 2\\)"):
        ops.adaptive_average_pool(x, (2, 2, 2))
    with pytest.raises(ValueError, match="output_size.*>= 1"):
        ops.adaptive_max_pool(x, 0)
    with pytest.raises(ValueError, match="inputs.*rank 3 or 4 or 5"):
        ops.adaptive_max_pool(np.zeros((5, 5), "float32"), 2)
    with pytest.raises(ValueError, match="data_format"):
        ops.adaptive_max_pool(x, 2, data_format="nhwc")


# -- depth_to_space / space_to_depth -------------------------------------------------------------
def depth_to_space_reference(x, r, channels_first):
    """channels_last reads each channel vector as (r, r, C) (TensorFlow); channels_first as (C, r, r)."""
    if channels_first:
        n, c, h, w = x.shape
        out = np.zeros((n, c // (r * r), h * r, w * r), x.dtype)
        for b, k, y, z in np.ndindex(*out.shape):
            out[b, k, y, z] = x[b, k * r * r + (y % r) * r + z % r, y // r, z // r]
        return out
    n, h, w, c = x.shape
    out = np.zeros((n, h * r, w * r, c // (r * r)), x.dtype)
    for b, y, z, k in np.ndindex(*out.shape):
        out[b, y, z, k] = x[b, y // r, z // r, ((y % r) * r + z % r) * (c // (r * r)) + k]
    return out


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("r", [2, 3])
def test_depth_to_space_and_back(data_format, r):
    first = data_format == "channels_first"
    shape = (2, 2 * r * r, 2, 3) if first else (2, 2, 3, 2 * r * r)
    x = rng.standard_normal(shape).astype("float32")
    out = ops.depth_to_space(x, r, data_format=data_format)
    np.testing.assert_array_equal(value(out), depth_to_space_reference(x, r, first))
    np.testing.assert_array_equal(value(ops.space_to_depth(out, r, data_format=data_format)), x)
    i = np.arange(np.prod(shape), dtype="int32").reshape(shape)
    assert ops.dtype(ops.depth_to_space(i, r, data_format=data_format)) == "int32"


def test_depth_space_symbolic_and_bad_arguments():
    assert ops.depth_to_space(KerasTensor((None, 2, 3, 12)), 2).shape == (None, 4, 6, 3)
    assert ops.space_to_depth(KerasTensor((None, 3, 4, 6)), 2, data_format="channels_first").shape == (None, 12, 2, 3)
    with pytest.raises(ValueError, match="block_size.*>= 2.*Received: block_size=1"):
        ops.depth_to_space(np.zeros((1, 2, 2, 4)), 1)
    with pytest.raises(ValueError, match="divisible by block_size\\*\\*2"):
        ops.depth_to_space(np.zeros((1, 2, 2, 10)), 2)
    with pytest.raises(ValueError, match="divisible by block_size"):
        ops.space_to_depth(np.zeros((1, 3, 4, 1)), 2)
    with pytest.raises(ValueError, match="`x` must have rank 4"):
        ops.space_to_depth(np.zeros((4, 4, 1)), 2)


# -- unfold / fold --------------------------------------------------------------------------------
def _blocks(size, k, d, p, s):
    return [(size[a] + 2 * p[a] - d[a] * (k[a] - 1) - 1) // s[a] + 1 for a in (0, 1)]


def unfold_reference(x, k, d, p, s):
    n, c, h, w = x.shape
    bh, bw = _blocks((h, w), k, d, p, s)
    xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    out = np.zeros((n, c * k[0] * k[1], bh * bw), x.dtype)
    for ch, i, j, y, z in np.ndindex(c, k[0], k[1], bh, bw):
        out[:, (ch * k[0] + i) * k[1] + j, y * bw + z] = xp[:, ch, y * s[0] + i * d[0], z * s[1] + j * d[1]]
    return out


def fold_reference(cols, size, k, d, p, s):
    n = cols.shape[0]
    c = cols.shape[1] // (k[0] * k[1])
    bh, bw = _blocks(size, k, d, p, s)
    out = np.zeros((n, c, size[0] + 2 * p[0], size[1] + 2 * p[1]), cols.dtype)
    for ch, i, j, y, z in np.ndindex(c, k[0], k[1], bh, bw):
        out[:, ch, y * s[0] + i * d[0], z * s[1] + j * d[1]] += cols[:, (ch * k[0] + i) * k[1] + j, y * bw + z]
    return out[:, :, p[0]:p[0] + size[0], p[1]:p[1] + size[1]]


CASES = [dict(kernel_size=2), dict(kernel_size=(2, 3), stride=2), dict(kernel_size=3, padding=1),
         dict(kernel_size=(3, 2), dilation=(2, 1), padding=(1, 2), stride=(1, 2))]


def _norm(case):
    pair = lambda v: (v, v) if isinstance(v, int) else tuple(v)  # noqa: E731
    return tuple(pair(case.get(name, default)) for name, default in
                 (("kernel_size", 1), ("dilation", 1), ("padding", 0), ("stride", 1)))


@pytest.mark.parametrize("case", CASES)
def test_unfold_and_fold_match_im2col_and_col2im(case):
    k, d, p, s = _norm(case)
    x = rng.standard_normal((2, 3, 6, 7)).astype("float32")
    cols = ops.unfold(x, **case)
    np.testing.assert_array_equal(value(cols), unfold_reference(x, k, d, p, s))
    c = rng.standard_normal(tuple(cols.shape)).astype("float32")
    back = ops.fold(c, (6, 7), **case)
    assert ops.dtype(back) == "float32"
    np.testing.assert_allclose(value(back), fold_reference(c, (6, 7), k, d, p, s), rtol=1e-5, atol=1e-6)


def test_fold_is_the_adjoint_of_unfold_in_gradients():
    case = CASES[3]
    x = rng.standard_normal((1, 2, 6, 7)).astype("float32")
    w = rng.standard_normal(unfold_reference(x, *_norm(case)).shape).astype("float32")
    got = gradient(lambda v: ops.multiply(ops.unfold(v, **case), w), x)
    np.testing.assert_allclose(got, value(ops.fold(w, (6, 7), **case)), rtol=1e-5, atol=1e-6)


def test_unfold_fold_symbolic_and_bad_arguments():
    cols = ops.unfold(KerasTensor((None, 3, 6, 7)), kernel_size=2, stride=2)
    assert cols.shape == (None, 12, 9) and cols.dtype == "float32"
    img = ops.fold(KerasTensor((None, 12, 9)), output_size=(6, 7), kernel_size=2, stride=2)
    assert img.shape == (None, 3, 6, 7)
    with pytest.raises(ValueError, match="`x` must have rank 4"):
        ops.unfold(np.zeros((3, 6, 7), "float32"), 2)
    with pytest.raises(ValueError, match="padding.*>= 0"):
        ops.unfold(np.zeros((1, 3, 6, 7), "float32"), 2, padding=-1)
    with pytest.raises(ValueError, match="number of blocks"):
        ops.fold(np.zeros((1, 12, 8), "float32"), (6, 7), 2, stride=2)
    with pytest.raises(ValueError, match="divisible by kH \\* kW"):
        ops.fold(np.zeros((1, 10, 9), "float32"), (6, 7), 2, stride=2)
    with pytest.raises(ValueError, match="does not fit"):
        ops.unfold(np.zeros((1, 1, 2, 2), "float32"), 3)


# -- CTC --------------------------------------------------------------------------------------------
def log_softmax(x):
    x = x.astype("float64")
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


def ctc_forward_nll(logits, labels, blank):
    """-log p(labels | logits) by the CTC forward (alpha) recursion of Graves et al. (2006), in probabilities."""
    probs = np.exp(log_softmax(logits))
    ext = [blank]
    for label in labels:
        ext += [label, blank]  # blank, l1, blank, l2, ..., blank
    alpha = np.zeros(len(ext))
    alpha[0] = probs[0, blank]
    if len(ext) > 1:
        alpha[1] = probs[0, ext[1]]
    for frame in probs[1:]:
        prev, alpha = alpha, np.zeros(len(ext))
        for s in range(len(ext)):
            a = prev[s] + (prev[s - 1] if s > 0 else 0.0)
            if s > 1 and ext[s] != blank and ext[s] != ext[s - 2]:
                a += prev[s - 2]
            alpha[s] = a * frame[ext[s]]
    p = alpha[-1] + (alpha[-2] if len(ext) > 1 else 0.0)
    return -np.log(p) if p > 0 else np.inf


def collapse(path, blank):
    return tuple(k for j, k in enumerate(path) if k != blank and (j == 0 or k != path[j - 1]))


def labelings_by_enumeration(logits, blank):
    """log p(labeling) for every labeling, summing all alignments (tiny inputs only)."""
    lp = log_softmax(logits)
    totals = {}
    for path in itertools.product(range(lp.shape[1]), repeat=lp.shape[0]):
        key = collapse(path, blank)
        totals[key] = np.logaddexp(totals.get(key, -np.inf), lp[np.arange(len(path)), path].sum())
    return totals


def test_the_numpy_ctc_reference_agrees_with_summing_every_alignment():
    logits = rng.standard_normal((4, 3))
    totals = labelings_by_enumeration(logits, blank=0)
    for labels in [(1,), (1, 2), (2, 2), (1, 1), (2, 1, 2), ()]:
        np.testing.assert_allclose(ctc_forward_nll(logits, labels, 0), -totals[labels], rtol=1e-10)
    assert ctc_forward_nll(logits, (1, 1, 1), 0) == np.inf  # needs 5 frames


def _ctc_batch(pad):
    """Labels 1..3 (classes 0 and 4 are free for the blank), one repeat, one empty target."""
    target = np.array([[1, 2, 2, pad], [3, pad, pad, pad], [2, 3, 1, 3], [pad, pad, pad, pad]], "int32")
    target_length = np.array([3, 1, 4, 0], "int32")
    output_length = np.array([6, 4, 7, 3], "int32")
    return target, target_length, output_length


@pytest.mark.parametrize("blank,pad", [(0, 0), (4, -1)])
def test_ctc_loss_matches_the_forward_algorithm(blank, pad):
    target, target_length, output_length = _ctc_batch(pad)
    logits = (2 * rng.standard_normal((4, 7, 5))).astype("float32")
    out = ops.ctc_loss(target, logits, target_length, output_length, mask_index=blank)
    assert ops.nn.ctc_loss is ops.ctc_loss and ops.dtype(out) == "float32" and tuple(out.shape) == (4,)
    expected = [ctc_forward_nll(logits[b, :output_length[b]], target[b, :target_length[b]], blank) for b in range(4)]
    np.testing.assert_allclose(value(out), expected, rtol=1e-5)


def test_ctc_loss_is_infinite_for_unreachable_targets_and_float32_for_half_logits():
    logits = rng.standard_normal((1, 4, 3)).astype("float32")
    out = value(ops.ctc_loss(np.array([[1, 1, 1]]), logits, np.array([3]), np.array([4])))
    assert np.isposinf(out).all()
    half = ops.ctc_loss(np.array([[1, 2]]), logits.astype("float16"), np.array([2]), np.array([4]))
    assert ops.dtype(half) == "float32"
    np.testing.assert_allclose(value(half), [ctc_forward_nll(logits[0].astype("float16"), [1, 2], 0)], rtol=1e-4)


def test_ctc_loss_gradient_matches_finite_differences():
    target = np.array([[1, 1, 2], [2, 0, 0]], "int32")  # a repeat, and a shorter target
    target_length, output_length = np.array([3, 1], "int32"), np.array([5, 4], "int32")
    logits = rng.standard_normal((2, 5, 3)).astype("float32")
    weights = np.array([1.0, -0.5])

    def reference(x):
        return [weights[b] * ctc_forward_nll(x[b, :output_length[b]], target[b, :target_length[b]], 0)
                for b in range(2)]

    got = gradient(lambda v: ops.multiply(ops.ctc_loss(target, v, target_length, output_length),
                                          weights.astype("float32")), logits)
    expected = numeric_gradient(reference, logits, eps=1e-5)
    assert np.abs(expected[1, 4]).max() == 0  # frames past output_length get no gradient
    np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-5)


def test_ctc_loss_symbolic_and_bad_arguments():
    out = ops.ctc_loss(KerasTensor((None, 5), dtype="int32"), KerasTensor((None, 9, 6)),
                       KerasTensor((None,), dtype="int32"), KerasTensor((None,), dtype="int32"))
    assert out.shape == (None,) and out.dtype == "float32"
    t, x, n = np.zeros((2, 3), "int32"), np.zeros((2, 5, 4), "float32"), np.array([1, 1])
    with pytest.raises(ValueError, match="same batch size"):
        ops.ctc_loss(t, x[:1], n, n)
    with pytest.raises(ValueError, match="mask_index.*below num_classes=4.*Received: mask_index=4"):
        ops.ctc_loss(t, x, n, n, mask_index=4)
    with pytest.raises(ValueError, match="`output` must have rank 3"):
        ops.ctc_loss(t, x[0], n, n)


def greedy_reference(logits, lengths, merge_repeated, blank):
    batch, time, _ = logits.shape
    paths = np.full((1, batch, time), -1)
    scores = np.zeros((batch, 1))
    for b in range(batch):
        frames = logits[b, :lengths[b]]
        best = np.argmax(frames, axis=-1)
        scores[b, 0] = -frames.max(axis=-1).sum() if len(frames) else 0.0
        kept = [k for j, k in enumerate(best) if k != blank and not (merge_repeated and j > 0 and k == best[j - 1])]
        paths[0, b, :len(kept)] = kept
    return paths, scores


@pytest.mark.parametrize("merge_repeated,mask_index", [(True, 0), (False, 0), (True, None)])
def test_ctc_greedy_decode(merge_repeated, mask_index):
    logits = rng.standard_normal((3, 8, 4)).astype("float32")
    logits[0, 2:5] = [0, 5, 0, 0]  # a run of one label, to be merged
    lengths = np.array([8, 5, 0], "int32")
    paths, scores = ops.ctc_decode(logits, lengths, merge_repeated=merge_repeated, mask_index=mask_index)
    assert ops.dtype(paths) == "int32" and ops.dtype(scores) == "float32"
    blank = 3 if mask_index is None else mask_index
    want_paths, want_scores = greedy_reference(logits, lengths, merge_repeated, blank)
    np.testing.assert_array_equal(value(paths), want_paths)
    np.testing.assert_allclose(value(scores), want_scores, rtol=1e-5)


def test_ctc_beam_search_finds_the_most_probable_labelings():
    logits = (1.5 * rng.standard_normal((2, 5, 3))).astype("float32")
    lengths = np.array([5, 3], "int32")
    paths, scores = ops.ctc_decode(logits, lengths, strategy="beam_search", beam_width=64, top_paths=3)
    assert tuple(paths.shape) == (3, 2, 5) and tuple(scores.shape) == (2, 3)
    assert ops.dtype(paths) == "int32" and ops.dtype(scores) == "float32"
    paths, scores = value(paths), value(scores)
    for b in range(2):
        totals = labelings_by_enumeration(logits[b, :lengths[b]], blank=0)
        best = sorted(totals.items(), key=lambda kv: -kv[1])[:3]
        for k, (labeling, log_p) in enumerate(best):
            row = paths[k, b]
            assert tuple(row[row >= 0]) == labeling and (row[len(labeling):] == -1).all()
            np.testing.assert_allclose(scores[b, k], log_p, rtol=1e-5)


def test_ctc_beam_search_with_last_class_blank_and_few_labelings():
    logits = rng.standard_normal((1, 1, 3)).astype("float32")  # one frame: labelings (), (0,), (1,)
    paths, scores = ops.ctc_decode(logits, np.array([1]), strategy="beam_search", beam_width=4, top_paths=4,
                                   mask_index=None)
    totals = sorted(labelings_by_enumeration(logits[0], blank=2).items(), key=lambda kv: -kv[1])
    np.testing.assert_allclose(value(scores)[0, :3], [v for _, v in totals], rtol=1e-5)
    assert value(scores)[0, 3] == -np.inf and (value(paths)[3] == -1).all()


def test_ctc_decode_symbolic_and_bad_arguments():
    paths, scores = ops.ctc_decode(KerasTensor((None, 6, 4)), KerasTensor((None,), dtype="int32"),
                                   strategy="beam_search", top_paths=2)
    assert paths.shape == (2, None, 6) and paths.dtype == "int32" and scores.shape == (None, 2)
    paths, scores = ops.ctc_decode(KerasTensor((None, 6, 4)), KerasTensor((None,), dtype="int32"), top_paths=2)
    assert paths.shape == (1, None, 6) and scores.shape == (None, 1)
    x, n = np.zeros((1, 3, 4), "float32"), np.array([3])
    with pytest.raises(ValueError, match="strategy.*Received: strategy='beam'"):
        ops.ctc_decode(x, n, strategy="beam")
    with pytest.raises(ValueError, match="top_paths.*beam_width=2"):
        ops.ctc_decode(x, n, strategy="beam_search", beam_width=2, top_paths=3)
    with pytest.raises(ValueError, match="beam_width.*>= 1"):
        ops.ctc_decode(x, n, strategy="beam_search", beam_width=0)
    with pytest.raises(ValueError, match="mask_index"):
        ops.ctc_decode(x, n, mask_index=7)
