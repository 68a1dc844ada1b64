"""``HashedCrossing``: crosses two or more categorical features into hashed buckets, on the host."""
import numpy as np

from cornu import backend
from cornu.layers.preprocessing import _categorical as cat
from cornu.layers.preprocessing import _hash_functions as hashing

_CROSS_SEED = 0xDECAFCAFFE
_U64 = (1 << 64) - 1


class HashedCrossing(cat.HostLayer):
    """Hashes the combination of several categorical features into ``num_bins`` buckets.

    Each feature value is fingerprinted (strings with FarmHash
    ``Fingerprint64``, integers used as their 64-bit value), the
    fingerprints are chained in input order from a fixed seed, and the
    result is taken modulo ``num_bins`` - the numbers Keras gives.

    Call it on a tuple/list of two or more arrays of equal shape ``()``,
    ``(batch,)`` or ``(batch, 1)``, of strings or integers.

    Args:
        num_bins: the number of buckets.
        output_mode: ``"int"`` (bucket indices) or ``"one_hot"``.
        sparse: not supported (raises ``NotImplementedError``).
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None, **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        tag = f"Layer '{self.name}' (HashedCrossing):"
        cat.check_choice(self.name, "HashedCrossing", "output_mode", output_mode, ("int", "one_hot"))
        if not isinstance(num_bins, int) or isinstance(num_bins, bool) or num_bins <= 0:
            raise ValueError(f"{tag} `num_bins` must be a positive integer. Received: num_bins={num_bins}")
        if sparse:
            raise NotImplementedError(f"{tag} `sparse=True` is not supported: cornu has no sparse tensors. "
                                      "Use sparse=False.")
        self.num_bins = num_bins
        self.output_mode = output_mode
        self.sparse = sparse

    def _check(self, inputs):
        tag = f"Layer '{self.name}' (HashedCrossing):"
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"{tag} should be called on a list or tuple of at least two inputs. "
                             f"Received: inputs={inputs!r}")

    def call(self, inputs):
        self._check(inputs)
        tag = f"Layer '{self.name}' (HashedCrossing):"
        arrays = [cat.to_numpy_input(x, strings=True) for x in inputs]
        shape = arrays[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError(f"{tag} all inputs should have shape (), (batch_size) or (batch_size, 1). "
                             f"Received shapes {[a.shape for a in arrays]}")
        if any(a.shape != shape for a in arrays[1:]):
            raise ValueError(f"{tag} all inputs should have equal shape. Received shapes "
                             f"{[a.shape for a in arrays]}")
        columns = []
        for a in arrays:
            if a.dtype.kind in "USO":
                a = cat.decode_strings(a)
                columns.append([hashing.fingerprint64(s.encode("utf-8")) for s in a.reshape(-1)])
            elif a.dtype.kind in "iub":
                columns.append([int(v) & _U64 for v in a.astype("int64").reshape(-1)])
            else:
                raise ValueError(f"{tag} all inputs should have an integer or string dtype. Received dtypes "
                                 f"{[str(x.dtype) for x in arrays]}")
        out = []
        for row in zip(*columns):
            h = _CROSS_SEED
            for fp in row:
                h = hashing.fingerprint_cat64(h, fp)
            out.append(h % self.num_bins)
        out = np.array(out, dtype="int64").reshape(shape)
        if self.output_mode == "int":
            return backend.convert_to_tensor(out, dtype=self.compute_dtype)
        encoded = cat.encode_numpy(out, "one_hot", self.num_bins, dtype=self.compute_dtype)
        return backend.convert_to_tensor(encoded, dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 2 or \
                not all(isinstance(s, (list, tuple)) for s in input_shape):
            raise ValueError(f"Layer '{self.name}' (HashedCrossing): expected as input a list/tuple of at "
                             f"least 2 tensors. Received input_shape={input_shape}")
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        return cat.encoded_shape(first, "one_hot", self.num_bins)

    def _output_dtype_name(self):
        return self.compute_dtype

    def get_config(self):
        return {"num_bins": self.num_bins, "output_mode": self.output_mode, "sparse": self.sparse,
                "name": self.name, "dtype": self.dtype}
