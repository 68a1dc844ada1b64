"""``FeatureSpace`` (``keras.utils.FeatureSpace``): preprocess and encode a dict of structured
features with cornu's preprocessing layers, then concatenate them (or return them by name).

Each feature gets a preprocessor (identity, ``Rescaling``, ``Normalization``,
``Discretization``, ``IntegerLookup``, ``StringLookup``, ``Hashing``, or any
layer through ``FeatureSpace.feature``); crosses hash pairs of preprocessed
features with ``HashedCrossing``; integer outputs with ``output_mode="one_hot"``
are encoded by ``CategoryEncoding(output_mode="multi_hot")`` over the
preprocessor's output space.  Outputs follow Keras's order: features sorted by
name, then crosses sorted by name.

Keras runs FeatureSpace on ``tf.data``; cornu runs the same layers on NumPy
data (``adapt`` takes a dict of arrays/lists or an iterable of dict batches) and
on symbolic inputs (``get_inputs``/``get_encoded_features`` for functional models).
"""
import numpy as np

from cornu import backend, ops
from cornu.layers.core.input_layer import Input
from cornu.layers.layer import Layer
from cornu.layers.merging.concatenate import Concatenate
from cornu.layers.preprocessing.category_encoding import CategoryEncoding
from cornu.layers.preprocessing.discretization import Discretization
from cornu.layers.preprocessing.hashed_crossing import HashedCrossing
from cornu.layers.preprocessing.hashing import Hashing
from cornu.layers.preprocessing.integer_lookup import IntegerLookup
from cornu.layers.preprocessing.normalization import Normalization
from cornu.layers.preprocessing.rescaling import Rescaling
from cornu.layers.preprocessing.string_lookup import StringLookup
from cornu.serialization import deserialize_keras_object, register_builtin, serialize_keras_object
from cornu.utils import naming

_KERAS_MODULE = "keras.layers.preprocessing.feature_space"
FEATURE_TYPES = ("float", "float_normalized", "float_rescaled", "float_discretized", "integer_categorical",
                 "string_categorical", "integer_hashed", "string_hashed")


class Cross:
    """A feature cross: ``feature_names`` hashed together into ``crossing_dim`` bins.

    Args:
        feature_names: the names of the crossed features.
        crossing_dim: the number of hash bins.
        output_mode: ``"one_hot"`` (multi-hot vector of ``crossing_dim``) or ``"int"``.
    """

    def __init__(self, feature_names, crossing_dim, output_mode="one_hot"):
        if output_mode not in ("int", "one_hot"):
            raise ValueError("Invalid value for argument `output_mode`. Expected one of {'int', 'one_hot'}. "
                             f"Received: output_mode={output_mode}")
        self.feature_names = tuple(feature_names)
        self.crossing_dim = crossing_dim
        self.output_mode = output_mode

    @property
    def name(self):
        """``"a_X_b"``: the crossed names joined by ``_X_``."""
        return "_X_".join(self.feature_names)

    def get_config(self):
        return {"feature_names": list(self.feature_names), "crossing_dim": self.crossing_dim,
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Feature:
    """One feature: its input ``dtype``, its ``preprocessor`` layer and its ``output_mode``
    (``"float"``, ``"int"`` or ``"one_hot"``)."""

    def __init__(self, dtype, preprocessor, output_mode):
        if output_mode not in ("int", "one_hot", "float"):
            raise ValueError("Invalid value for argument `output_mode`. Expected one of {'int', 'one_hot', "
                             f"'float'}}. Received: output_mode={output_mode}")
        if isinstance(preprocessor, dict):
            preprocessor = deserialize_keras_object(preprocessor)
        if not callable(preprocessor):
            raise ValueError(f"`preprocessor` must be a layer (a callable). Received: preprocessor={preprocessor!r}")
        self.dtype = dtype
        self.preprocessor = preprocessor
        self.output_mode = output_mode

    def get_config(self):
        return {"dtype": self.dtype, "preprocessor": serialize_keras_object(self.preprocessor),
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class FloatIdentity(Layer):
    """The preprocessor of ``FeatureSpace.float``: values pass through as float32."""

    _keras_class_name = "TFDIdentity"

    def call(self, inputs):
        return ops.cast(inputs, "float32")

    def compute_output_shape(self, input_shape):
        return input_shape


def _name_or_auto(name, prefix):
    return name or naming.auto_name(prefix)


class FeatureSpace(Layer):
    """Preprocessing and encoding of structured data given as a dict of features.

    Args:
        features: ``{name: type}`` where ``type`` is a string among
            ``FEATURE_TYPES`` (default arguments) or a ``FeatureSpace.<type>(...)``
            / ``FeatureSpace.feature(...)`` object.
        output_mode: ``"concat"`` (one float32 vector per sample) or ``"dict"``
            (the encoded features by name, crosses included).
        crosses: feature crosses: tuples of feature names (hashed into
            ``crossing_dim`` bins) or ``FeatureSpace.cross(...)`` objects.
        crossing_dim: default number of bins of a cross.
        hashing_dim: default number of bins of ``"integer_hashed"`` and
            ``"string_hashed"`` features.
        num_discretization_bins: default number of bins of ``"float_discretized"``.
        name: the layer name.

    Call ``adapt(data)`` before use when a feature learns from data
    (normalization, discretization, lookups).  Calling the FeatureSpace on a
    dict of arrays (batched, rank 1 or ``(batch, 1)``, or scalars) returns the
    encoded batch; ``get_inputs()`` and ``get_encoded_features()`` give symbolic
    tensors for a functional model.
    """

    @classmethod
    def cross(cls, feature_names, crossing_dim, output_mode="one_hot"):
        """A :class:`Cross` of ``feature_names`` into ``crossing_dim`` hash bins."""
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype, preprocessor, output_mode):
        """A custom :class:`Feature` using ``preprocessor`` (any preprocessing layer)."""
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name=None):
        """Float values used as they are."""
        name = _name_or_auto(name, "float")
        return Feature("float32", FloatIdentity(dtype="float32", name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name=None):
        """Float values mapped to ``x * scale + offset`` (a ``Rescaling`` layer)."""
        name = _name_or_auto(name, "float_rescaled")
        return Feature("float32", Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_normalized(cls, name=None):
        """Float values standardized with the mean and variance learnt by ``adapt``."""
        name = _name_or_auto(name, "float_normalized")
        return Feature("float32", Normalization(axis=-1, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_discretized(cls, num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
        """Float values bucketed into ``num_bins`` bins (quantiles learnt by ``adapt`` unless
        ``bin_boundaries`` are given), one-hot encoded by default."""
        name = _name_or_auto(name, "float_discretized")
        layer = Discretization(num_bins=num_bins, bin_boundaries=bin_boundaries, name=f"{name}_preprocessor")
        return Feature("float32", layer, output_mode)

    @classmethod
    def integer_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
        """Integer categories indexed by an ``IntegerLookup`` vocabulary learnt by ``adapt``."""
        name = _name_or_auto(name, "integer_categorical")
        layer = IntegerLookup(name=f"{name}_preprocessor", max_tokens=max_tokens, num_oov_indices=num_oov_indices)
        return Feature("int32", layer, output_mode)

    @classmethod
    def string_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
        """String categories indexed by a ``StringLookup`` vocabulary learnt by ``adapt``."""
        name = _name_or_auto(name, "string_categorical")
        layer = StringLookup(name=f"{name}_preprocessor", max_tokens=max_tokens, num_oov_indices=num_oov_indices)
        return Feature("string", layer, output_mode)

    @classmethod
    def string_hashed(cls, num_bins, output_mode="one_hot", name=None):
        """String values hashed into ``num_bins`` bins."""
        name = _name_or_auto(name, "string_hashed")
        return Feature("string", Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    @classmethod
    def integer_hashed(cls, num_bins, output_mode="one_hot", name=None):
        """Integer values hashed into ``num_bins`` bins."""
        name = _name_or_auto(name, "integer_hashed")
        return Feature("int32", Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    def __init__(self, features, output_mode="concat", crosses=None, crossing_dim=32, hashing_dim=32,
                 num_discretization_bins=32, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if not features or not isinstance(features, dict):
            raise ValueError("The `features` argument cannot be None or empty: pass a dict mapping feature names "
                             f"to feature types. Received: features={features!r}")
        if output_mode not in ("dict", "concat"):
            raise ValueError("Invalid value for argument `output_mode`. Expected one of {'dict', 'concat'}. "
                             f"Received: output_mode={output_mode}")
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.output_mode = output_mode
        self.features = {key: self._standardize_feature(key, value) for key, value in features.items()}
        self.crosses = [self._standardize_cross(c, features) for c in (crosses or [])]
        self.crosses_by_name = {c.name: c for c in self.crosses}
        self.inputs = {key: Input(shape=(1,), dtype=f.dtype, name=key) for key, f in self.features.items()}
        self.preprocessors = {key: f.preprocessor for key, f in self.features.items()}
        self.crossers = {c.name: HashedCrossing(c.crossing_dim, name=c.name) for c in self.crosses}
        self.one_hot_encoders = {}
        self.concat = None
        self.encoded_features = None
        self._is_adapted = False
        self._sublayers_built = False

    # -- construction ------------------------------------------------------------------------
    def _standardize_feature(self, key, feature):
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):
            return deserialize_keras_object(feature)
        if feature in ("float", "float_normalized", "float_rescaled"):
            return getattr(self, feature)(name=key)
        if feature == "float_discretized":
            return self.float_discretized(num_bins=self.num_discretization_bins, name=key)
        if feature in ("integer_categorical", "string_categorical"):
            return getattr(self, feature)(name=key)
        if feature in ("integer_hashed", "string_hashed"):
            return getattr(self, feature)(self.hashing_dim, name=key)
        raise ValueError(f"Invalid feature type for feature '{key}': {feature!r}. Expected one of "
                         f"{', '.join(FEATURE_TYPES)}, or a FeatureSpace.<type>(...) / FeatureSpace.feature(...) "
                         "object.")

    def _standardize_cross(self, cross, features):
        if isinstance(cross, dict):
            cross = deserialize_keras_object(cross)
        if not isinstance(cross, Cross):
            if not self.crossing_dim:
                raise ValueError("When specifying `crosses`, the argument `crossing_dim` (dimensionality of the "
                                 "crossing space) should be specified as well.")
            cross = Cross(cross, crossing_dim=self.crossing_dim)
        unknown = [k for k in cross.feature_names if k not in features]
        if unknown:
            raise ValueError("All features referenced in the `crosses` argument should be present in the "
                             f"`features` dict. Received unknown features: {unknown} in cross "
                             f"{cross.feature_names}")
        return cross

    # -- adapt ------------------------------------------------------------------------------
    def _adaptable(self):
        names = []
        for key, layer in self.preprocessors.items():
            if not hasattr(layer, "adapt"):
                continue
            if isinstance(layer, Normalization) and layer.input_mean is not None:
                continue
            if isinstance(layer, Discretization) and layer.bin_boundaries:
                continue
            if getattr(layer, "_has_input_vocabulary", False):
                continue
            names.append(key)
        return names

    def adapt(self, dataset):
        """Fit every preprocessor that learns from data (``Normalization`` statistics,
        ``Discretization`` quantiles, lookup vocabularies).

        Args:
            dataset: a dict ``{feature_name: array or list}``, or an iterable
                (e.g. a ``PyDataset``) of such dict batches; ``(dict, labels)``
                batches use their dict.
        """
        columns = _feature_columns(dataset, self._adaptable())
        for key, values in columns.items():
            if values.ndim <= 1:
                values = values.reshape(-1, 1)
            self.preprocessors[key].adapt(values)
        self._is_adapted = True
        self.encoded_features = None
        self._sublayers_built = False
        self.get_encoded_features()
        self.built = True
        self._sublayers_built = True

    def _check_if_adapted(self):
        if not self._is_adapted:
            if self._adaptable():
                raise ValueError("You need to call `.adapt(dataset)` on the FeatureSpace before you can start "
                                 f"using it (features to adapt: {self._adaptable()}).")
            self._is_adapted = True

    def _check_if_built(self):
        if not self._sublayers_built:
            self._check_if_adapted()
            self.get_encoded_features()
            self._sublayers_built = True

    # -- symbolic graph -----------------------------------------------------------------------
    def get_inputs(self):
        """``{name: Input}``: one symbolic ``(None, 1)`` input per feature, of its dtype."""
        self._check_if_built()
        return self.inputs

    def get_encoded_features(self):
        """The symbolic encoded output for ``get_inputs()`` (a tensor, or a dict in dict mode)."""
        self._check_if_adapted()
        if self.encoded_features is None:
            self.encoded_features = self._encode(self.inputs)
        return self.encoded_features

    def _names(self):
        return sorted(self.features), sorted(self.crosses_by_name)

    def _cardinality(self, key, layer):
        if isinstance(layer, (IntegerLookup, StringLookup)):
            return layer.vocabulary_size()
        if isinstance(layer, CategoryEncoding):
            return layer.num_tokens
        if isinstance(layer, (Discretization, HashedCrossing, Hashing)):
            return layer.num_bins if not isinstance(layer, Discretization) or not layer.bin_boundaries \
                else len(layer.bin_boundaries) + 1
        raise ValueError(f"Feature '{key}' has `output_mode='one_hot'`. However it isn't a standard feature and "
                         "the dimensionality of its output space is not known, thus it cannot be one-hot encoded. "
                         "Try using `output_mode='int'`.")

    def _make_encoders(self, pieces):
        feature_names, cross_names = self._names()
        specs = [self.features[k] for k in feature_names] + [self.crosses_by_name[k] for k in cross_names]
        for (key, value), spec in zip(pieces, specs):
            dtype = backend.standardize_dtype(value.dtype)
            if spec.output_mode == "one_hot":
                if not dtype.startswith(("int", "uint")):
                    raise ValueError(f"Feature '{key}' has `output_mode='one_hot'`. Thus its preprocessor should "
                                     f"return an integer dtype. Instead it returns a {dtype} dtype.")
                layer = self.preprocessors.get(key) or self.crossers.get(key)
                self.one_hot_encoders[key] = CategoryEncoding(num_tokens=self._cardinality(key, layer),
                                                              output_mode="multi_hot")
            elif self.output_mode == "concat" and (dtype.startswith(("int", "uint")) or dtype == "string"):
                raise ValueError(f"Cannot concatenate features because feature '{key}' has not been encoded (it "
                                 f"has dtype {dtype}). Consider using `output_mode='dict'`.")
        if self.output_mode == "concat":
            self.concat = Concatenate(axis=-1)

    def _encode(self, data):
        """Preprocess, cross, one-hot encode and merge a dict of ``(batch, 1)`` inputs."""
        pre = {key: self.preprocessors[key](data[key]) for key in self.features}
        crossed = {c.name: self.crossers[c.name]([pre[k] for k in c.feature_names]) for c in self.crosses}
        feature_names, cross_names = self._names()
        pieces = [(k, pre[k]) for k in feature_names] + [(k, crossed[k]) for k in cross_names]
        if not self._sublayers_built and not self.one_hot_encoders and self.concat is None:
            self._make_encoders(pieces)
        encoded = {}
        for key, value in pieces:
            encoder = self.one_hot_encoders.get(key)
            encoded[key] = encoder(value) if encoder is not None else value
        if self.output_mode == "dict":
            return encoded
        floats = [ops.cast(v, "float32") if backend.standardize_dtype(v.dtype) != "float32" else v
                  for v in encoded.values()]
        return self.concat(floats) if backend.is_keras_tensor(floats[0]) else ops.concatenate(floats, axis=-1)

    # -- eager call ---------------------------------------------------------------------------
    def __call__(self, data):
        self._check_if_built()
        if not isinstance(data, dict):
            raise ValueError(f"A FeatureSpace can only be called with a dict. Received: data={data!r} (of type "
                             f"{type(data)})")
        if any(backend.is_keras_tensor(v) for v in data.values()):
            return self._encode(data)
        missing = [k for k in self.features if k not in data]
        if missing:
            raise ValueError(f"The data passed to the FeatureSpace misses features {missing}; expected the keys "
                             f"{sorted(self.features)}. Received keys: {sorted(data)}")
        batch = {}
        rebatched = False
        for key in self.features:
            value = _to_numpy(data[key])
            if value.ndim == 0:
                value, rebatched = value.reshape(1, 1), True
            elif value.ndim == 1:
                value = value[:, None]
            batch[key] = value
        out = self._encode(batch)
        if rebatched:
            if self.output_mode == "concat":
                return ops.squeeze(out, axis=0)
            return {k: ops.squeeze(v, axis=0) if len(v.shape) == 2 and v.shape[0] == 1 else v for k, v in out.items()}
        return out

    # -- serialization ------------------------------------------------------------------------
    def get_config(self):
        return {"features": serialize_keras_object(self.features), "output_mode": self.output_mode,
                "crosses": serialize_keras_object(self.crosses), "crossing_dim": self.crossing_dim,
                "hashing_dim": self.hashing_dim, "num_discretization_bins": self.num_discretization_bins}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("trainable", None)
        config.pop("dtype", None)
        config.pop("name", None)
        return cls(**config)

    def get_build_config(self):
        return {key: f.preprocessor.get_build_config() for key, f in self.features.items()}

    def build_from_config(self, config):
        for key, build_config in (config or {}).items():
            layer = self.features[key].preprocessor
            if not layer.built and build_config:
                layer.build_from_config(build_config)
        self._is_adapted = True

    def save(self, filepath):
        """Save to a ``.keras`` file; reload with ``cornu.saving.load_model`` (``keras.models.load_model``)."""
        from cornu.saving import save_model  # noqa: PLC0415 - saving sits above layers, as in Keras

        save_model(self, filepath)

    def compile(self, *args, **kwargs):
        """A FeatureSpace has nothing to compile; defined so the model savers accept it."""
        raise TypeError("A FeatureSpace cannot be compiled: build a Model from `get_inputs()` and "
                        "`get_encoded_features()` (or call it in your data pipeline) instead.")

    def save_own_variables(self, store):
        return

    def load_own_variables(self, store):
        return


def _to_numpy(value):
    if isinstance(value, (list, tuple)):
        return np.asarray(value)
    if isinstance(value, np.ndarray) or np.isscalar(value):
        return np.asarray(value)
    return np.asarray(backend.convert_to_numpy(value))


def _feature_columns(dataset, keys):
    """``{key: all values}`` of the ``keys`` in a dict of columns or an iterable of dict batches."""
    if isinstance(dataset, dict):
        batches = [dataset]
    elif hasattr(dataset, "__iter__") and not isinstance(dataset, (str, bytes, np.ndarray)):
        batches = [b[0] if isinstance(b, tuple) else b for b in dataset]
        if not batches or not all(isinstance(b, dict) for b in batches):
            raise ValueError("`adapt()` can only be called on a dict of arrays/lists or an iterable of dict "
                             f"batches. Received an iterable of {type(batches[0]).__name__ if batches else 'nothing'}")
    else:
        raise ValueError("`adapt()` can only be called on a dict of arrays/lists or an iterable of dict batches. "
                         f"Received instead: {dataset!r} (of type {type(dataset)})")
    columns = {}
    for key in keys:
        if key not in batches[0]:
            raise ValueError(f"The data passed to `adapt()` has no feature '{key}'. Received keys: "
                             f"{sorted(batches[0])}")
        parts = [_to_numpy(b[key]) for b in batches]
        columns[key] = np.concatenate([p.reshape(-1, *p.shape[1:]) if p.ndim else p.reshape(1) for p in parts])
    return columns


register_builtin("keras.utils", FeatureSpace)
for _cls in (Cross, Feature):
    register_builtin(_KERAS_MODULE, _cls)
register_builtin(_KERAS_MODULE, FloatIdentity, name="TFDIdentity")

__all__ = ["FeatureSpace", "Feature", "Cross", "FloatIdentity", "FEATURE_TYPES"]
