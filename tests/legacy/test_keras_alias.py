"""`import keras` and Keras 1/2 module paths resolve to cornu, each legacy path warning once."""
import importlib
import sys
import warnings

import numpy as np
import pytest

import cornu
from cornu.legacy import keras_alias

LEGACY_PATHS = [
    ("keras.layers.core", "Dense"), ("keras.layers.convolutional", "Convolution2D"),
    ("keras.layers.pooling", "MaxPooling2D"), ("keras.layers.recurrent", "LSTM"),
    ("keras.layers.normalization", "BatchNormalization"), ("keras.layers.embeddings", "Embedding"),
    ("keras.layers.merge", "Concatenate"), ("keras.layers.advanced_activations", "LeakyReLU"),
    ("keras.layers.wrappers", "TimeDistributed"), ("keras.layers.noise", "GaussianNoise"),
    ("keras.utils.np_utils", "to_categorical"), ("keras.utils.generic_utils", "Progbar"),
    ("keras.utils.vis_utils", "plot_model"), ("keras.engine", "Layer"), ("keras.engine.topology", "Container"),
    ("keras.engine.training", "Model"), ("keras.legacy.layers", "Merge"), ("keras.optimizers.legacy", "Adam"),
]


@pytest.mark.parametrize("path, name", LEGACY_PATHS)
def test_legacy_path_resolves_and_warns_once(keras, path, name):
    with pytest.warns(DeprecationWarning) as record:  # parents (`keras.engine`) warn too
        module = importlib.import_module(path)
    assert len([w for w in record if f"`{path}`" in str(w.message)]) == 1
    assert getattr(module, name) is not None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert importlib.import_module(path) is module  # cached: no second warning
    # The names are cornu's own objects.
    if hasattr(cornu.layers, name):
        assert getattr(module, name) is getattr(cornu.layers, name)


def test_warning_points_at_the_importing_line(keras):
    with pytest.warns(DeprecationWarning) as record:
        import keras.layers.recurrent  # noqa: F401
    assert record[0].filename == __file__


def test_from_import_of_a_legacy_child_module(keras):
    with pytest.warns(DeprecationWarning, match="np_utils"):
        from keras.utils import np_utils
    np.testing.assert_array_equal(np_utils.to_categorical([0, 2], 3), [[1, 0, 0], [0, 0, 1]])
    with pytest.warns(DeprecationWarning, match="generic_utils"):
        from keras.utils import generic_utils
    assert generic_utils.CustomObjectScope is cornu.serialization.CustomObjectScope
    assert generic_utils.get_custom_objects() is cornu.serialization.get_custom_objects()


def test_importing_legacy_paths_never_replaces_cornu_attributes(keras):
    backend, core, conv = cornu.backend, cornu.layers.core, cornu.layers.convolutional
    with pytest.warns(DeprecationWarning):
        import keras.backend as K  # noqa: F401
        import keras.layers.convolutional
        import keras.layers.core
        from keras.layers.core import Reshape
    assert cornu.backend is backend and sys.modules["cornu.backend"] is backend
    assert cornu.layers.core is core and cornu.layers.convolutional is conv
    assert Reshape is cornu.layers.Reshape  # served by the family fallback
    assert keras.layers.core is core
    # The cornu modules keep their own import metadata.
    assert cornu.backend.__spec__.name == "cornu.backend"
    assert cornu.layers.core.__spec__.name == "cornu.layers.core"


def test_keras3_paths_are_cornu_modules(keras):
    import keras.backend as K
    import keras.layers
    import keras.preprocessing.image
    from keras import backend as K2

    assert keras is cornu and keras.layers is cornu.layers
    assert K is cornu.backend and K2 is cornu.backend
    assert keras.preprocessing.image is importlib.import_module("cornu.preprocessing.image")


def test_merge_is_a_function_and_a_module(keras):
    from keras.layers import Input, merge

    with pytest.warns(DeprecationWarning, match="keras.layers.merge"):
        from keras.layers.merge import concatenate
    assert merge is cornu.layers.merge and concatenate is cornu.layers.concatenate
    a, b = Input((3,)), Input((2,))
    with pytest.warns(DeprecationWarning, match="Keras 1"):
        out = merge([a, b], mode="concat")
    assert out.shape == (None, 5)


def test_unknown_paths_still_fail(keras):
    with pytest.raises(ImportError):
        importlib.import_module("keras.no_such_module")
    with pytest.raises(ImportError):
        from keras.utils import no_such_helper  # noqa: F401


def test_uninstall_removes_the_alias():
    keras_alias.install_keras_alias()
    import keras  # noqa: F401

    keras_alias.uninstall_keras_alias()
    assert "keras" not in sys.modules
    assert keras_alias._FINDER not in sys.meta_path
