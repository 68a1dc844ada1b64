"""ConvLSTM1D/2D/3D: harness, parameter counts, NumPy reference (values and gradients), data formats."""
import itertools

import numpy as np
import pytest

from rnn_refs import engine_grads, numeric_grad, run_loop, sigmoid
from cornu import backend, layers
from cornu.testing import run_layer_test


def np_conv(x, w, strides, padding):
    """Cross-correlation of channels-last ``x (b, *spatial, c)`` with ``w (*k, c, f)`` (NumPy, float64)."""
    rank = w.ndim - 2
    k = w.shape[:rank]
    if padding == "same":
        pads = []
        for size, kk, s in zip(x.shape[1:-1], k, strides):
            out = -(-size // s)
            total = max((out - 1) * s + kk - size, 0)
            pads.append((total // 2, total - total // 2))
        x = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    out_sizes = [(n - kk) // s + 1 for n, kk, s in zip(x.shape[1:-1], k, strides)]
    out = np.zeros((x.shape[0], *out_sizes, w.shape[-1]))
    for pos in itertools.product(*[range(n) for n in out_sizes]):
        window = x[(slice(None),) + tuple(slice(p * s, p * s + kk) for p, s, kk in zip(pos, strides, k))]
        out[(slice(None),) + pos] = np.tensordot(window, w, axes=(list(range(1, rank + 2)), list(range(rank + 1))))
    return out


def conv_lstm_step(kernel, recurrent_kernel, bias, strides, padding):
    def step(x, states):
        h, c = states
        rank = kernel.ndim - 2
        z = np_conv(x, kernel, strides, padding) + np_conv(h, recurrent_kernel, (1,) * rank, "same") + bias
        i, f, g, o = np.split(z, 4, axis=-1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        return h, [h, c]
    return step


@pytest.mark.parametrize("cls,shape", [(layers.ConvLSTM1D, (2, 3, 5, 2)), (layers.ConvLSTM2D, (2, 3, 4, 4, 2)),
                                       (layers.ConvLSTM3D, (1, 2, 3, 3, 3, 1))])
def test_harness(cls, shape):
    rank = len(shape) - 3
    run_layer_test(cls, {"filters": 2, "kernel_size": 2, "padding": "same", "return_sequences": rank < 3},
                   input_shape=shape, expected_num_trainable_weights=3, expected_num_seed_generators=1,
                   expected_weights=[("kernel", (2,) * rank + (shape[-1], 8)),
                                     ("recurrent_kernel", (2,) * rank + (2, 8)), ("bias", (8,))],
                   run_training_check=rank < 3)


def test_parameter_count_and_output_shapes():
    layer = layers.ConvLSTM2D(4, (3, 2), strides=(2, 1), return_sequences=True, return_state=True)
    out = layer.compute_output_shape((None, 5, 9, 7, 3))
    assert out == ((None, 5, 4, 6, 4), (None, 4, 6, 4), (None, 4, 6, 4))
    layer.build((None, 5, 9, 7, 3))
    assert layer.count_params() == 3 * 2 * 3 * 16 + 3 * 2 * 4 * 16 + 16


@pytest.mark.parametrize("cfg", [dict(padding="valid", strides=2), dict(padding="same", go_backwards=True)])
def test_conv_lstm2d_matches_numpy(cfg):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 3, 5, 5, 1)).astype("float32")
    strides = (cfg.get("strides", 1),) * 2
    layer = layers.ConvLSTM2D(2, 2, strides=strides, padding=cfg["padding"], return_sequences=True,
                              return_state=True, go_backwards=cfg.get("go_backwards", False),
                              bias_initializer="random_normal")
    layer.build(x.shape)
    weights = [np.asarray(w, np.float64) for w in layer.get_weights()]
    spatial = layer.compute_output_shape(x.shape)[1][1:]

    def ref(w, x_):
        seq, _, states = run_loop(conv_lstm_step(*w, strides, cfg["padding"]), x_,
                                  [np.zeros((1,) + spatial)] * 2, go_backwards=cfg.get("go_backwards", False))
        return [seq] + states

    expected = ref(weights, x)
    cot = [rng.standard_normal(e.shape).astype("float32") for e in expected]
    outs, g_vars, g_in = engine_grads(lambda a: layer(a), layer.trainable_weights, [x], cot)
    for got, want in zip(outs, expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    want = numeric_grad(lambda *a: float(sum(np.sum(r * c) for r, c in zip(ref(list(a[:3]), a[3]), cot))),
                        weights + [x])
    for got, w in zip(g_vars + g_in, want):
        np.testing.assert_allclose(got, w, rtol=2e-3, atol=2e-4)


def test_channels_first_matches_channels_last():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 4, 4, 2)).astype("float32")
    last = layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True)
    first = layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True, data_format="channels_first")
    out_last = backend.convert_to_numpy(last(backend.convert_to_tensor(x)))
    first.build((2, 3, 2, 4, 4))
    first.set_weights(last.get_weights())
    out_first = backend.convert_to_numpy(first(backend.convert_to_tensor(np.moveaxis(x, -1, 2).copy())))
    np.testing.assert_allclose(np.moveaxis(out_first, 2, -1), out_last, rtol=1e-5, atol=1e-5)


def test_conv_lstm_errors():
    with pytest.raises(ValueError, match="dilation_rate"):
        layers.ConvLSTM2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="padding"):
        layers.ConvLSTM1D(2, 3, padding="full")
    with pytest.raises(ValueError, match="static spatial"):
        layers.ConvLSTM2D(2, 3).build((None, 3, None, 4, 2))
