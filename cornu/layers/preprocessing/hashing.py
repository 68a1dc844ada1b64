"""``Hashing``: values -> hash buckets (FarmHash Fingerprint64, or SipHash-2-4 with a salt), on the host."""
import numpy as np

from cornu import backend
from cornu.layers.preprocessing import _categorical as cat
from cornu.layers.preprocessing import _hash_functions as hashing

_MODES = ("int", "one_hot", "multi_hot", "count")


class Hashing(cat.HostLayer):
    """Hashes strings or integers into ``num_bins`` buckets, as Keras does.

    Values are hashed as text (integers in decimal, floats first truncated
    to integers) with FarmHash ``Fingerprint64``; with ``salt`` the keyed
    SipHash-2-4 is used instead. Runs on the host on NumPy arrays, lists or
    tensors; the result is an engine tensor.

    Args:
        num_bins: the number of buckets (including the mask bucket, if any).
        mask_value: values equal to it go to bucket 0; the others are hashed
            into the remaining ``num_bins - 1`` buckets.
        salt: an int or two ints: the SipHash key.
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"`` or ``"count"``.
        sparse: not supported (raises ``NotImplementedError``).
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else backend.floatx()
        super().__init__(**kwargs)
        tag = f"Layer '{self.name}' (Hashing):"
        if num_bins is None or not isinstance(num_bins, int) or num_bins <= 0:
            raise ValueError(f"{tag} `num_bins` must be a positive integer. Received: num_bins={num_bins}.")
        if output_mode == "int" and self.compute_dtype not in ("int32", "int64"):
            raise ValueError(f"{tag} when `output_mode=\"int\"`, `dtype` should be 'int32' or 'int64'. "
                             f"Received: dtype={self.compute_dtype}")
        cat.check_choice(self.name, "Hashing", "output_mode", output_mode, _MODES)
        if sparse and output_mode == "int":
            raise ValueError(f"{tag} `sparse` may only be true if `output_mode` is 'one_hot', 'multi_hot' or "
                             f"'count'. Received: sparse={sparse} and output_mode={output_mode}")
        if sparse:
            raise NotImplementedError(f"{tag} `sparse=True` is not supported: cornu has no sparse tensors. "
                                      "Use sparse=False.")
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2 and all(isinstance(s, int) for s in salt):
                salt = list(salt)
            elif isinstance(salt, int) and not isinstance(salt, bool):
                salt = [salt, salt]
            else:
                raise ValueError(f"{tag} `salt` must be a tuple of 2 integers or a single integer. "
                                 f"Received: salt={salt}.")
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.salt = salt
        self.output_mode = output_mode
        self.sparse = sparse

    def _bins(self, values):
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = values == self.mask_value
        out = hashing.hash_to_bins(values, bins, self.salt)
        if mask is not None:
            out = np.where(mask, 0, out + 1)
        return out

    def call(self, inputs):
        values = cat.to_numpy_input(inputs, strings=True)
        if values.dtype.kind == "O":
            values = cat.decode_strings(values)
        if self.output_mode == "one_hot" and values.ndim > 0 and values.shape[-1] == 1:
            values = values[..., 0]
        indices = self._bins(values)
        if self.output_mode == "int":
            return backend.convert_to_tensor(indices, dtype=self.compute_dtype)
        out = cat.encode_numpy(indices, self.output_mode, self.num_bins, dtype=self.compute_dtype)
        return backend.convert_to_tensor(out, dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "one_hot" and input_shape and input_shape[-1] == 1:
            input_shape = input_shape[:-1]
        return cat.encoded_shape(input_shape, self.output_mode, self.num_bins)

    def _output_dtype_name(self):
        return self.compute_dtype

    def get_config(self):
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "salt": self.salt, "mask_value": self.mask_value,
                       "output_mode": self.output_mode, "sparse": self.sparse})
        return config
