"""Keras 1/2 layer arguments, translated to Keras 3 ones in one place.

``translate(cls, args, kwargs)`` is installed as ``cornu.layers.layer.LEGACY_ARGS_HOOK``:
every layer construction passes through it.  It renames Keras 1 keywords
(``init``, ``W_regularizer``, ``border_mode``, ``subsample``, ``dim_ordering``,
``output_dim``, ``nb_filter``, ``nb_row``/``nb_col``, ``filter_length``,
``pool_length``, ``p``...) and rewrites Keras 1's positional convolution
signature ``Convolution2D(nb_filter, nb_row, nb_col, ...)``.  Each legacy
argument name gives one ``DeprecationWarning`` per process.

Only names a class does not itself declare are translated, so a custom layer
with its own ``bias=`` or ``init=`` argument is left alone.

``Convolution2D(32, 3, 3)``: Keras 1 meant a 3x3 kernel, Keras 3 reads a
stride of 3 (``Convolution2D`` is ``Conv2D``).  The call's source text
decides: spelled ``Convolution2D``/``Convolution3D`` (Keras 1 names), or
``Conv2D`` together with Keras 1 keywords, it is Keras 1's kernel; spelled
``Conv2D`` otherwise, Keras 3's stride.  Without source text, or spelled
otherwise (a class held in a variable), Keras 2's rule applies: integer 2nd
and 3rd arguments and no ``padding``/``strides``/``data_format`` keyword mean
a kernel.  Subclasses with their own ``__init__`` keep their positionals.
"""
import functools
import inspect
import linecache
import os
import re
import sys

from cornu.legacy.deprecation import warn_once

# Every layer family: Keras 1 argument -> Keras 2/3 argument.
COMMON = {
    "init": "kernel_initializer", "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer", "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint", "bias": "use_bias", "border_mode": "padding",
    "subsample": "strides", "dim_ordering": "data_format", "nb_filter": "filters",
    "atrous_rate": "dilation_rate", "input_dtype": "dtype",
}

# Per family (class names of ``cornu.layers``, subclasses included): renames on top of COMMON.
FAMILIES = (
    (("Dense",), {"output_dim": "units"}),
    (("Embedding",), {"init": "embeddings_initializer", "W_regularizer": "embeddings_regularizer",
                      "W_constraint": "embeddings_constraint"}),
    (("SimpleRNN", "LSTM", "GRU"), {
        "output_dim": "units", "inner_init": "recurrent_initializer",
        "inner_activation": "recurrent_activation", "U_regularizer": "recurrent_regularizer",
        "U_constraint": "recurrent_constraint", "dropout_W": "dropout", "dropout_U": "recurrent_dropout"}),
    (("Conv1D", "SeparableConv1D"), {"filter_length": "kernel_size", "subsample_length": "strides"}),
    (("MaxPooling1D", "AveragePooling1D"), {"pool_length": "pool_size", "stride": "strides"}),
    (("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout",
      "AlphaDropout"), {"p": "rate"}),
    (("GaussianNoise",), {"sigma": "stddev"}),
    (("BatchNormalization",), {"beta_init": "beta_initializer", "gamma_init": "gamma_initializer"}),
    (("LeakyReLU",), {"alpha": "negative_slope"}),
    (("PReLU",), {"init": "alpha_initializer"}),
    (("UpSampling1D",), {"length": "size"}),
    (("SeparableConv2D",), {"depthwise_regularizer": "depthwise_regularizer"}),
)

# Keras 1 arguments with no Keras 3 counterpart: dropped with a warning saying why.
DROPPED = {
    "consume_less": "the implementation is chosen automatically",
    "output_shape": "Keras 3 infers the output shape of transposed convolutions",
    "forget_bias_init": "use `unit_forget_bias` (True initializes the forget bias to 1)",
    "dropout": "apply a `SpatialDropout1D` layer after the `Embedding` instead",
}
_DROPPED_FOR = {"consume_less": ("SimpleRNN", "LSTM", "GRU"), "output_shape": ("Conv2DTranspose",
                "Conv3DTranspose"), "forget_bias_init": ("LSTM",), "dropout": ("Embedding",)}

_DIM_ORDERING = {"tf": "channels_last", "th": "channels_first", "default": None}
_CONV_KERNEL_KEYS = {2: ("nb_row", "nb_col"), 3: ("kernel_dim1", "kernel_dim2", "kernel_dim3")}
_KERAS1_CONV_KEYWORDS = {"border_mode", "subsample", "dim_ordering", "init", "W_regularizer",
                         "b_regularizer", "W_constraint", "b_constraint", "bias", "nb_row", "nb_col",
                         "atrous_rate", "nb_filter"}

# Keras 1 positional signatures of the convolutions (after ``nb_filter`` and the kernel sizes).
_TAIL_2D = ("init", "activation", "weights", "border_mode", "subsample", "dim_ordering", "W_regularizer",
            "b_regularizer", "activity_regularizer", "W_constraint", "b_constraint", "bias")
KERAS1_CONV_SIGNATURES = {
    "Convolution2D": ("nb_filter", "nb_row", "nb_col") + _TAIL_2D,
    "AtrousConvolution2D": ("nb_filter", "nb_row", "nb_col", "init", "activation", "weights", "border_mode",
                            "subsample", "atrous_rate") + _TAIL_2D[5:],
    "Deconvolution2D": ("nb_filter", "nb_row", "nb_col", "output_shape") + _TAIL_2D,
    "SeparableConvolution2D": ("nb_filter", "nb_row", "nb_col", "init", "activation", "weights",
                               "border_mode", "subsample", "depth_multiplier", "dim_ordering"),
    "Convolution3D": ("nb_filter", "kernel_dim1", "kernel_dim2", "kernel_dim3", "init", "activation",
                      "weights", "border_mode", "subsample", "dim_ordering", "W_regularizer",
                      "b_regularizer", "activity_regularizer", "W_constraint", "b_constraint", "bias"),
    "Convolution1D": ("nb_filter", "filter_length", "init", "activation", "weights", "border_mode",
                      "subsample_length", "W_regularizer", "b_regularizer", "activity_regularizer",
                      "W_constraint", "b_constraint", "bias", "input_dim", "input_length"),
}
_KERAS3_CONV_NAMES = frozenset({"Conv2D", "Conv3D", "Conv2DTranspose", "Conv3DTranspose", "SeparableConv2D",
                                "Convolution2DTranspose", "Convolution3DTranspose"})
_KERAS1_NAME_OF = {"Conv2D": "Convolution2D", "Conv3D": "Convolution3D", "Conv2DTranspose": "Deconvolution2D",
                   "SeparableConv2D": "SeparableConvolution2D", "Conv1D": "Convolution1D"}

ALL_LEGACY_NAMES = frozenset(COMMON) | frozenset(k for _, t in FAMILIES for k in t) | frozenset(DROPPED) \
    | {"nb_row", "nb_col", "kernel_dim1", "kernel_dim2", "kernel_dim3", "input_length", "input_dim", "mode"}

_HERE = os.path.dirname(os.path.abspath(__file__))


@functools.lru_cache(maxsize=None)
def _declared(cls):
    """Argument names ``cls.__init__`` declares itself (not through ``**kwargs``)."""
    try:
        params = inspect.signature(cls.__init__).parameters.values()
    except (TypeError, ValueError):
        return frozenset()
    return frozenset(p.name for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL))


@functools.lru_cache(maxsize=None)
def _families(cls):
    """Names of the ``cornu.layers`` families ``cls`` belongs to."""
    import cornu.layers as layers  # noqa: PLC0415

    names = set()
    for klass in cls.__mro__:
        if getattr(layers, klass.__name__, None) is klass:
            names.add(klass.__name__)
    return frozenset(names)


@functools.lru_cache(maxsize=None)
def _renames(cls):
    families = _families(cls)
    table = dict(COMMON)
    for names, renames in FAMILIES:
        if families.intersection(names):
            table.update(renames)
    return table


def translate(cls, args, kwargs):
    """``LEGACY_ARGS_HOOK``: ``(cls, args, kwargs)`` with Keras 1/2 spellings made Keras 3."""
    target = cls.__dict__.get("_cornu_legacy_target")
    if target is None and len(args) < 3 and not (kwargs.keys() & ALL_LEGACY_NAMES):
        return cls, args, kwargs  # the common case: nothing to do
    if target is not None:
        return target(cls, args, kwargs)
    families = _families(cls)
    kwargs = dict(kwargs)
    args = _keras1_positional(cls, families, args, kwargs)
    if not (kwargs.keys() & ALL_LEGACY_NAMES):
        return cls, args, kwargs
    return cls, args, translate_kwargs(cls, kwargs, families)


def translate_kwargs(cls, kwargs, families=None):
    """Rename the Keras 1 keywords of ``kwargs`` for layer class ``cls`` (warning once per name)."""
    families = _families(cls) if families is None else families
    declared = _declared(cls)
    name = cls.__name__
    out = {}
    renames = _renames(cls)
    kernel = {}
    for key, value in kwargs.items():
        if key in declared or key not in ALL_LEGACY_NAMES:
            out[key] = value
        elif key in ("nb_row", "nb_col", "kernel_dim1", "kernel_dim2", "kernel_dim3"):
            kernel[key] = value
        elif key == "input_length":
            out[key] = value  # resolved below, with `input_dim`
        elif key == "mode" and "BatchNormalization" in families:
            _warn(key, f"`{name}(mode=...)` is Keras 1; only `mode=0` (feature-wise) exists now.")
            if value not in (0, None):
                raise TypeError(f"{name}: the Keras 1 argument `mode={value!r}` is not supported "
                                "(`mode=1` and `mode=2` were removed in Keras 2); remove it.")
        elif key in DROPPED and families.intersection(_DROPPED_FOR[key]):
            _warn(key, f"`{name}({key}=...)` is a Keras 1 argument with no effect now: {DROPPED[key]}.")
            if key == "forget_bias_init" and "unit_forget_bias" not in kwargs:
                out["unit_forget_bias"] = value in ("one", "ones", "Ones")
        elif key in renames:
            new = renames[key]
            _warn(key, f"`{name}({key}=...)` is the Keras 1 spelling of `{new}`; cornu maps it.")
            out[new] = _convert_value(name, key, value)
        else:
            out[key] = value
    if kernel:
        order = _CONV_KERNEL_KEYS[3 if "kernel_dim1" in kernel else 2]
        missing = [k for k in order if k not in kernel]
        if missing:
            raise TypeError(f"{name}: Keras 1 kernel arguments {sorted(kernel)} given without {missing}.")
        _warn(order[0], f"`{name}({', '.join(order)})` is the Keras 1 spelling of `kernel_size`.")
        out["kernel_size"] = tuple(int(kernel[k]) for k in order)
    _resolve_input_length(cls, families, out)
    return out


def _resolve_input_length(cls, families, kwargs):
    """Keras 1 ``input_dim``/``input_length`` of sequence layers -> ``input_shape``."""
    sequence = families.intersection({"SimpleRNN", "LSTM", "GRU", "Conv1D", "SeparableConv1D", "Embedding",
                                      "MaxPooling1D", "AveragePooling1D"})
    length = kwargs.pop("input_length", None) if "input_length" not in _declared(cls) else None
    if not sequence:
        if length is not None:
            kwargs["input_length"] = length  # not ours to interpret
        return
    if "Embedding" in families:
        if length is not None:
            _warn("input_length", f"`{cls.__name__}(input_length=...)` is Keras 1/2; it now only sets "
                  "the input shape. Use `Input(shape=(length,))`.")
            if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
                kwargs["input_shape"] = (length,)
        return
    dim = kwargs.get("input_dim")
    if dim is None and length is None:
        return
    _warn("input_dim", f"`{cls.__name__}(input_dim=..., input_length=...)` is Keras 1; use "
          "`input_shape=(input_length, input_dim)` or an `Input` layer.")
    kwargs.pop("input_dim", None)
    if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
        kwargs["input_shape"] = (length, dim)


def _convert_value(name, key, value):
    if key == "dim_ordering":
        if value not in _DIM_ORDERING:
            raise ValueError(f"{name}: `dim_ordering` must be 'tf', 'th' or 'default'; received {value!r}.")
        return _DIM_ORDERING[value]
    if key == "border_mode" and value == "full":
        raise ValueError(f"{name}: Keras 1's `border_mode='full'` (Theano) has no equivalent; pad with "
                         "`ZeroPadding2D(kernel_size - 1)` and use `padding='valid'`.")
    return value


def _warn(key, message):
    warn_once(("argument", key), message)


# -- Keras 1 positional convolutions ----------------------------------------------------------
def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _keras1_positional(cls, families, args, kwargs):
    """Rewrite ``Convolution2D(32, 3, 3, ...)`` (Keras 1) as keywords; other calls unchanged."""
    rank = 3 if families.intersection({"Conv3D", "Conv3DTranspose"}) else \
        2 if families.intersection({"Conv2D", "Conv2DTranspose", "SeparableConv2D"}) else 0
    if rank == 0 or len(args) < rank + 1 or not all(_is_int(a) for a in args[1:rank + 1]):
        return args
    cornu_name = next((n for n in ("Conv2DTranspose", "SeparableConv2D", "Conv3D", "Conv2D") if n in families))
    import cornu.layers as layers  # noqa: PLC0415

    if cls.__init__ is not getattr(layers, cornu_name).__init__:
        return args  # a subclass with its own signature: its positionals are its own
    keras1_name = kwargs.pop("_cornu_keras1_name", None) or _KERAS1_NAME_OF[cornu_name]
    spelled = _spelled_callee()
    keras1_words = bool(kwargs.keys() & _KERAS1_CONV_KEYWORDS)
    keras3_words = bool(kwargs.keys() & {"padding", "strides", "data_format", "kernel_size", "filters"})
    if rank == 3 and _is_int(args[3]):
        legacy = True  # Keras 3's 4th argument is `padding`, never an int
    elif spelled in KERAS1_CONV_SIGNATURES:
        legacy = True
    elif spelled in _KERAS3_CONV_NAMES:
        legacy = keras1_words and not keras3_words
    else:
        legacy = not keras3_words  # Keras 2's rule
    if not legacy:
        return args
    signature = KERAS1_CONV_SIGNATURES[keras1_name]
    if len(args) > len(signature):
        raise TypeError(f"{keras1_name} (Keras 1 signature) takes at most {len(signature)} positional "
                        f"arguments; received {len(args)}.")
    for key, value in zip(signature, args):
        if key in kwargs:
            raise TypeError(f"{keras1_name}: got multiple values for argument {key!r}.")
        kwargs[key] = value
    # The leading positionals become Keras 3 keywords here (one warning for the signature).
    kwargs["filters"] = kwargs.pop("nb_filter")
    kernel_keys = signature[1:rank + 1]
    kwargs["kernel_size"] = tuple(int(kwargs.pop(k)) for k in kernel_keys)
    _warn(f"positional:{keras1_name}", f"`{keras1_name}({', '.join(signature[:rank + 1])}, ...)` is the Keras 1 "
          f"signature; write `{cornu_name}(filters, kernel_size=({', '.join(['k'] * rank)}), ...)`.")
    return ()


def _spelled_callee():
    """The name the calling source line used for the class (``"Convolution2D"``), or None."""
    frame = sys._getframe(1)
    layer_base = os.path.join(os.path.dirname(_HERE), "layers", "layer.py")
    while frame is not None and (os.path.dirname(frame.f_code.co_filename) == _HERE
                                 or frame.f_code.co_filename == layer_base):
        frame = frame.f_back
    if frame is None or not hasattr(frame.f_code, "co_positions"):
        return None
    try:
        positions = list(frame.f_code.co_positions())[frame.f_lasti // 2]
        lineno, _, col, _ = positions
        line = linecache.getline(frame.f_code.co_filename, lineno, frame.f_globals)
        if not line or col is None:
            return None
        snippet = line.encode("utf-8")[col:].decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - best effort; fall back to Keras 2's rule
        return None
    match = re.match(r"\s*([A-Za-z_][\w.]*)\s*\(", snippet)
    return match.group(1).rsplit(".", 1)[-1] if match else None


__all__ = ["translate", "translate_kwargs", "COMMON", "FAMILIES", "DROPPED", "KERAS1_CONV_SIGNATURES"]
