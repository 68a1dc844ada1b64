"""Keras 1/2 layer names that Keras 3 dropped: ``merge``/``Merge``, ``AtrousConvolution2D``,
``Deconvolution2D``, ``CuDNNLSTM``, ``TimeDistributedDense``...

Each builds today's layer: ``Deconvolution2D(...)`` returns a ``Conv2DTranspose``,
``merge([a, b], mode="concat")`` calls a ``Concatenate``.  ``install()`` adds the
names ``cornu.layers`` lacks (it runs when ``cornu.legacy`` is imported).
"""
from cornu import layers as _layers
from cornu.legacy.deprecation import warn_once
from cornu.legacy.layer_args import translate_kwargs

MERGE_MODES = {"sum": "Add", "mul": "Multiply", "concat": "Concatenate", "ave": "Average",
               "max": "Maximum", "dot": "Dot", "cos": "Dot"}


def merge_spec(mode="sum", concat_axis=-1, dot_axes=-1, output_shape=None, output_mask=None,
               arguments=None, name=None, **kwargs):
    """``(layer class, kwargs)`` of the Keras 3 layer doing what Keras 1's ``Merge(mode=...)`` did."""
    if output_mask is not None:
        raise NotImplementedError("Merge(output_mask=...) (Keras 1) is not supported; compute the mask "
                                  "in a custom layer instead.")
    for key in ("node_indices", "tensor_indices"):
        kwargs.pop(key, None)
    kwargs["name"] = name
    if callable(mode):
        fn, extra = mode, dict(arguments or {})
        if isinstance(output_shape, (tuple, list)):  # Keras 1: the shape without the batch axis
            shape = tuple(output_shape)
            output_shape = lambda shapes: (shapes[0][0],) + shape  # noqa: E731
        return _layers.Lambda, dict(kwargs, function=lambda tensors: fn(tensors, **extra),
                                    output_shape=output_shape)
    if mode not in MERGE_MODES:
        raise ValueError(f"Merge: invalid `mode` {mode!r}; Keras 1 modes are {sorted(MERGE_MODES)} "
                         "or a function of the list of inputs.")
    cls = getattr(_layers, MERGE_MODES[mode])
    if mode == "concat":
        return cls, dict(kwargs, axis=concat_axis)
    if mode in ("dot", "cos"):
        axes = list(dot_axes) if isinstance(dot_axes, (list, tuple)) else dot_axes
        return cls, dict(kwargs, axes=axes, normalize=mode == "cos")
    return cls, kwargs


def merge(inputs, mode="sum", concat_axis=-1, dot_axes=-1, output_shape=None, output_mask=None,
          arguments=None, name=None):
    """Keras 1's functional ``merge``: combine a list of tensors with ``mode``.

    ``mode`` is ``"sum"``, ``"mul"``, ``"concat"`` (along ``concat_axis``),
    ``"ave"``, ``"max"``, ``"dot"``/``"cos"`` (along ``dot_axes``) or a function
    of the list of tensors (with ``output_shape``).  Use ``add``,
    ``concatenate``... or the ``Add``, ``Concatenate``... layers instead.
    """
    warn_once(("name", "merge"), "`merge(inputs, mode=...)` is Keras 1; use the merging layers "
              "(`Concatenate`, `Add`, `Multiply`, `Average`, `Maximum`, `Dot`) or their functions.")
    cls, kwargs = merge_spec(mode, concat_axis, dot_axes, output_shape, output_mask, arguments, name)
    return cls(**kwargs)(list(inputs))


def _merge_target(cls, args, kwargs):
    names = ("layers", "mode", "concat_axis", "dot_axes", "output_shape", "output_mask", "arguments",
             "node_indices", "tensor_indices", "name")
    kwargs = dict(kwargs)
    for key, value in zip(names, args):
        kwargs[key] = value
    warn_once(("name", "Merge"), "The Keras 1 `Merge` layer is removed; cornu builds the matching "
              "merging layer (`Concatenate`, `Add`...).")
    branches = kwargs.pop("layers", None)
    layer_cls, layer_kwargs = merge_spec(**kwargs)
    if branches is None:
        return layer_cls, (), layer_kwargs
    from cornu.legacy.merge_models import merge_model_name, merge_of_branches  # noqa: PLC0415
    from cornu.models import Functional  # noqa: PLC0415

    # Keras 1: `Merge([model_a, model_b], mode=...)` merges the outputs of whole models (nested, shared).
    inputs, output = merge_of_branches(layer_cls(**dict(layer_kwargs, name=None)), branches)
    return Functional, (inputs, output), {"name": merge_model_name(kwargs.get("name"))}


def _renamed(target_name, keras1_name=None):
    """A redirect for a Keras 1/2 class name: translate its arguments, build ``target_name``."""

    def target(cls, args, kwargs):
        warn_once(("name", cls.__name__), f"`{cls.__name__}` is a Keras 1/2 layer name; cornu builds a "
                  f"`{target_name}`.")
        real = getattr(_layers, target_name)
        kwargs = dict(kwargs)
        if keras1_name is not None:
            kwargs["_cornu_keras1_name"] = keras1_name
            from cornu.legacy.layer_args import _families, _keras1_positional  # noqa: PLC0415

            args = _keras1_positional(real, _families(real), args, kwargs)
            kwargs.pop("_cornu_keras1_name", None)
        return real, args, translate_kwargs(real, kwargs)

    return target


def _time_distributed_dense(cls, args, kwargs):
    warn_once(("name", "TimeDistributedDense"), "`TimeDistributedDense` is Keras 1; use "
              "`TimeDistributed(Dense(...))` (or `Dense`, which maps the last axis).")
    outer_keys = ("input_shape", "batch_input_shape", "input_dim", "input_length", "name", "batch_size")
    kwargs = dict(kwargs)
    outer = {k: kwargs.pop(k) for k in outer_keys if k in kwargs}
    dense = _layers.Dense(*args, **translate_kwargs(_layers.Dense, kwargs))
    if "input_dim" in outer:
        outer["input_shape"] = (outer.pop("input_length", None), outer.pop("input_dim"))
    outer.pop("input_length", None)
    return _layers.TimeDistributed, (dense,), outer


def _legacy_class(name, base_name, target, doc):
    base = getattr(_layers, base_name)
    return type(name, (base,), {"__doc__": doc, "__module__": __name__,
                                "_cornu_legacy_target": staticmethod(target)})


Merge = _legacy_class("Merge", "Layer", _merge_target,
                      "Keras 1's ``Merge(layers=None, mode='sum', concat_axis=-1, dot_axes=-1, ...)``.")
AtrousConvolution1D = _legacy_class("AtrousConvolution1D", "Conv1D", _renamed("Conv1D"),
                                    "Keras 1's dilated ``Conv1D`` (``atrous_rate`` -> ``dilation_rate``).")
AtrousConvolution2D = _legacy_class("AtrousConvolution2D", "Conv2D", _renamed("Conv2D", "AtrousConvolution2D"),
                                    "Keras 1's dilated ``Conv2D`` (``atrous_rate`` -> ``dilation_rate``).")
Deconvolution2D = _legacy_class("Deconvolution2D", "Conv2DTranspose", _renamed("Conv2DTranspose", "Deconvolution2D"),
                                "Keras 1/2's name of ``Conv2DTranspose``.")
Deconvolution3D = _legacy_class("Deconvolution3D", "Conv3DTranspose", _renamed("Conv3DTranspose"),
                                "Keras 2's name of ``Conv3DTranspose``.")
CuDNNLSTM = _legacy_class("CuDNNLSTM", "LSTM", _renamed("LSTM"),
                          "Keras 2's cuDNN LSTM: an ``LSTM`` (cornu uses cuDNN whenever it can).")
CuDNNGRU = _legacy_class("CuDNNGRU", "GRU", _renamed("GRU"),
                         "Keras 2's cuDNN GRU: a ``GRU`` (cornu uses cuDNN whenever it can).")
TimeDistributedDense = _legacy_class("TimeDistributedDense", "TimeDistributed", _time_distributed_dense,
                                     "Keras 1's ``TimeDistributedDense(output_dim, ...)``.")

LEGACY_LAYERS = {c.__name__: c for c in (Merge, AtrousConvolution1D, AtrousConvolution2D, Deconvolution2D,
                                          Deconvolution3D, CuDNNLSTM, CuDNNGRU, TimeDistributedDense)}


def install():
    """Add the Keras 1/2 names ``cornu.layers`` lacks (``merge``, ``Merge``, ``Deconvolution2D``...).

    ``cornu.layers.merge`` is the object standing for the path ``keras.layers.merge``: callable
    as Keras 1's ``merge(...)`` and holding Keras 2's merge layers and functions.
    """
    from cornu.legacy.keras_alias import legacy_module  # noqa: PLC0415

    for name, obj in LEGACY_LAYERS.items():
        if not hasattr(_layers, name):
            setattr(_layers, name, obj)
    if "merge" not in _layers.__dict__:
        _layers.merge = legacy_module("keras.layers.merge", warn=False)


__all__ = ["merge", "Merge", "install"] + sorted(set(LEGACY_LAYERS) - {"Merge"})
