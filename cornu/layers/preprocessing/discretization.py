"""``Discretization``: buckets continuous values by boundaries (given, or adapted from quantiles)."""
import numpy as np

from cornu import backend, ops
from cornu.layers.layer import Layer
from cornu.layers.preprocessing import _categorical as cat

_MODES = ("int", "one_hot", "multi_hot", "count")


class Discretization(Layer):
    """Maps each value to the index of the range it falls in: ``bins[i-1] <= x < bins[i]`` gives ``i``.

    The boundaries are given (``bin_boundaries``) or estimated by
    ``adapt`` as ``num_bins`` approximate quantiles of the data (a merging
    summary with precision ``epsilon``, computed the way Keras does, so the
    same data gives the same boundaries).  The call uses ``cornu.ops`` and
    runs inside compiled steps.

    Args:
        bin_boundaries: sorted list of boundaries (``len + 1`` bins).
        num_bins: the number of bins to learn with ``adapt``.
        epsilon: error tolerance of the quantile summary (smaller: more exact, more memory).
        output_mode: ``"int"`` (int32 indices), ``"one_hot"``, ``"multi_hot"`` or ``"count"``.
        sparse: not supported (raises ``NotImplementedError``).
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False,
                 dtype=None, name=None, **kwargs):
        kwargs.pop("trainable", None)
        super().__init__(name=name, dtype=dtype, **kwargs)
        tag = f"Layer '{self.name}' (Discretization):"
        if sparse and output_mode == "int":
            raise ValueError(f"{tag} `sparse=True` may only be used if `output_mode` is 'one_hot', 'multi_hot' "
                             f"or 'count'. Received: sparse={sparse} and output_mode={output_mode}")
        if sparse:
            raise NotImplementedError(f"{tag} `sparse=True` is not supported: cornu has no sparse tensors. "
                                      "Use sparse=False.")
        cat.check_choice(self.name, "Discretization", "output_mode", output_mode, _MODES)
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"{tag} `num_bins` must be greater than or equal to 0. Received: num_bins={num_bins}")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(f"{tag} Both `num_bins` and `bin_boundaries` should not be set. Received: "
                             f"num_bins={num_bins} and bin_boundaries={bin_boundaries}")
        if num_bins is None and bin_boundaries is None:
            raise ValueError(f"{tag} You need to set either `num_bins` or `bin_boundaries`.")
        if bin_boundaries is not None:
            bin_boundaries = np.asarray(bin_boundaries, dtype="float64").reshape(-1).tolist()
        self.bin_boundaries = bin_boundaries
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self.summary = None if self.bin_boundaries else np.zeros((2, 0), dtype="float32")

    @property
    def output_dtype(self):
        return self.compute_dtype if self.output_mode != "int" else "int32"

    # -- adapt ---------------------------------------------------------------------------
    def adapt(self, data, steps=None):
        """Estimate ``num_bins`` quantile boundaries from ``data`` (array, tensor or iterable of batches)."""
        if self.num_bins is None:
            raise ValueError(f"Layer '{self.name}' (Discretization): cannot adapt a layer initialized with "
                             "`bin_boundaries`; use `num_bins` instead.")
        self.reset_state()
        if isinstance(data, (list, tuple)) and data and np.isscalar(data[0]):
            batches = [data]  # a flat list of numbers: one batch
        else:
            batches = cat.iterate_batches(data, steps)
            if isinstance(data, (list, tuple)):  # a list of batches
                batches = [cat.extract_batch(b) for b in data][:steps]
        for batch in batches:
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        data = np.asarray(backend.convert_to_numpy(data) if backend.is_tensor(data) else data).astype("float32")
        self.summary = _merge(_summarize(data, self.epsilon), self.summary, self.epsilon)

    def finalize_state(self):
        if self.num_bins is None:
            return
        self.bin_boundaries = _compress(self.summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def reset_state(self):
        if self.num_bins is None:
            return
        self.summary = np.zeros((2, 0), dtype="float32")

    # -- call ------------------------------------------------------------------------------
    def _depth(self):
        return len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(f"Layer '{self.name}' (Discretization): pass `bin_boundaries` at construction or "
                             "call `adapt(data)` before using the layer.")
        inputs = ops.convert_to_tensor(inputs)
        if not backend.is_float_dtype(backend.standardize_dtype(inputs.dtype)):
            inputs = ops.cast(inputs, backend.floatx())
        indices = ops.digitize(inputs, self.bin_boundaries)
        if self.output_mode == "int":
            return ops.cast(indices, "int32")
        return cat.encode_tensor(indices, self.output_mode, self._depth(), dtype=self.output_dtype)

    def compute_output_shape(self, input_shape):
        return cat.encoded_shape(input_shape, self.output_mode, self._depth())

    def compute_output_spec(self, inputs):
        return backend.KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.output_dtype)

    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins, "epsilon": self.epsilon,
                "output_mode": self.output_mode, "sparse": self.sparse, "name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = boundaries
            return layer
        return cls(**config)


# -- the quantile summary: row 0 values, row 1 weights ------------------------------------------
def _summarize(values, epsilon):
    """Every ``step``-th sorted value, each weighing ``step`` (about ``1/epsilon`` of them)."""
    values = np.sort(np.reshape(values, [-1]))
    step = max(np.size(values) / (1.0 / epsilon), 1)
    picked = values[int(step - 1)::int(step)]
    return np.stack([picked, np.ones_like(picked) * step])


def _merge(new, previous, epsilon):
    merged = np.concatenate((new, previous), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return _compress(merged, epsilon)


def _compress(summary, epsilon):
    """Re-sample a summary at the cumulative-weight fractions ``epsilon, 2*epsilon, ..., 1``."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    position = cumulative / cumulative[-1]
    values = np.interp(fractions, position, summary[0])
    new_cumulative = np.interp(fractions, position, cumulative)
    weights = np.diff(new_cumulative, prepend=0.0)
    return np.stack((values, weights)).astype("float32")
