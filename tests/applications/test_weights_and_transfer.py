"""Loading a real Keras legacy-h5 weights file (the published files' layout)
gives Keras's predictions; a frozen base keeps its weights and BN statistics."""
import os
import sys

import numpy as np

import cornu
import cornu.applications as A
import cornu.saving  # noqa: F401  (load_weights hooks; the public door will import it)

HERE = os.path.dirname(__file__)
FIXTURE = os.path.join(HERE, "fixtures", "mobilenet_v2_035_96_c10.h5")
sys.path.insert(0, HERE)
from make_fixtures import fixture_inputs  # noqa: E402


def test_public_door():
    import cornu.applications as apps

    assert apps.MobileNetV2 is A.mobilenet_v2.MobileNetV2
    assert callable(apps.resnet50.preprocess_input) and callable(apps.resnet50.decode_predictions)


def test_keras_h5_file_gives_keras_predictions():
    model = A.MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), weights=FIXTURE, classes=10)
    expected = np.load(os.path.join(HERE, "fixtures", "mobilenet_v2_035_96_c10_pred.npy"))
    got = np.asarray(model.predict(fixture_inputs(), verbose=0))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    # the file holds non-trivial BN statistics, so inference mode was used
    bn = model.get_layer("bn_Conv1")
    assert not np.allclose(cornu.ops.convert_to_numpy(bn.moving_mean.value), 0.0)


def test_transfer_learning_frozen_base():
    base = A.MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), include_top=False, weights=None)
    base.trainable = False
    inputs = cornu.Input((96, 96, 3))
    x = base(inputs, training=False)
    x = cornu.layers.GlobalAveragePooling2D()(x)
    outputs = cornu.layers.Dense(2, activation="softmax")(x)
    model = cornu.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    before = [np.array(w) for w in base.get_weights()]
    head_before = [np.array(w) for w in model.layers[-1].get_weights()]
    rng = np.random.default_rng(0)
    xs = rng.uniform(-1, 1, (8, 96, 96, 3)).astype("float32")
    ys = rng.integers(0, 2, (8,))
    model.fit(xs, ys, batch_size=4, epochs=1, verbose=0)
    for b, a in zip(before, base.get_weights()):
        np.testing.assert_array_equal(b, np.asarray(a))  # weights and BN moving stats untouched
    assert any(not np.allclose(b, a) for b, a in zip(head_before, model.layers[-1].get_weights()))
    assert len(model.trainable_weights) == 2
