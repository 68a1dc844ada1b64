"""Generate reference fixtures from real Keras (run outside the repo's venv).

Usage: KERAS_BACKEND=jax /tmp/kerasenv/bin/python tests/applications/make_fixtures.py [specs|mobilenet]

* ``specs``: for each application, the layer list (name, class, weight shapes)
  and parameter count of ``weights=None`` models, written to
  ``fixtures/keras_layer_specs.json.gz``.
* ``mobilenet``: a small MobileNetV2 (alpha=0.35, 96x96) saved with
  ``save_weights`` in the legacy h5 layout, with inputs and Keras's predictions.
"""
import gzip
import json
import os
import sys

import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def _spec(model):
    layers = []
    for layer in model.layers:
        layers.append([layer.name, layer.__class__.__name__, [list(w.shape) for w in layer.weights]])
    return {"count": int(model.count_params()), "layers": layers,
            "output_shape": list(model.output_shape)}


def specs():
    import keras
    from keras import applications as A

    path = os.path.join(HERE, "keras_layer_specs.json.gz")
    out = {}
    if os.path.exists(path):
        with gzip.open(path, "rt") as f:
            out = json.load(f)
    names = sys.argv[2:] or [
        "VGG16", "VGG19", "ResNet50", "ResNet101", "ResNet152", "MobileNetV2", "MobileNet",
        "InceptionV3", "Xception", "ResNet50V2", "ResNet101V2", "ResNet152V2", "DenseNet121",
        "DenseNet169", "DenseNet201", "EfficientNetB0", "EfficientNetB1", "EfficientNetB2",
        "EfficientNetB3", "EfficientNetB4", "EfficientNetB5", "EfficientNetB6", "EfficientNetB7",
        "MobileNetV3Small", "MobileNetV3Large", "InceptionResNetV2", "NASNetMobile", "ConvNeXtTiny"]
    for n in names:
        keras.backend.clear_session()
        out[n] = _spec(getattr(A, n)(weights=None))
        print(n, out[n]["count"], flush=True)
        with gzip.open(path, "wt") as f:  # after each model: partial runs keep their work
            json.dump(out, f)


def mobilenet():
    import keras

    keras.utils.set_random_seed(0)
    m = keras.applications.MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), weights=None)
    # Random, non-trivial BN statistics so inference mode is actually exercised.
    rng = np.random.default_rng(0)
    for layer in m.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.moving_mean.assign(rng.normal(0, 0.1, layer.moving_mean.shape))
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, layer.moving_variance.shape))
    x = rng.uniform(-1, 1, (2, 96, 96, 3)).astype("float32")
    y = m.predict(x, verbose=0)
    m.save_weights(os.path.join(HERE, "mobilenet_v2_035_96.weights.h5"))
    path = os.path.join(HERE, "mobilenet_v2_035_96.h5")
    keras.src.legacy.saving.legacy_h5_format.save_weights_to_hdf5_group
    import h5py
    with h5py.File(path, "w") as f:
        keras.src.legacy.saving.legacy_h5_format.save_weights_to_hdf5_group(f, m)
    os.remove(os.path.join(HERE, "mobilenet_v2_035_96.weights.h5"))
    np.savez_compressed(os.path.join(HERE, "mobilenet_v2_035_96_io.npz"), x=x, y=y)


if __name__ == "__main__":
    {"specs": specs, "mobilenet": mobilenet}[sys.argv[1]]()
