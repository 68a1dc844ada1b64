"""Generate reference fixtures from real Keras (run outside the repo's venv).

Usage: KERAS_BACKEND=jax /tmp/kerasenv/bin/python tests/applications/make_fixtures.py
[specs [NAME...]|mobilenet|small|full NAME OUTDIR]

* ``specs``: for each application, the layer list (name, class, weight shapes)
  and parameter count of ``weights=None`` models (and of the ``VARIANTS``
  with other arguments), written to ``fixtures/keras_layer_specs.json.gz``.
* ``mobilenet``: a small MobileNetV2 (alpha=0.35, 96x96) saved with
  ``save_weights`` in the legacy h5 layout, with inputs and Keras's predictions.
* ``small``: Keras's predictions (``small_models_pred.npz``) of small
  MobileNetV3Small / NASNet models given ``formula_weights`` (no file), and of
  a small ConvNeXt whose constant-initialized weights (LayerNorm, LayerScale,
  biases) are perturbed, saved as legacy h5 and ``.weights.h5``.
* ``full NAME OUTDIR``: a full-size application with perturbed weights, saved
  as legacy h5 and ``.weights.h5`` with Keras's predictions (made on the fly
  by the opt-in test in test_keras_weights.py; nothing is committed).
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


# Spec entries for non-default arguments: "Constructor/tag" -> keyword arguments.
VARIANTS = {
    "MobileNetV3Large/minimalistic": {"minimalistic": True},
    "MobileNetV3Small/alpha1.25": {"alpha": 1.25},
    "MobileNetV3Small/notop": {"include_top": False, "include_preprocessing": False, "pooling": "max",
                               "input_shape": (64, 64, 3)},
    "ConvNeXtTiny/notop": {"include_top": False, "pooling": "avg", "input_shape": (64, 64, 3)},
    "NASNetMobile/notop": {"include_top": False},
    "InceptionResNetV2/notop": {"include_top": False, "input_shape": (75, 75, 3)},
}


def build_application(module, key):
    """``module.<Constructor>(weights=None, **VARIANTS[key])`` for a spec key (Keras or cornu)."""
    return getattr(module, key.split("/")[0])(weights=None, **VARIANTS.get(key, {}))


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
        "MobileNetV3Small", "MobileNetV3Large", "InceptionResNetV2", "NASNetMobile", "ConvNeXtTiny",
        "NASNetLarge", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge", *VARIANTS]
    for n in names:
        keras.backend.clear_session()
        out[n] = _spec(build_application(A, n))
        print(n, out[n]["count"], flush=True)
        with gzip.open(path, "wt") as f:  # after each model: partial runs keep their work
            json.dump(out, f)


def mobilenet():
    import keras

    keras.utils.set_random_seed(0)
    m = keras.applications.MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), weights=None, classes=10)
    # Random, non-trivial BN statistics so inference mode is actually exercised.
    rng = np.random.default_rng(0)
    for layer in m.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.moving_mean.assign(rng.normal(0, 0.1, layer.moving_mean.shape))
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, layer.moving_variance.shape))
    x = fixture_inputs()
    y = m.predict(x, verbose=0)
    import h5py

    # The layout of the published ImageNet files: Keras 2 legacy h5 (layer_names / weight_names).
    with h5py.File(os.path.join(HERE, "mobilenet_v2_035_96_c10.h5"), "w") as f:
        keras.src.legacy.saving.legacy_h5_format.save_weights_to_hdf5_group(f, m)
    np.save(os.path.join(HERE, "mobilenet_v2_035_96_c10_pred.npy"), y)


def _perturb(model, seed=0):
    """Make every constant-initialized weight non-trivial so the check sees it."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        v = np.asarray(w.numpy())
        if "moving_variance" in w.path:
            w.assign(rng.uniform(0.5, 1.5, v.shape).astype(v.dtype))
        elif v.size and np.ptp(v) == 0:
            w.assign((v + rng.normal(0, 0.1, v.shape)).astype(v.dtype))


def _save_legacy_h5(model, path):
    import h5py
    import keras

    # Keras's own writer; the newest HDF5 object format keeps the many small groups compact.
    with h5py.File(path, "w", libver="latest") as f:
        keras.src.legacy.saving.legacy_h5_format.save_weights_to_hdf5_group(f, model)


def small_models():
    """The small models of the ``small`` fixtures: {name: (builder, inputs)} (Keras side)."""
    import keras
    from keras.src.applications import convnext, nasnet

    return {
        "mobilenet_v3_small_025_c10": (
            lambda: keras.applications.MobileNetV3Small(alpha=0.25, input_shape=(64, 64, 3), classes=10,
                                                        classifier_activation=None, weights=None),
            image_inputs(64)),
        "nasnet_mini_c10": (
            lambda: nasnet.NASNet(input_shape=(32, 32, 3), penultimate_filters=96, num_blocks=1,
                                  stem_block_filters=8, skip_reduction=False, weights=None, classes=10,
                                  default_size=32, classifier_activation=None, name="nasnet_mini"),
            image_inputs(32, low=-1.0, high=1.0)),
        "convnext_mini_c10": (
            lambda: convnext.ConvNeXt([1, 1, 2, 1], [8, 16, 24, 32], drop_path_rate=0.1, input_shape=(32, 32, 3),
                                      classes=10, classifier_activation=None, name="convnext_mini", weights=None),
            image_inputs(32)),
    }


# Small models checked through weights both sides compute (no file: NASNet's ~360 layers make even a
# tiny weight file large), with the kernel gain that keeps their outputs input-dependent;
# ConvNeXt's are checked through Keras's files (legacy h5 and .weights.h5).
FORMULA_WEIGHTS = {"mobilenet_v3_small_025_c10": 6.0, "nasnet_mini_c10": 3.0}


def formula_weights(model, gain=3.0):
    """Give every weight of ``model`` values computed from its position (works on Keras and cornu
    models alike: ``model.layers`` are in the same order, weights named the same)."""
    for index, layer in enumerate(model.layers):
        values = []
        for i, w in enumerate(layer.weights):
            shape = tuple(w.shape)
            n = int(np.prod(shape))
            t = _hash_noise(n, index * 7 + i).reshape(shape)
            name = w.name.split("/")[-1]
            if name == "moving_variance":
                v = 1.0 + 0.5 * t
            elif name == "gamma":
                v = 1.0 + 0.2 * t
            elif len(shape) == 1:
                v = 0.02 * t
            else:  # kernels: keep activations O(1) through the depth
                depthwise = "depthwise" in name or type(layer).__name__ == "DepthwiseConv2D"
                fan_in = int(np.prod(shape[:-2])) * (1 if depthwise else shape[-2])
                v = t * np.sqrt(gain / fan_in)
            values.append(v.astype("float32"))
        if values:
            layer.set_weights(values)


def small():
    import keras

    preds = {}
    for name, (build, x) in small_models().items():
        keras.utils.set_random_seed(0)
        m = build()
        if name in FORMULA_WEIGHTS:
            formula_weights(m, FORMULA_WEIGHTS[name])
        else:
            _perturb(m)
            _save_legacy_h5(m, os.path.join(HERE, name + ".h5"))
            m.save_weights(os.path.join(HERE, name + ".weights.h5"))
        preds[name] = m.predict(x, verbose=0)
        print(name, m.count_params(), np.abs(preds[name]).max(), np.abs(preds[name][0] - preds[name][1]).max(),
              flush=True)
    np.savez(os.path.join(HERE, "small_models_pred.npz"), **preds)


# Full-size applications whose built-in preprocessing takes [0, 255] images.
RAW_IMAGE_MODELS = ("MobileNetV3", "ConvNeXt", "EfficientNet")


def full_inputs(name, side):
    side = side or 224  # models built for any size (MobileNetV3) are checked at 224
    raw = name.startswith(RAW_IMAGE_MODELS)
    return image_inputs(side, low=0.0 if raw else -1.0, high=255.0 if raw else 1.0)


def full(name, outdir):
    import keras

    keras.utils.set_random_seed(0)
    m = getattr(keras.applications, name)(weights=None, classifier_activation=None)
    _perturb(m)
    _save_legacy_h5(m, os.path.join(outdir, "model.h5"))
    m.save_weights(os.path.join(outdir, "model.weights.h5"))
    x = full_inputs(name, m.input_shape[1])
    np.save(os.path.join(outdir, "pred.npy"), m.predict(x, verbose=0))
    print("DONE", name, m.count_params())


def _hash_noise(n, seed):
    """``n`` deterministic, irregular values in [-1, 1) (the same with any NumPy)."""
    i = np.arange(n, dtype="float64") + seed * 1000.003
    return 2.0 * np.mod(np.sin(i * 12.9898 + 78.233) * 43758.5453, 1.0) - 1.0


def image_inputs(side, batch=2, low=0.0, high=255.0):
    """Deterministic ``(batch, side, side, 3)`` images in [low, high] (regenerated by tests)."""
    noise = _hash_noise(batch * side * side * 3, -1).reshape(batch, side, side, 3)
    # each image its own channel means and contrast, so pooled features differ between images
    means = 0.5 + 0.3 * _hash_noise(batch * 3, -2).reshape(batch, 1, 1, 3)
    contrast = 0.3 + 0.2 * _hash_noise(batch, -3).reshape(batch, 1, 1, 1)
    ramp = np.linspace(-1.0, 1.0, side).reshape(1, side, 1, 1) * _hash_noise(batch, -4).reshape(batch, 1, 1, 1)
    t = np.clip(means + contrast * (0.6 * noise + 0.4 * ramp), 0.0, 1.0)
    return (low + (high - low) * t).astype("float32")


def fixture_inputs():
    """Deterministic inputs in [-1, 1] (regenerated by the test, so not stored)."""
    return np.sin(np.arange(2 * 96 * 96 * 3, dtype="float64") * 0.37).reshape(2, 96, 96, 3).astype("float32")


if __name__ == "__main__":
    if sys.argv[1] == "full":
        full(sys.argv[2], sys.argv[3])
    else:
        {"specs": specs, "mobilenet": mobilenet, "small": small}[sys.argv[1]]()
