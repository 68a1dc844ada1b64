"""Keras 1/2 compatibility: Keras 1/2 code runs unmodified, with one deprecation warning per
legacy spelling.

Importing this room (``import cornu`` does) installs, once:

- the layer-argument translator (``cornu.legacy.layer_args``) as
  ``cornu.layers.layer.LEGACY_ARGS_HOOK``: ``Dense(output_dim=, init=)``,
  ``Convolution2D(32, 3, 3, border_mode=, dim_ordering=)``, ``Dropout(p=)``...;
- Keras 1/2 layer names Keras 3 dropped (``merge``, ``Merge``, ``Deconvolution2D``...)
  on ``cornu.layers`` (``cornu.legacy.layers``), and Keras 1's ``Sequential`` starting with
  ``Merge([model_a, model_b])`` (``cornu.legacy.merge_models``);
- ``Model.fit_generator``/``evaluate_generator``/``predict_generator``/
  ``predict_classes``/``predict_proba``/``to_yaml`` (``cornu.legacy.model_methods``) and
  ``cornu.models.load_model``/``model_from_yaml``... served from ``cornu.saving``;
- the Keras 2 ``K.*`` functions (``cornu.legacy.backend``, ``cornu.legacy.graph``) on
  ``cornu.backend`` -- ``keras.backend`` is ``cornu.backend``, as in Keras 3 -- for the
  names ``cornu.backend`` lacks;
- Keras 1's ``"image_dim_ordering"`` setting of the config file.

``install_keras_alias()`` (``cornu.legacy.keras_alias``) makes ``import keras`` give cornu,
Keras 1/2 module paths included; ``python -m cornu run script.py`` installs it.
"""
import json
import os

from cornu.legacy.keras_alias import install_keras_alias, uninstall_keras_alias

_installed = []


def _install_backend_names():
    from cornu import backend  # noqa: PLC0415
    from cornu.legacy import backend as legacy_backend, graph  # noqa: PLC0415

    for module in (legacy_backend, graph):
        for name in dir(module):
            if name.startswith("_") or name in ("np", "ops", "naming", "warn_once", "tree", "KerasTensor"):
                continue
            value = getattr(module, name)
            if isinstance(value, type(os)):
                continue
            if not hasattr(backend, name):
                setattr(backend, name, value)


def _apply_image_dim_ordering():
    """Keras 1 config files said ``"image_dim_ordering": "th"``; honour it when no
    ``"image_data_format"`` is given."""
    from cornu.backend import config  # noqa: PLC0415

    path = os.path.join(config.cornu_home(), "cornu.json")
    try:
        with open(path) as f:
            settings = json.load(f)
    except (OSError, ValueError):
        return
    if isinstance(settings, dict) and "image_data_format" not in settings \
            and settings.get("image_dim_ordering") in ("th", "tf"):
        config.set_image_data_format("channels_first" if settings["image_dim_ordering"] == "th"
                                     else "channels_last")


def install():
    """Install the Keras 1/2 compatibility hooks (idempotent; runs on import)."""
    if _installed:
        return
    from cornu.layers import layer as layer_base  # noqa: PLC0415
    from cornu.legacy import layer_args, layers, merge_models, model_methods  # noqa: PLC0415

    layer_base.LEGACY_ARGS_HOOK = layer_args.translate
    layers.install()
    model_methods.install()
    merge_models.install()
    _install_backend_names()
    _apply_image_dim_ordering()
    _installed.append(True)


install()

__all__ = ["install", "install_keras_alias", "uninstall_keras_alias"]
