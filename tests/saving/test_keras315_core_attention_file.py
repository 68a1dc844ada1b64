"""A real Keras 3.15 file with EinsumDense, GroupQueryAttention (gated), ReversibleEmbedding
(untied, used forwards and in reverse), SpectralNormalization and Pipeline loads with
Keras's predictions and weights (fixture from make_keras315_core_attention_fixture.py)."""
import os

import numpy as np

import cornu
from cornu import layers

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras3")


def test_core_attention_file_loads_with_keras_predictions(tmp_path):
    model = cornu.saving.load_model(os.path.join(HERE, "core_attention.keras"))
    x = np.load(os.path.join(HERE, "core_attention.inputs.npz"))["x0"]
    want = np.load(os.path.join(HERE, "core_attention.expected.npy"))
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-5, atol=1e-5)
    kinds = {type(la) for la in model.layers}
    assert {layers.ReversibleEmbedding, layers.EinsumDense, layers.GroupQueryAttention, layers.Pipeline,
            layers.SpectralNormalization} <= kinds
    sn = next(la for la in model.layers if isinstance(la, layers.SpectralNormalization))
    assert sn.power_iterations == 2 and tuple(sn.vector_u.shape) == (1, 8)
    gqa = next(la for la in model.layers if isinstance(la, layers.GroupQueryAttention))
    assert gqa.use_gate and [v.path.split("/")[0] for v in gqa.weights][::2] == \
        ["query", "key", "gate", "value", "attention_output"]
    # cornu's own save of it loads back the same.
    path = str(tmp_path / "again.keras")
    model.save(path)
    np.testing.assert_allclose(cornu.saving.load_model(path).predict(x, verbose=0), want, rtol=1e-5, atol=1e-5)
