"""EfficientNet specifics: identity preprocessing, built-in rescaling, stochastic depth rates."""
import numpy as np

import cornu.applications as A
from cornu.applications import efficientnet


def test_preprocess_is_identity_and_rescaling_in_model():
    x = np.arange(12, dtype="float32").reshape(1, 2, 2, 3)
    assert efficientnet.preprocess_input(x) is x
    m = A.EfficientNetB0(include_top=False, weights=None, input_shape=(32, 32, 3), pooling="avg")
    assert m.layers[1].name == "rescaling" and m.layers[2].name == "normalization"
    assert m.output_shape == (None, 1280)
    # stochastic depth grows linearly with the block index: rate = 0.2 * b / 16
    drops = {layer.name: layer.rate for layer in m.layers if layer.name.endswith("_drop")}
    np.testing.assert_allclose(drops["block2b_drop"], 0.2 * 2 / 16)
    assert "block7a_drop" not in drops  # 192 -> 320 channels: no residual
    np.testing.assert_allclose(drops["block6d_drop"],
                               0.2 * 14 / 16)
