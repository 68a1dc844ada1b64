"""Argument handling and config pieces shared by the convolution bases.

``BaseConv``, ``BaseConvTranspose``, ``BaseDepthwiseConv`` and
``BaseSeparableConv`` store their geometry and weight arguments, and list
them in their configs, through these helpers, so that the checks, the error
messages and the config key order are the same in every family member.
"""
from cornu import activations, constraints, initializers, regularizers
from cornu.layers.convolutional import arg_checks as ac

_RESOLVERS = (("_initializer", initializers.get), ("_regularizer", regularizers.get),
              ("_constraint", constraints.get))


def store_geometry(layer, rank, kernel_size, strides, dilation_rate, padding, allowed=("valid", "same")):
    """Checks and stores ``kernel_size``, ``strides``, ``dilation_rate`` (``rank`` ints each) and ``padding``."""
    layer.kernel_size = ac.int_tuple(layer, kernel_size, rank, "kernel_size")
    layer.strides = ac.int_tuple(layer, strides, rank, "strides")
    layer.dilation_rate = ac.int_tuple(layer, dilation_rate, rank, "dilation_rate")
    layer.padding = ac.padding_mode(layer, padding, allowed)


def check_strides_and_dilation(layer):
    """Refuses ``strides > 1`` together with ``dilation_rate > 1``, as Keras does."""
    if max(layer.strides) > 1 and max(layer.dilation_rate) > 1:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}': `strides > 1` is not supported together "
            f"with `dilation_rate > 1`; received strides={layer.strides} and "
            f"dilation_rate={layer.dilation_rate}."
        )


def store_weight_args(layer, activation, use_bias, **weight_args):
    """Resolves and stores ``activation``, ``use_bias`` and each ``<weight>_initializer``,
    ``_regularizer`` or ``_constraint`` argument, in the order given."""
    layer.activation = activations.get(activation)
    layer.use_bias = bool(use_bias)
    for name, value in weight_args.items():
        resolve = next(get for suffix, get in _RESOLVERS if name.endswith(suffix))
        setattr(layer, name, resolve(value))


def geometry_config(layer, after_padding=()):
    """``kernel_size``, ``strides``, ``padding``, the ``after_padding`` attributes,
    ``data_format`` and ``dilation_rate``, in that order."""
    config = {"kernel_size": layer.kernel_size, "strides": layer.strides, "padding": layer.padding}
    config.update({name: getattr(layer, name) for name in after_padding})
    config.update({"data_format": layer.data_format, "dilation_rate": layer.dilation_rate})
    return config


def weight_config(layer, weights):
    """``activation``, ``use_bias``, then the initializers, regularizers (and
    ``activity_regularizer``) and constraints of ``weights`` (e.g. ``("kernel", "bias")``)."""
    config = {"activation": activations.serialize(layer.activation), "use_bias": layer.use_bias}
    config.update({f"{w}_initializer": initializers.serialize(getattr(layer, f"{w}_initializer"))
                   for w in weights})
    config.update({f"{w}_regularizer": regularizers.serialize(getattr(layer, f"{w}_regularizer"))
                   for w in weights})
    config["activity_regularizer"] = regularizers.serialize(layer.activity_regularizer)
    config.update({f"{w}_constraint": constraints.serialize(getattr(layer, f"{w}_constraint"))
                   for w in weights})
    return config


def add_bias(layer, size):
    """The ``bias`` weight of shape ``(size,)`` when ``layer.use_bias``, else ``None``."""
    if not layer.use_bias:
        return None
    return layer.add_weight(shape=(size,), initializer=layer.bias_initializer, regularizer=layer.bias_regularizer,
                            constraint=layer.bias_constraint, name="bias")


def conv_kernel_memory_order(rank, data_format):
    """The memory order (outermost axis first) in which a convolution reads its kernel.

    A Keras kernel has axes ``(spatial..., in, out)``. Channels-last images of
    rank 2 or 3 are convolved in the engines' channels-last format, which reads
    the kernel as ``(out, spatial..., in)``; otherwise kernels are read as
    ``(out, in, spatial...)``. Storing the kernel in that order spares a copy of
    it (and of its gradient) on every step; see ``Variable._prefer_memory_order``.
    """
    spatial = tuple(range(rank))
    if data_format == "channels_last" and rank in (2, 3):
        return (rank + 1,) + spatial + (rank,)
    return (rank + 1, rank) + spatial


def depthwise_kernel_memory_order(rank):
    """The memory order of a depthwise kernel ``(spatial..., in, multiplier)``: ``(in, multiplier, spatial...)``.

    The engine reshapes it to ``(spatial..., 1, in * multiplier)`` and reads that
    as ``(in * multiplier, 1, spatial...)``; in this order both steps are views.
    """
    return (rank, rank + 1) + tuple(range(rank))
