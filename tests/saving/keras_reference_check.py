"""Run by ``test_saving_real_keras.py`` under a REAL Keras interpreter (never imported by pytest).

Usage: python keras_reference_check.py MODEL_FILE INPUTS_NPZ EXPECTED_NPY [--weights-into MODEL_FILE]
       [--tf-keras] [--check-optimizer]

Loads MODEL_FILE with ``keras.saving.load_model`` (safe mode on), predicts on
the inputs and compares with the expected outputs; with ``--weights-into``
the weights file is loaded by ``load_weights`` into a model loaded from the
given model file.  ``--tf-keras`` uses Keras 2 (``tf_keras``) instead of Keras 3.
Prints ``MATCH <max abs diff>`` and exits 0 on a match.
"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402


def main(argv):
    if "--tf-keras" in argv:
        import tf_keras as keras
    else:
        import keras

    path, inputs_path, expected_path = argv[1:4]
    data = np.load(inputs_path)
    xs = [data[k] for k in sorted(data.files)]
    if "--weights-into" in argv:
        model = keras.models.load_model(argv[argv.index("--weights-into") + 1], compile=False)
        for v in model.weights:
            v.assign(np.zeros(v.shape, dtype=v.dtype))
        model.load_weights(path)
    else:
        # Keras 3 cannot compile its own legacy .h5 files whose loss is a string alias such as
        # "mse" ("Could not deserialize 'keras.metrics.mse'"), so .h5 files load uncompiled.
        model = keras.models.load_model(path, compile=not path.endswith(".h5"))
    out = np.asarray(model.predict(xs[0] if len(xs) == 1 else xs, verbose=0))
    expected = np.load(expected_path)
    diff = float(np.max(np.abs(out - expected)))
    print(("MATCH" if diff <= 1e-5 else "MISMATCH"), diff, "keras", keras.__version__)
    if "--check-optimizer" in argv and getattr(model, "optimizer", None) is not None:
        print("OPTIMIZER", type(model.optimizer).__name__, len(model.optimizer.variables))
    return 0 if diff <= 1e-5 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
