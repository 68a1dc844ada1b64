"""cornu.ops.math Fourier transforms, STFT, distances, segment reductions, erfc and complex views,
against NumPy/SciPy: values, dtypes, symbolic shapes, errors and gradients."""
import warnings

import numpy as np
import pytest
import scipy.signal
import scipy.spatial.distance
import scipy.special

import cornu
from cornu import backend, ops
from cornu.backend import KerasTensor

rng = np.random.default_rng(1)
RE = rng.standard_normal((2, 4, 6)).astype("float32")
IM = rng.standard_normal((2, 4, 6)).astype("float32")
Z = RE.astype("complex128") + 1j * IM
SIGNAL = rng.standard_normal((2, 20)).astype("float32")


def np_(x):
    return ops.convert_to_numpy(x)


def dtype_of(x):
    return backend.standardize_dtype(x.dtype)


def check_pair(pair, expected, atol=1e-4):
    real, imag = (np_(v) for v in pair)
    assert real.shape == expected.shape and imag.shape == expected.shape
    np.testing.assert_allclose(real, expected.real, rtol=1e-4, atol=atol)
    np.testing.assert_allclose(imag, expected.imag, rtol=1e-4, atol=atol)


def spec(x, batch=True):
    shape = tuple(x.shape)
    return KerasTensor(((None,) + shape[1:]) if batch else shape, dtype=dtype_of(x))


def assert_spec(sym, eager, batch=True):
    sym, eager = (sym, eager) if isinstance(sym, (tuple, list)) else ((sym,), (eager,))
    for s, e in zip(sym, eager):
        expected = tuple(e.shape)
        assert tuple(s.shape) == ((None,) + expected[1:] if batch else expected)
        assert s.dtype == dtype_of(e)


# -- FFT family -----------------------------------------------------------------------
@pytest.mark.parametrize("name,reference", [
    ("fft", np.fft.fft), ("fft2", np.fft.fft2), ("ifft2", np.fft.ifft2)])
def test_complex_transforms_match_numpy(name, reference):
    op = getattr(ops, name)
    out = op((RE, IM))
    check_pair(out, reference(Z))
    assert dtype_of(out[0]) == "float32" and dtype_of(out[1]) == "float32"
    assert_spec(op((spec(RE), spec(IM))), out)
    assert getattr(ops.math, name) is op


def test_rfft_and_irfft_with_cropping_and_padding():
    x = SIGNAL
    check_pair(ops.rfft(x), np.fft.rfft(x))
    for n in (7, 32):
        check_pair(ops.rfft(x, fft_length=n), np.fft.rfft(x, n=n))
    half = np.fft.rfft(x)
    out = ops.irfft((half.real.astype("float32"), half.imag.astype("float32")))
    np.testing.assert_allclose(np_(out), x, atol=1e-5)
    for n in (9, 21):
        out = ops.irfft((half.real.astype("float32"), half.imag.astype("float32")), fft_length=n)
        np.testing.assert_allclose(np_(out), np.fft.irfft(half, n=n), atol=1e-5)
    assert dtype_of(out) == "float32"
    assert_spec(ops.rfft(spec(x), 16), ops.rfft(x, 16))
    assert tuple(ops.rfft(KerasTensor((2, None)))[0].shape) == (2, None)
    assert_spec(ops.irfft((spec(RE), spec(IM)), 9), ops.irfft((RE, IM), 9))


def test_rfft_dtypes():
    ints = ops.rfft(np.arange(6, dtype="int32"))
    assert dtype_of(ints[0]) == "float32"
    check_pair(ints, np.fft.rfft(np.arange(6)))
    wide = np.arange(6, dtype="float64")
    assert dtype_of(ops.rfft(wide)[0]) == dtype_of(ops.convert_to_tensor(wide))


@pytest.mark.parametrize("call,match", [
    (lambda: ops.fft(RE), r"fft: `x` must be a tuple \(real, imag\)"),
    (lambda: ops.fft((RE, IM[0])), r"fft: the real and imaginary parts of `x` must have the same shape"),
    (lambda: ops.fft2((RE.astype("int32"), IM)), r"fft2: the real and imaginary parts of `x` must be float"),
    (lambda: ops.ifft2((RE[0, 0], IM[0, 0])), r"ifft2: `x` must have rank >= 2"),
    (lambda: ops.irfft((RE, IM), fft_length=0), r"irfft: `fft_length` must be a positive int or None"),
    (lambda: ops.rfft(np.float32(1.0)), r"rfft: `x` must have rank >= 1"),
])
def test_fft_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- STFT -----------------------------------------------------------------------------
def reference_stft(x, sequence_length, stride, fft_length, window, center):
    """STFT from its definition: (reflect-padded) frames times the centred window, then rfft."""
    x = np.asarray(x, "float64")
    if center:
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(fft_length // 2,) * 2], mode="reflect")
    if window is None:
        win = np.ones(fft_length)
    else:
        win = scipy.signal.get_window(window, sequence_length) if isinstance(window, str) else window
        left = (fft_length - sequence_length) // 2
        win = np.pad(win, (left, fft_length - sequence_length - left))
    count = 1 + (x.shape[-1] - fft_length) // stride
    frames = np.stack([x[..., i * stride:i * stride + fft_length] for i in range(count)], axis=-2)
    return np.fft.rfft(frames * win, axis=-1)


STFT_CASES = [  # sequence_length, sequence_stride, fft_length, window, center
    (8, 4, 8, "hann", True), (6, 3, 8, "hamming", False), (5, 2, 8, None, True), (4, 1, 4, None, False),
    (6, 2, 9, "hann", True),
]


@pytest.mark.parametrize("case", STFT_CASES)
def test_stft_matches_the_definition(case):
    out = ops.stft(SIGNAL, *case[:3], window=case[3], center=case[4])
    check_pair(out, reference_stft(SIGNAL, *case))
    assert dtype_of(out[0]) == "float32"
    assert_spec(ops.stft(spec(SIGNAL), *case[:3], window=case[3], center=case[4]), out)


def test_stft_with_a_window_tensor_and_no_batch():
    win = rng.uniform(0.5, 1.0, 6).astype("float32")
    check_pair(ops.stft(SIGNAL[0], 6, 2, 8, window=win), reference_stft(SIGNAL[0], 6, 2, 8, win, True))
    sym = ops.stft(KerasTensor((3, None)), 6, 2, 8)
    assert tuple(sym[0].shape) == (3, None, 5)


@pytest.mark.parametrize("case", STFT_CASES)
def test_istft_inverts_stft(case):
    sequence_length, stride, fft_length, window, center = case
    real, imag = ops.stft(SIGNAL, sequence_length, stride, fft_length, window=window, center=center)
    out = ops.istft((real, imag), sequence_length, stride, fft_length, window=window, center=center)
    covered = out.shape[-1]
    if not center:  # the first sample of a periodic Hann/Hamming frame is (near) zero: skip the ends
        np.testing.assert_allclose(np_(out)[:, fft_length:covered - fft_length],
                                   SIGNAL[:, fft_length:covered - fft_length], atol=1e-4)
    else:
        np.testing.assert_allclose(np_(out), SIGNAL[:, :covered], atol=1e-4)
    assert dtype_of(out) == "float32"
    sym = ops.istft((spec(real), spec(imag)), sequence_length, stride, fft_length, window=window, center=center)
    assert_spec(sym, out)


def test_istft_matches_scipy_on_arbitrary_spectra_and_honours_length():
    frames, bins = 7, 5
    z = rng.standard_normal((frames, bins)) + 1j * rng.standard_normal((frames, bins))
    z[:, 0] = z[:, 0].real
    z[:, -1] = z[:, -1].real
    win = np.pad(scipy.signal.get_window("hann", 6), (1, 1))
    # scipy scales frames by the window sum; ops.stft does not, so divide it back out
    with warnings.catch_warnings():  # the zero-padded window leaves sample 0 uncovered: fine here
        warnings.filterwarnings("ignore", message="NOLA condition failed")
        _, expected = scipy.signal.istft(z, window=win, nperseg=8, noverlap=6, nfft=8, boundary=False,
                                         time_axis=-2, freq_axis=-1)
    expected = expected / win.sum()
    pair = (z.real.astype("float32"), z.imag.astype("float32"))
    out = ops.istft(pair, 6, 2, 8, center=False)
    np.testing.assert_allclose(np_(out), expected, atol=1e-4)
    for length in (5, 30):  # crop, then zero-pad
        out = ops.istft(pair, 6, 2, 8, length=length, center=True)
        want = np.concatenate([expected[4:4 + length], np.zeros(max(0, 4 + length - expected.size))])
        np.testing.assert_allclose(np_(out), want, atol=1e-4)
        assert tuple(ops.istft((spec(pair[0], False), spec(pair[1], False)), 6, 2, 8, length=length)
                     .shape) == (length,)


@pytest.mark.parametrize("call,error,match", [
    (lambda: ops.stft(np.arange(20), 8, 4, 8), TypeError, r"stft: `x` must be float32 or float64.*int"),
    (lambda: ops.stft(SIGNAL, 8, 4, 8, window="blackman"), ValueError, r"a string `window` must be 'hann'"),
    (lambda: ops.stft(SIGNAL, 8, 4, 6), ValueError, r"`fft_length` must be at least `sequence_length`"),
    (lambda: ops.stft(SIGNAL, 8, 0, 8), ValueError, r"`sequence_stride` must be a positive int"),
    (lambda: ops.stft(SIGNAL, 8, 4, 8, window=np.ones(5)), ValueError, r"must have shape \(sequence_length,\)"),
    (lambda: ops.stft(SIGNAL[:, :4], 8, 4, 8), ValueError, r"must have more than fft_length // 2 = 4 samples"),
    (lambda: ops.stft(SIGNAL[:, :6], 8, 4, 8, center=False), ValueError, r"at least fft_length = 8"),
    (lambda: ops.istft((RE, IM), 4, 2, 8, length=-1), ValueError, r"istft: `length` must be None or"),
    (lambda: ops.istft((RE[0, 0], IM[0, 0]), 4, 2, 8), ValueError, r"istft: `x` must have rank >= 2"),
])
def test_stft_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_stft_gradient_matches_the_dft_formula():
    # d sum(real(stft)) / dx: each sample's weight is the window times sum_k cos(2 pi k n / N)
    x = cornu.Variable(SIGNAL[0])
    _, _, grads = backend.compute_gradients(
        lambda: (ops.sum(ops.stft(x, 8, 4, 8, window=None, center=False)[0]), None), [x])
    n = np.arange(8)
    per_sample = np.cos(2 * np.pi * np.outer(np.arange(5), n) / 8).sum(axis=0)
    expected = np.zeros(20)
    for start in range(0, 13, 4):
        expected[start:start + 8] += per_sample
    np.testing.assert_allclose(np_(grads[0]), expected, atol=1e-4)


# -- cdist, erfc ----------------------------------------------------------------------
def test_cdist_matches_scipy_and_broadcasts_batches():
    x = rng.standard_normal((5, 3)).astype("float32")
    y = rng.standard_normal((4, 3)).astype("float32")
    np.testing.assert_allclose(np_(ops.cdist(x, y)), scipy.spatial.distance.cdist(x, y), rtol=1e-5, atol=1e-5)
    xb = np.stack([x, x + 1])  # (2, 5, 3) with (1, 4, 3)
    out = ops.cdist(xb, y[None])
    assert tuple(out.shape) == (2, 5, 4)
    np.testing.assert_allclose(np_(out)[1], scipy.spatial.distance.cdist(x + 1, y), rtol=1e-5, atol=1e-5)
    assert dtype_of(ops.cdist(x.astype("int32"), y.astype("int32"))) == "float32"
    assert_spec(ops.cdist(spec(xb), y[None]), out)
    with pytest.raises(ValueError, match=r"cdist: `x` and `y` must have the same last"):
        ops.cdist(x, y[:, :2])
    with pytest.raises(ValueError, match=r"cdist: `x` and `y` must have rank >= 2"):
        ops.cdist(x[0], y)


def test_cdist_gradient_is_finite_where_points_coincide():
    pts = np.array([[0.0, 0.0], [3.0, 4.0]], "float32")
    var = cornu.Variable(pts)
    _, _, grads = backend.compute_gradients(lambda: (ops.sum(ops.cdist(var, pts)), None), [var])
    # row 0: d|x0 - p1|/dx0 = (x0 - p1)/5 (the zero distance to itself contributes 0); row 1 alike
    np.testing.assert_allclose(np_(grads[0]), [[-0.6, -0.8], [0.6, 0.8]], atol=1e-6)


def test_erfc():
    x = np.linspace(-3, 3, 7).astype("float32")
    np.testing.assert_allclose(np_(ops.erfc(x)), scipy.special.erfc(x), rtol=1e-5, atol=1e-6)
    out = ops.erfc(np.array([0, 1], "int32"))
    assert dtype_of(out) == "float32"
    np.testing.assert_allclose(np_(out), scipy.special.erfc([0, 1]), rtol=1e-6)
    assert_spec(ops.erfc(spec(RE)), ops.erfc(RE))


# -- segment reductions ---------------------------------------------------------------
DATA = rng.integers(-9, 9, size=(6, 2)).astype("float32")
IDS = np.array([0, 2, 0, 2, 5, -1], "int32")  # segments 1, 3, 4 empty; -1 dropped


def reference_segments(reduce, identity, data, ids, n):
    out = np.full((n,) + data.shape[1:], identity, data.dtype)
    for row, seg in zip(data, ids):
        if 0 <= seg < n:
            out[seg] = reduce(out[seg], row)
    return out


@pytest.mark.parametrize("name,reduce", [("segment_min", np.minimum), ("segment_prod", np.multiply)])
def test_segment_reductions(name, reduce):
    op = getattr(ops, name)
    for data in (DATA, DATA.astype("int32")):
        identity = (np.inf if data.dtype.kind == "f" else np.iinfo(data.dtype).max) if name == "segment_min" else 1
        out = op(data, IDS, num_segments=6)
        assert dtype_of(out) == str(data.dtype)
        np.testing.assert_array_equal(np_(out), reference_segments(reduce, identity, data, IDS, 6))
    inferred = op(DATA, IDS)  # num_segments = max(ids) + 1
    assert tuple(inferred.shape) == (6, 2)
    np.testing.assert_array_equal(np_(op(DATA, IDS, num_segments=3)), np_(inferred)[:3])
    assert tuple(op(spec(DATA), KerasTensor((None,), "int32"), num_segments=4).shape) == (4, 2)
    assert tuple(op(spec(DATA), KerasTensor((None,), "int32")).shape) == (None, 2)
    with pytest.raises(ValueError, match=rf"{name}: `segment_ids` must be a 1-D vector"):
        op(DATA, IDS[:, None])
    with pytest.raises(ValueError, match=rf"{name}: `data` and `segment_ids` must have the same leading"):
        op(DATA, IDS[:4])
    with pytest.raises(ValueError, match=rf"{name}: `num_segments` must be None or a non-negative int"):
        op(DATA, IDS, num_segments=2.5)


def test_segment_prod_gradient_is_the_product_of_the_other_rows():
    data = np.array([2.0, 3.0, 0.0, 5.0, 0.0, 0.0, 7.0], "float32")
    ids = np.array([0, 0, 1, 1, 2, 2, -1], "int32")  # zeros in segments 1 and 2; the last row is dropped
    var = cornu.Variable(data)
    _, _, grads = backend.compute_gradients(lambda: (ops.sum(ops.segment_prod(var, ids, 3)), None), [var])
    np.testing.assert_allclose(np_(grads[0]), [3.0, 2.0, 5.0, 0.0, 0.0, 0.0, 0.0], rtol=1e-6)


# -- complex views --------------------------------------------------------------------
def test_view_as_complex_and_back():
    pairs = np.stack([RE, IM], axis=-1)
    z = ops.view_as_complex(pairs)
    assert dtype_of(z) == "complex64" and tuple(z.shape) == RE.shape
    np.testing.assert_allclose(np_(z), Z.astype("complex64"))
    back = ops.view_as_real(z)
    assert dtype_of(back) == "float32"
    np.testing.assert_array_equal(np_(back), pairs)
    np.testing.assert_array_equal(np_(ops.view_as_real(RE)), np.stack([RE, np.zeros_like(RE)], -1))
    wide = ops.view_as_complex(pairs.astype("float64"))
    assert dtype_of(wide) == ("complex128" if dtype_of(ops.convert_to_tensor(pairs.astype("float64"))) == "float64"
                              else "complex64")
    assert_spec(ops.view_as_complex(spec(pairs)), z)
    assert_spec(ops.view_as_real(ops.view_as_complex(spec(pairs))), back)
    with pytest.raises(ValueError, match=r"view_as_complex: the last dimension of `x` must be 2"):
        ops.view_as_complex(RE)
