"""Quantized dtype policies: a float policy plus a quantization mode.

A layer quantized with ``layer.quantize("int8")`` gets
``QuantizedDTypePolicy(mode="int8", source_name="float32")``, named
``"int8_from_float32"``: it computes in the source policy's dtype and keeps
integer kernels.  Serialized as Keras does:
``{"module": "keras.dtype_policies", "class_name": "QuantizedDTypePolicy",
"config": {"mode": "int8", "source_name": "float32"}}``.
"""
from cornu.dtype_policies import DTypePolicy, dtype_policy

QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")


class QuantizedDTypePolicy(DTypePolicy):
    """The dtype policy of a quantized layer.

    Args:
        mode: the quantization mode, one of ``QUANTIZATION_MODES``.
        source_name: the float policy it was quantized from (default: the
            global policy), e.g. ``"float32"`` or ``"mixed_bfloat16"``.
    """

    def __init__(self, mode, source_name=None):
        if source_name is None:
            source_name = dtype_policy().name
        if not isinstance(mode, str) or mode.split("/")[0] not in QUANTIZATION_MODES:
            raise ValueError(
                f"QuantizedDTypePolicy: `mode` must be one of {QUANTIZATION_MODES}; received mode={mode!r}."
            )
        super().__init__(source_name)
        if self.compute_dtype == "float16" and mode == "int8":
            raise ValueError(
                "QuantizedDTypePolicy: mode='int8' does not work well with compute dtype 'float16' (received "
                f"source_name={source_name!r}); use 'float32', 'bfloat16' or 'mixed_bfloat16'."
            )
        self._source_name = source_name
        self._quantization_mode = mode
        self._name = f"{mode}_from_{source_name}"

    @property
    def quantization_mode(self):
        """The quantization mode (``"int8"``...)."""
        return self._quantization_mode

    @property
    def source_name(self):
        """The float policy the layer was quantized from."""
        return self._source_name

    def get_config(self):
        """``{"mode", "source_name"}``, as Keras writes it."""
        return {"mode": self._quantization_mode, "source_name": self._source_name}

    def __repr__(self):
        return f'<{type(self).__name__} "{self._name}">'

    def __eq__(self, other):
        return (isinstance(other, QuantizedDTypePolicy) and other.quantization_mode == self.quantization_mode
                and other.source_name == self.source_name)

    __hash__ = object.__hash__


class QuantizedFloat8DTypePolicy(QuantizedDTypePolicy):
    """The float8 policy (kept so files naming it read; cornu runs no float8 layers).

    Args:
        mode: ``"float8"``.
        source_name: the float policy.
        amax_history_length: length of the amax history (an int).
    """

    def __init__(self, mode, source_name=None, amax_history_length=1024):
        super().__init__(mode, source_name)
        if not isinstance(amax_history_length, int) or isinstance(amax_history_length, bool):
            raise TypeError(
                "QuantizedFloat8DTypePolicy: `amax_history_length` must be an integer; received "
                f"amax_history_length={amax_history_length!r}."
            )
        self.amax_history_length = amax_history_length

    def get_config(self):
        """``mode``, ``source_name`` and ``amax_history_length``."""
        return {**super().get_config(), "amax_history_length": self.amax_history_length}


class Int4DTypePolicy(QuantizedDTypePolicy):
    """The int4 policy with its group size: mode ``"int4/<block_size>"`` (-1: one scale per channel).

    Args:
        mode: e.g. ``"int4/128"``.
        source_name: the float policy.
    """

    def __init__(self, mode, source_name=None):
        base, _, block = str(mode).partition("/")
        try:
            block_size = int(block)
        except ValueError:
            block_size = 0
        if base != "int4" or block_size < -1 or block_size == 0:
            raise ValueError(
                "Int4DTypePolicy: `mode` must be 'int4/<block_size>' with block_size -1 (per channel) or a "
                f"positive integer; received mode={mode!r}."
            )
        super().__init__("int4", source_name)
        self.block_size = block_size
        self._name = f"int4/{block_size}_from_{self._source_name}"

    def get_config(self):
        """``{"mode": "int4/<block_size>", "source_name"}``."""
        return {"mode": f"int4/{self.block_size}", "source_name": self._source_name}

    def __eq__(self, other):
        return super().__eq__(other) and getattr(other, "block_size", None) == self.block_size

    __hash__ = object.__hash__


def policy_from_name(name):
    """The quantized policy named ``"<mode>_from_<source>"`` (e.g. ``"int8_from_mixed_bfloat16"``)."""
    mode, sep, source = name.partition("_from_")
    if not sep or not source:
        raise ValueError(
            f"Cannot interpret the quantized dtype policy name {name!r}: expected '<mode>_from_<source>' such "
            f"as 'int8_from_float32', with mode one of {QUANTIZATION_MODES}."
        )
    if mode == "float8":
        return QuantizedFloat8DTypePolicy(mode, source)
    if mode.startswith("int4/"):
        return Int4DTypePolicy(mode, source)
    return QuantizedDTypePolicy(mode, source)


def is_quantized_name(name):
    """True for a policy name starting with a quantization mode (``"int8_from_float32"``)."""
    return isinstance(name, str) and name.startswith(QUANTIZATION_MODES)


__all__ = ["QuantizedDTypePolicy", "QuantizedFloat8DTypePolicy", "Int4DTypePolicy", "QUANTIZATION_MODES", "policy_from_name",
           "is_quantized_name"]
