"""EfficientNet specifics: identity preprocessing, built-in rescaling, stochastic depth rates.
(A small depth/width setting keeps the default run fast; the full B0..B7 are checked
layer for layer against Keras in test_architectures with CORNU_SLOW_TESTS=1.)"""
import re

import numpy as np

from cornu.applications import efficientnet


def test_preprocess_is_identity_and_rescaling_in_model():
    x = np.arange(12, dtype="float32").reshape(1, 2, 2, 3)
    assert efficientnet.preprocess_input(x) is x
    # depth 0.5: repeats ceil(0.5 * [1, 2, 2, 3, 3, 4, 1]) = [1, 1, 1, 2, 2, 2, 1] -> 10 blocks
    m = efficientnet.EfficientNet(0.25, 0.5, 32, include_top=False, weights=None, input_shape=(32, 32, 3),
                                  pooling="avg", name="tiny")
    # auto names (numbered when other tests made such layers first)
    assert re.fullmatch(r"rescaling(_\d+)?", m.layers[1].name)
    assert re.fullmatch(r"normalization(_\d+)?", m.layers[2].name)
    assert m.output_shape == (None, 320)  # round_filters(1280) at width 0.25
    # stochastic depth grows linearly with the block index: rate = 0.2 * b / total
    drops = {layer.name: layer.rate for layer in m.layers if layer.name.endswith("_drop")}
    assert sorted(drops) == ["block4b_drop", "block5b_drop", "block6b_drop"]
    np.testing.assert_allclose(drops["block4b_drop"], 0.2 * 4 / 10)
    np.testing.assert_allclose(drops["block6b_drop"], 0.2 * 8 / 10)
