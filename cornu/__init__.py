"""cornu: the Keras API rebuilt from scratch over PyTorch and JAX.

``import cornu as keras`` and write Keras code: layers, models, compile/fit,
callbacks, saving.  The engine is chosen once at import (``CORNU_BACKEND``).
"""
from cornu import backend  # noqa: F401  (chooses the engine)
from cornu import ops  # noqa: F401
from cornu import (  # noqa: F401
    activations,
    callbacks,
    config,
    constraints,
    datasets,
    dtype_policies,
    initializers,
    layers,
    losses,
    metrics,
    mixed_precision,
    models,
    optimizers,
    quantizers,
    random,
    regularizers,
    serialization,
    utils,
)
from cornu.backend import KerasTensor  # noqa: F401
from cornu.backend import Variable  # noqa: F401
from cornu.dtype_policies import DTypePolicy  # noqa: F401
from cornu.layers import Input, InputSpec, Layer  # noqa: F401
from cornu.losses import Loss  # noqa: F401
from cornu.metrics import Metric  # noqa: F401
from cornu.models import Functional, Model, Sequential  # noqa: F401
from cornu.ops import Operation  # noqa: F401
from cornu.optimizers import Optimizer  # noqa: F401
from cornu.version import __version__  # noqa: F401
from cornu.legacy import install_keras_alias  # noqa: F401
from cornu import saving  # noqa: F401,E402  (registers model.save/save_weights/load_weights)
from cornu import visualization  # noqa: F401,E402
from cornu import applications  # noqa: F401,E402
from cornu import preprocessing  # noqa: F401,E402
from cornu import tree  # noqa: F401,E402

# ``keras.utils.set_random_seed`` lives with the random room (it seeds the engine);
# expose it where Keras users look for it.
utils.set_random_seed = random.set_random_seed
utils.register_keras_serializable = serialization.register_keras_serializable
utils.get_registered_object = serialization.get_registered_object
utils.custom_object_scope = serialization.custom_object_scope
utils.CustomObjectScope = serialization.CustomObjectScope
utils.serialize_keras_object = serialization.serialize_keras_object
utils.deserialize_keras_object = serialization.deserialize_keras_object
# Loading/saving functions Keras users find in `keras.models` (saving sits above models).
models.load_model = saving.load_model
models.save_model = saving.save_model
models.model_from_json = saving.model_from_json
models.model_from_yaml = saving.model_from_yaml
models.model_from_config = saving.model_from_config
models.clone_model = saving.clone_model
# keras.layers.serialize/deserialize read configs as the file loaders do (Keras 2 names,
# Keras 3.15 quantization keys): they live in the saving room, above layers.
from cornu.saving import layer_serialize as _layer_serialize  # noqa: E402
layers.serialize = _layer_serialize.serialize
layers.deserialize = _layer_serialize.deserialize
# plot_model needs models (stratum 7 room `visualization`); Keras users find it in utils.
utils.plot_model = visualization.plot_model
utils.model_to_dot = visualization.model_to_dot

# Keras 3 finds these in `keras.utils`; they live in the rooms that own them.
from cornu.preprocessing import image_utils as _image_utils  # noqa: E402
from cornu.preprocessing import audio_dataset as _audio_dataset  # noqa: E402
from cornu.layers.preprocessing import feature_space as _feature_space  # noqa: E402
from cornu.preprocessing import sequence as _sequence  # noqa: E402
from cornu.trainers import packing as _packing  # noqa: E402
from cornu.legacy import backend as _legacy_backend  # noqa: E402

utils.pad_sequences = _sequence.pad_sequences
utils.image_dataset_from_directory = preprocessing.image_dataset_from_directory
utils.text_dataset_from_directory = preprocessing.text_dataset_from_directory
utils.timeseries_dataset_from_array = preprocessing.timeseries_dataset_from_array
utils.audio_dataset_from_directory = _audio_dataset.audio_dataset_from_directory
utils.FeatureSpace = _feature_space.FeatureSpace
utils.array_to_img = _image_utils.array_to_img
utils.img_to_array = _image_utils.img_to_array
utils.load_img = _image_utils.load_img
utils.save_img = _image_utils.save_img
utils.pack_x_y_sample_weight = _packing.pack_x_y_sample_weight
utils.unpack_x_y_sample_weight = _packing.unpack_x_y_sample_weight
utils.get_source_inputs = ops.node.get_source_inputs
utils.is_keras_tensor = backend.is_keras_tensor
utils.standardize_dtype = backend.standardize_dtype
utils.get_custom_objects = serialization.get_custom_objects
utils.get_registered_name = serialization.get_registered_name
utils.clear_session = _legacy_backend.clear_session
utils.disable_interactive_logging = config.disable_interactive_logging
utils.enable_interactive_logging = config.enable_interactive_logging
utils.is_interactive_logging_enabled = config.is_interactive_logging_enabled


def version():
    """cornu's version string."""
    return __version__


__all__ = [
    "activations", "backend", "callbacks", "config", "constraints", "datasets", "dtype_policies",
    "initializers", "layers", "losses", "metrics", "mixed_precision", "models", "ops", "optimizers", "quantizers", "random",
    "regularizers", "serialization", "utils", "KerasTensor", "Variable", "DTypePolicy", "Input",
    "InputSpec", "Layer", "Loss", "Metric", "Functional", "Model", "Sequential", "Operation",
    "Optimizer", "version", "__version__", "install_keras_alias", "saving", "visualization", "applications",
    "preprocessing", "tree",
]
