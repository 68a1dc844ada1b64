"""Global settings: engine name, float type, epsilon, image data format.

The engine is chosen once, at import, from ``CORNU_BACKEND`` (or
``KERAS_BACKEND``), else from ``~/.cornu/cornu.json`` (written with defaults on
first use, like Keras's ``keras.json``), else ``"torch"``.  ``CORNU_HOME``
moves the config folder.
"""
import json
import os

_SUPPORTED_BACKENDS = ("torch", "jax")
_FLOAT_TYPES = ("float16", "bfloat16", "float32", "float64")
_DATA_FORMATS = ("channels_last", "channels_first")

_DEFAULTS = {
    "backend": "torch",
    "floatx": "float32",
    "epsilon": 1e-7,
    "image_data_format": "channels_last",
}


def cornu_home():
    """The folder holding ``cornu.json`` (``$CORNU_HOME`` or ``~/.cornu``)."""
    home = os.environ.get("CORNU_HOME")
    if home:
        return os.path.abspath(os.path.expanduser(home))
    return os.path.join(os.path.expanduser("~"), ".cornu")


def _load_config_file():
    path = os.path.join(cornu_home(), "cornu.json")
    settings = dict(_DEFAULTS)
    if os.path.exists(path):
        try:
            with open(path) as f:
                loaded = json.load(f)
            if isinstance(loaded, dict):
                settings.update({k: v for k, v in loaded.items() if k in _DEFAULTS})
        except (OSError, ValueError):
            pass  # an unreadable config never stops the import
    else:
        try:
            os.makedirs(cornu_home(), exist_ok=True)
            tmp = path + ".tmp"
            with open(tmp, "w") as f:
                json.dump(_DEFAULTS, f, indent=4)
            os.replace(tmp, path)
        except OSError:
            pass  # read-only home: keep the defaults
    return settings


_settings = _load_config_file()

_backend = os.environ.get("CORNU_BACKEND") or os.environ.get("KERAS_BACKEND") or _settings["backend"]
_backend = str(_backend).lower()
if _backend == "pytorch":
    _backend = "torch"
if _backend not in _SUPPORTED_BACKENDS:
    raise ValueError(
        f"Unknown cornu backend {_backend!r} (from CORNU_BACKEND/KERAS_BACKEND or "
        f"cornu.json). Expected one of {_SUPPORTED_BACKENDS}."
    )
_floatx = str(_settings["floatx"])
_epsilon = float(_settings["epsilon"])
_image_data_format = str(_settings["image_data_format"])


def backend():
    """The name of the engine in use: ``"torch"`` or ``"jax"``."""
    return _backend


def floatx():
    """The default float type, as a string (``"float32"`` by default)."""
    return _floatx


def set_floatx(value):
    """Set the default float type (``"float16"``, ``"bfloat16"``, ``"float32"``, ``"float64"``)."""
    global _floatx
    value = str(value)
    if value not in _FLOAT_TYPES:
        raise ValueError(f"Unknown floatx type: {value!r}. Expected one of {_FLOAT_TYPES}.")
    _floatx = value


def epsilon():
    """The fuzz factor used in numeric expressions (1e-7 by default)."""
    return _epsilon


def set_epsilon(value):
    """Set the fuzz factor used in numeric expressions."""
    global _epsilon
    _epsilon = float(value)


def image_data_format():
    """``"channels_last"`` (default) or ``"channels_first"``."""
    return _image_data_format


def set_image_data_format(data_format):
    """Set the default image layout: ``"channels_last"`` or ``"channels_first"``."""
    global _image_data_format
    data_format = str(data_format).lower()
    if data_format not in _DATA_FORMATS:
        raise ValueError(
            f"Unknown data_format: {data_format!r}. Expected one of {_DATA_FORMATS}."
        )
    _image_data_format = data_format


def standardize_data_format(data_format):
    """Return ``data_format`` validated, or the global default when ``None``."""
    if data_format is None:
        return image_data_format()
    data_format = str(data_format).lower()
    if data_format not in _DATA_FORMATS:
        raise ValueError(
            f"The `data_format` argument must be one of {_DATA_FORMATS}. "
            f"Received: data_format={data_format!r}"
        )
    return data_format
