"""ReversibleEmbedding against NumPy: lookup, reverse projection (tied and untied), soft cap,
reverse dtype, masks, gradients through both uses of a tied matrix, configs and files."""
import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from cornu.testing import run_layer_test

rng = np.random.default_rng(12)
IDS = np.array([[1, 4, 0], [7, 2, 9]], "int32")


@pytest.mark.parametrize("tie_weights", [True, False])
@pytest.mark.parametrize("cap", [None, 2.0])
def test_forward_and_reverse_match_numpy(tie_weights, cap):
    layer = layers.ReversibleEmbedding(10, 4, tie_weights=tie_weights, logit_soft_cap=cap,
                                       embeddings_initializer="random_normal")
    hidden = layer(IDS)
    table = layer.embeddings.numpy()
    np.testing.assert_allclose(ops.convert_to_numpy(hidden), table[IDS], rtol=1e-6)
    x = rng.standard_normal((2, 3, 4)).astype("float32")
    logits = ops.convert_to_numpy(layer(x, reverse=True))
    kernel = table.T if tie_weights else layer.reverse_embeddings.numpy()
    want = x.astype("float64") @ kernel
    if cap is not None:
        want = np.tanh(want / cap) * cap
    np.testing.assert_allclose(logits, want, rtol=1e-5, atol=1e-6)
    names = [v.path.split("/")[-1] for v in layer.weights]
    assert names == (["embeddings"] if tie_weights else ["embeddings", "reverse_embeddings"])
    if not tie_weights:
        assert tuple(layer.reverse_embeddings.shape) == (4, 10)


def test_gradients_through_a_tied_matrix_add_up():
    layer = layers.ReversibleEmbedding(6, 3, embeddings_initializer="random_normal")
    ids = np.array([[1, 2, 2]], "int32")
    layer.build()
    table = layer.embeddings.numpy().astype("float64")
    cot = rng.standard_normal((1, 3, 6)).astype("float32")
    _, _, grads = backend.compute_gradients(
        lambda: (ops.sum(ops.multiply(layer(layer(ids), reverse=True), cot)), None), [layer.embeddings])
    h = table[ids[0]]  # (3, 3): looked-up rows
    g_kernel = h.T @ cot[0]  # d/d(table^T) of the reverse product
    want = g_kernel.T.copy()
    g_h = cot[0] @ table  # d/d(h), scattered back to the looked-up rows
    for pos, idx in enumerate(ids[0]):
        want[idx] += g_h[pos]
    np.testing.assert_allclose(ops.convert_to_numpy(grads[0]), want, rtol=1e-4, atol=1e-5)


def test_reverse_dtype_and_masks():
    layer = layers.ReversibleEmbedding(10, 4, mask_zero=True, reverse_dtype="float16")
    hidden = layer(IDS)
    np.testing.assert_array_equal(ops.convert_to_numpy(hidden._keras_mask), IDS != 0)
    logits = layer(hidden, reverse=True)
    assert backend.standardize_dtype(logits.dtype) == "float16"
    assert getattr(logits, "_keras_mask", None) is None
    sym = layer(layer(cornu.Input((3,), dtype="int32")), reverse=True)
    assert tuple(sym.shape) == (None, 3, 10) and sym.dtype == "float16"
    assert layer.compute_output_shape((2, 3), reverse=False) == (2, 3, 4)
    assert layer.compute_output_shape((2, 3, 4), reverse=True) == (2, 3, 10)


def test_harness_config_and_keras_file(tmp_path):
    run_layer_test(layers.ReversibleEmbedding, {"input_dim": 8, "output_dim": 3, "tie_weights": False},
                   input_data=IDS % 8, expected_output_shape=(2, 3, 3),
                   expected_weights=[("embeddings", (8, 3)), ("reverse_embeddings", (3, 8))],
                   run_training_check=False)
    layer = layers.ReversibleEmbedding(10, 4, tie_weights=False, logit_soft_cap=5.0, reverse_dtype="float32")
    config = layer.get_config()
    assert (config["tie_weights"], config["logit_soft_cap"], config["reverse_dtype"]) == (False, 5.0, "float32")
    assert layers.ReversibleEmbedding.from_config(config).get_config() == config
    inp = cornu.Input((3,), dtype="int32")
    model = cornu.Model(inp, layer(layer(inp), reverse=True))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(IDS, IDS, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    path = str(tmp_path / "rev.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict(IDS, verbose=0), model.predict(IDS, verbose=0), rtol=1e-6, atol=1e-6)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="`logit_soft_cap` must be None or a positive number; received logit_soft_cap=0"):
        layers.ReversibleEmbedding(10, 4, logit_soft_cap=0)
    with pytest.raises(ValueError, match="`reverse_dtype` must be a dtype name"):
        layers.ReversibleEmbedding(10, 4, reverse_dtype="nope")
    with pytest.raises(ValueError, match="`output_dim`.*positive"):
        layers.ReversibleEmbedding(10, 0)
