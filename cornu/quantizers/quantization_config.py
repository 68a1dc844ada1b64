"""Quantization configs: which quantizers ``layer.quantize(...)`` uses, by mode.

A config names its mode (``"int8"``, ``"int4"``, ``"float8"``) and holds an
optional weight quantizer (``None``: the layer's default per-channel
abs-max quantizer) and an optional activation quantizer (``None``: the
inputs stay in float, weight-only quantization).
"""
from cornu.serialization import deserialize_keras_object, serialize_keras_object

QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")


class QuantizationConfig:
    """Base class of quantization configs.

    Args:
        weight_quantizer: quantizer of the weights, or ``None`` for the default.
        activation_quantizer: quantizer of the inputs, or ``None`` (float inputs).
    """

    def __init__(self, weight_quantizer=None, activation_quantizer=None):
        self.weight_quantizer = weight_quantizer
        self.activation_quantizer = activation_quantizer

    @property
    def mode(self):
        """The quantization mode (set by each subclass)."""
        raise NotImplementedError(f"{type(self).__name__} names no quantization mode; use a subclass such as "
                                  "Int8QuantizationConfig.")

    def get_config(self):
        """The quantizers, serialized."""
        return {"weight_quantizer": serialize_keras_object(self.weight_quantizer),
                "activation_quantizer": serialize_keras_object(self.activation_quantizer)}

    @classmethod
    def from_config(cls, config):
        """A config from ``get_config()`` output."""
        return cls(weight_quantizer=deserialize_keras_object(config.get("weight_quantizer")),
                   activation_quantizer=deserialize_keras_object(config.get("activation_quantizer")))

    @staticmethod
    def weight_quantizer_or_default(config, default):
        """``config``'s weight quantizer, or ``default`` when there is none."""
        if config is not None and config.weight_quantizer is not None:
            return config.weight_quantizer
        return default

    @staticmethod
    def activation_quantizer_or_default(config, default):
        """``config``'s activation quantizer (``None`` included), or ``default`` without a config."""
        return default if config is None else config.activation_quantizer


def _default_input_quantizer():
    from cornu.quantizers.quantizers import AbsMaxQuantizer  # noqa: PLC0415 - sibling module

    return AbsMaxQuantizer()


class Int8QuantizationConfig(QuantizationConfig):
    """int8 weights with per-channel scales; inputs quantized per row by default.

    Args:
        weight_quantizer: a quantizer with ``output_dtype="int8"``, or ``None``.
        activation_quantizer: ``"default"`` (an ``AbsMaxQuantizer`` over the
            last axis), a quantizer, or ``None`` (float inputs).
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default"):
        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = _default_input_quantizer()
        super().__init__(weight_quantizer, activation_quantizer)
        if weight_quantizer is not None and getattr(weight_quantizer, "output_dtype", None) != "int8":
            raise ValueError(
                "Int8QuantizationConfig: `weight_quantizer` must produce int8 values; received a quantizer "
                f"with output_dtype={getattr(weight_quantizer, 'output_dtype', None)!r}."
            )

    @property
    def mode(self):
        """``"int8"``."""
        return "int8"


class Int4QuantizationConfig(QuantizationConfig):
    """int4 weights (two values per byte); weight-only by default.

    Args:
        weight_quantizer: a quantizer with ``value_range=(-8, 7)``, or ``None``.
        activation_quantizer: ``"default"`` (none: float inputs), or a quantizer.
        block_size: group size along the input axis (``None`` or -1: one scale
            per output channel).
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default", block_size=128):
        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = None
        super().__init__(weight_quantizer, activation_quantizer)
        if block_size is not None and block_size != -1 and (not isinstance(block_size, int) or block_size <= 0):
            raise ValueError(
                "Int4QuantizationConfig: `block_size` must be None, -1 or a positive integer; received "
                f"block_size={block_size!r}."
            )
        self.block_size = block_size

    @property
    def mode(self):
        """``"int4"``."""
        return "int4"

    def get_config(self):
        """The quantizers and ``block_size``."""
        return {**super().get_config(), "block_size": self.block_size}

    @classmethod
    def from_config(cls, config):
        """A config from ``get_config()`` output (no ``block_size``: per channel, as older files)."""
        return cls(weight_quantizer=deserialize_keras_object(config.get("weight_quantizer")),
                   activation_quantizer=deserialize_keras_object(config.get("activation_quantizer")),
                   block_size=config.get("block_size"))


class Float8QuantizationConfig(QuantizationConfig):
    """float8 training (no user quantizers)."""

    def __init__(self):
        super().__init__(None, None)

    @property
    def mode(self):
        """``"float8"``."""
        return "float8"

    def get_config(self):
        """Empty: float8 takes no arguments."""
        return {}

    @classmethod
    def from_config(cls, config):
        """The float8 config."""
        return cls()


def resolve_config(mode, config, owner):
    """``(mode, config)`` from a mode string and/or a config, checked against each other."""
    if isinstance(config, str):
        mode, config = config, None
    if config is None:
        defaults = {"int8": Int8QuantizationConfig, "int4": Int4QuantizationConfig,
                    "float8": Float8QuantizationConfig}
        if mode in defaults:
            return mode, defaults[mode]()
        if mode in ("gptq", "awq"):
            raise ValueError(f"{owner}: mode={mode!r} needs a config object passed as `config`.")
        raise ValueError(
            f"{owner}: `mode` must be one of {QUANTIZATION_MODES} (or pass `config`); received mode={mode!r}."
        )
    if not isinstance(config, QuantizationConfig):
        raise ValueError(
            f"{owner}: `config` must be a QuantizationConfig such as Int8QuantizationConfig(); received "
            f"config={config!r} (of type {type(config).__name__})."
        )
    if mode is not None and mode != config.mode:
        raise ValueError(f"{owner}: contradictory arguments: mode={mode!r} but config.mode={config.mode!r}.")
    return config.mode, config


__all__ = ["QUANTIZATION_MODES", "QuantizationConfig", "Int8QuantizationConfig", "Int4QuantizationConfig",
           "Float8QuantizationConfig", "resolve_config"]
