"""Keras 1/2 layer arguments map to Keras 3 ones (one warning per argument name per process)."""
import warnings

import numpy as np
import pytest

import cornu
from cornu import layers
from cornu.legacy import layers as legacy_layers

rng = np.random.default_rng(0)


def _config(layer):
    config = layer.get_config()
    config.pop("name")
    return config


def _legacy(make):
    with pytest.warns(DeprecationWarning):
        return make()


CASES = [
    (lambda: layers.Dense(output_dim=4, input_dim=3, init="uniform", W_regularizer="l2", b_regularizer="l1",
                          W_constraint="max_norm", b_constraint="non_neg", bias=False),
     lambda: layers.Dense(units=4, input_dim=3, kernel_initializer="uniform", kernel_regularizer="l2",
                          bias_regularizer="l1", kernel_constraint="max_norm", bias_constraint="non_neg",
                          use_bias=False)),
    (lambda: layers.Convolution2D(nb_filter=8, nb_row=3, nb_col=2, border_mode="same", subsample=(2, 1),
                                  dim_ordering="th"),
     lambda: layers.Conv2D(filters=8, kernel_size=(3, 2), padding="same", strides=(2, 1),
                           data_format="channels_first")),
    (lambda: layers.Convolution1D(nb_filter=4, filter_length=5, subsample_length=2, input_dim=6, input_length=10),
     lambda: layers.Conv1D(4, 5, strides=2, input_shape=(10, 6))),
    (lambda: layers.MaxPooling1D(pool_length=3, stride=2, border_mode="same"),
     lambda: layers.MaxPooling1D(pool_size=3, strides=2, padding="same")),
    (lambda: layers.MaxPooling2D(pool_size=(2, 2), strides=(1, 1), border_mode="valid", dim_ordering="tf"),
     lambda: layers.MaxPooling2D(pool_size=(2, 2), strides=(1, 1), padding="valid", data_format="channels_last")),
    (lambda: layers.Dropout(p=0.25), lambda: layers.Dropout(rate=0.25)),
    (lambda: layers.SpatialDropout2D(p=0.5), lambda: layers.SpatialDropout2D(rate=0.5)),
    (lambda: layers.GaussianNoise(sigma=0.1), lambda: layers.GaussianNoise(stddev=0.1)),
    (lambda: layers.Embedding(50, 8, init="normal", W_regularizer="l2", input_length=7),
     lambda: layers.Embedding(50, 8, embeddings_initializer="normal", embeddings_regularizer="l2",
                              input_shape=(7,))),
    (lambda: layers.LSTM(output_dim=6, init="orthogonal", inner_init="glorot_uniform", inner_activation="sigmoid",
                         U_regularizer="l2", dropout_W=0.1, dropout_U=0.2, consume_less="gpu", input_dim=3,
                         input_length=5),
     lambda: layers.LSTM(units=6, kernel_initializer="orthogonal", recurrent_initializer="glorot_uniform",
                         recurrent_activation="sigmoid", recurrent_regularizer="l2", dropout=0.1,
                         recurrent_dropout=0.2, input_shape=(5, 3))),
    (lambda: layers.GRU(output_dim=4, input_dim=2), lambda: layers.GRU(4, input_shape=(None, 2))),
    (lambda: layers.BatchNormalization(mode=0, axis=1, beta_init="zeros", gamma_init="ones"),
     lambda: layers.BatchNormalization(axis=1, beta_initializer="zeros", gamma_initializer="ones")),
    (lambda: layers.LeakyReLU(alpha=0.2), lambda: layers.LeakyReLU(negative_slope=0.2)),
    (lambda: layers.UpSampling1D(length=3), lambda: layers.UpSampling1D(size=3)),
    (lambda: layers.ZeroPadding2D(padding=(1, 2), dim_ordering="th"),
     lambda: layers.ZeroPadding2D(padding=(1, 2), data_format="channels_first")),
    (lambda: layers.Convolution3D(2, 3, 3, 1, border_mode="same"),
     lambda: layers.Conv3D(2, (3, 3, 1), padding="same")),
    (lambda: layers.Deconvolution2D(4, 3, 3, output_shape=(None, 8, 8, 4), subsample=(2, 2)),
     lambda: layers.Conv2DTranspose(4, (3, 3), strides=(2, 2))),
    (lambda: layers.AtrousConvolution2D(4, 3, 3, atrous_rate=(2, 2)),
     lambda: layers.Conv2D(4, (3, 3), dilation_rate=(2, 2))),
    (lambda: layers.Merge(mode="ave"), lambda: layers.Average()),
    (lambda: layers.Merge(mode="cos", dot_axes=1), lambda: layers.Dot(axes=1, normalize=True)),
]


@pytest.mark.parametrize("legacy, modern", CASES)
def test_legacy_arguments_build_the_keras3_layer(legacy, modern):
    old = _legacy(legacy)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = modern()
    assert type(old) is type(new)
    assert _config(old) == _config(new)


def test_each_argument_name_warns_once_per_process():
    with pytest.warns(DeprecationWarning) as record:
        layers.Dense(output_dim=2, init="zeros")
        layers.Dense(output_dim=3, init="ones")
        layers.Convolution2D(4, 3, 3, init="zeros")
    messages = [str(w.message) for w in record]
    assert sum("output_dim" in m for m in messages) == 1
    assert sum("(init=" in m for m in messages) == 1
    assert sum("Keras 1 signature" in m for m in messages) == 1
    assert all(w.filename == __file__ for w in record)


def test_keras1_positional_convolution_vs_keras3_strides():
    conv1 = _legacy(lambda: layers.Convolution2D(4, 3, 3))  # Keras 1: a 3x3 kernel
    assert conv1.kernel_size == (3, 3) and conv1.strides == (1, 1)
    conv3 = layers.Conv2D(4, 3, 3)  # Keras 3: kernel 3, strides 3
    assert conv3.kernel_size == (3, 3) and conv3.strides == (3, 3)
    conv2 = _legacy(lambda: layers.Conv2D(4, 3, 2, border_mode="same"))  # Keras 1 keywords: Keras 1
    assert conv2.kernel_size == (3, 2) and conv2.padding == "same"
    held = layers.Conv2D
    conv4 = held(4, 5, 3)  # unknown spelling, no padding/strides: Keras 2's rule (already warned above)
    assert conv4.kernel_size == (5, 3) and conv4.strides == (1, 1)
    conv5 = held(4, 5, 2, padding="same")  # Keras 3 keywords: Keras 3 strides
    assert conv5.kernel_size == (5, 5) and conv5.strides == (2, 2)


def test_keras1_convolution_computes_a_3x3_convolution():
    conv = _legacy(lambda: layers.Convolution2D(2, 3, 3, border_mode="valid", dim_ordering="th"))
    x = rng.random((1, 1, 5, 5)).astype("float32")
    y = cornu.ops.convert_to_numpy(conv(x))
    kernel, bias = conv.get_weights()  # (3, 3, 1, 2)
    ref = np.zeros((1, 2, 3, 3), "float32")
    for i in range(3):
        for j in range(3):
            ref[0, :, i, j] = np.tensordot(x[0, 0, i:i + 3, j:j + 3], kernel[:, :, 0, :], axes=([0, 1], [0, 1])) + bias
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-5)


def test_custom_layers_keep_their_own_argument_names():
    class Scaled(layers.Layer):
        def __init__(self, bias=0.5, init=2.0, **kwargs):
            super().__init__(**kwargs)
            self.bias, self.init = bias, init

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layer = Scaled(bias=3.0, init=4.0)
    assert (layer.bias, layer.init) == (3.0, 4.0)

    class MyConv(layers.Conv2D):
        def __init__(self, filters, size, stride, **kwargs):
            super().__init__(filters, size, strides=stride, **kwargs)

    conv = MyConv(4, 3, 2)
    assert conv.kernel_size == (3, 3) and conv.strides == (2, 2)


def test_removed_keras1_modes_are_errors():
    with pytest.raises(TypeError, match="mode=2"), pytest.warns(DeprecationWarning):
        layers.BatchNormalization(mode=2)
    with pytest.raises(ValueError, match="full"), pytest.warns(DeprecationWarning):
        layers.Convolution2D(4, 3, 3, border_mode="full")
    with pytest.raises(ValueError, match="mode"), pytest.warns(DeprecationWarning):
        legacy_layers.merge([cornu.Input((2,)), cornu.Input((2,))], mode="nope")


def test_lstm_forget_bias_init_and_time_distributed_dense():
    lstm = _legacy(lambda: layers.LSTM(3, forget_bias_init="zero"))
    assert lstm.cell.unit_forget_bias is False
    tdd = _legacy(lambda: layers.TimeDistributedDense(5, input_dim=3, input_length=4, init="zeros"))
    assert isinstance(tdd, layers.TimeDistributed) and tdd.layer.units == 5
    assert tdd._batch_input_shape == (None, 4, 3)


@pytest.mark.parametrize("mode, reference", [
    ("sum", lambda a, b: a + b), ("mul", lambda a, b: a * b), ("ave", lambda a, b: (a + b) / 2),
    ("max", np.maximum), ("concat", lambda a, b: np.concatenate([a, b], axis=-1)),
    ("dot", lambda a, b: np.sum(a * b, axis=1, keepdims=True)),
    ("cos", lambda a, b: np.sum(a * b, 1, keepdims=True) / np.sqrt(np.sum(a * a, 1, keepdims=True)
                                                                    * np.sum(b * b, 1, keepdims=True))),
])
def test_merge_modes_against_numpy(mode, reference):
    a, b = cornu.Input((4,)), cornu.Input((4,))
    with pytest.warns(DeprecationWarning):
        out = legacy_layers.merge([a, b], mode=mode, dot_axes=1)
    model = cornu.Model([a, b], out)
    xa, xb = rng.random((3, 4)).astype("float32"), rng.random((3, 4)).astype("float32")
    np.testing.assert_allclose(model.predict([xa, xb], verbose=0), reference(xa, xb), rtol=1e-5, atol=1e-6)


def test_merge_with_a_function_and_of_whole_models():
    a, b = cornu.Input((2,)), cornu.Input((2,))
    with pytest.warns(DeprecationWarning):
        out = legacy_layers.merge([a, b], mode=lambda t: t[0] - t[1], output_shape=(2,))
    x1, x2 = np.ones((1, 2), "float32"), np.full((1, 2), 3, "float32")
    np.testing.assert_allclose(cornu.Model([a, b], out).predict([x1, x2], verbose=0), x1 - x2)
    left = cornu.Sequential([cornu.Input((3,)), layers.Dense(2)])
    right = cornu.Sequential([cornu.Input((4,)), layers.Dense(2)])
    with pytest.warns(DeprecationWarning):
        merged = layers.Merge([left, right], mode="concat")
    x3, x4 = rng.random((2, 3)).astype("float32"), rng.random((2, 4)).astype("float32")
    np.testing.assert_allclose(merged.predict([x3, x4], verbose=0),
                               np.concatenate([left.predict(x3, verbose=0), right.predict(x4, verbose=0)], -1),
                               rtol=1e-5, atol=1e-6)
