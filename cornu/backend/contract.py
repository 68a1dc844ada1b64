"""What every engine package (``backend/torch``, ``backend/jax``) must export.

``tests/architecture`` checks that both engines export exactly these names.
"""

CORE = (
    "DEFAULT_DEVICE", "IS_THREAD_SAFE", "SUPPORTS_SPARSE_TENSORS", "IS_STATELESS", "SUPPORTS_JIT",
    "Variable", "BackendLayer",
    "cast", "compute_output_spec", "cond", "convert_to_numpy", "convert_to_tensor",
    "custom_gradient", "device_scope", "fori_loop", "get_device", "get_item", "is_tensor", "map",
    "scan", "scatter", "scatter_update", "shape", "slice", "slice_update", "stop_gradient",
    "unstack", "vectorized_map", "while_loop",
    "compute_gradients", "make_step_function", "fused_optimizer_update",
    "fused_batch_norm", "fused_dense", "fused_group_norm", "host_to_device", "take_rows",
    "switch",
    "numpy", "nn", "math", "random",
    "module_wrapper",  # TorchModuleWrapper support (SUPPORTED False off torch)
    "jax_layer",  # JaxLayer support (SUPPORTED False off jax)
)

NUMPY = (
    "add", "subtract", "multiply", "true_divide", "divide", "divide_no_nan", "floor_divide", "mod", "power",
    "maximum", "minimum", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_xor", "logical_not", "negative", "absolute", "abs",
    "square", "sqrt", "exp", "expm1", "log", "log1p", "log2", "log10", "logaddexp", "sign",
    "reciprocal", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh",
    "tanh", "arcsinh", "arccosh", "arctanh", "floor", "ceil", "isnan", "isinf", "isfinite",
    "round", "clip", "matmul", "dot", "tensordot", "einsum", "outer", "sum", "mean", "prod",
    "max", "min", "amax", "amin", "var", "std", "any", "all", "argmax", "argmin", "argsort",
    "sort", "cumsum", "cumprod", "reshape", "transpose", "moveaxis", "swapaxes", "expand_dims",
    "squeeze", "concatenate", "stack", "hstack", "vstack", "split", "tile", "repeat",
    "broadcast_to", "where", "zeros", "ones", "full", "zeros_like", "ones_like", "full_like",
    "arange", "linspace", "eye", "identity", "take", "take_along_axis", "pad", "flip", "roll",
    "tril", "triu", "diag", "trace", "count_nonzero", "size", "ndim", "average", "nan_to_num",
    "vdot", "cross", "copy", "real", "imag", "unique", "median", "quantile", "histogram",
    "meshgrid", "isclose", "ravel", "signbit", "trunc", "exp2", "cbrt", "hypot", "deg2rad",
    "rad2deg", "bincount", "digitize", "searchsorted", "diff", "empty", "select", "conjugate",
    "conj", "array",
)

NN = (
    "relu", "relu6", "sigmoid", "tanh", "softplus", "softsign", "silu", "swish", "log_sigmoid",
    "leaky_relu", "hard_sigmoid", "hard_silu", "hard_swish", "elu", "selu", "gelu", "celu", "glu",
    "tanh_shrink", "hard_tanh", "soft_shrink", "hard_shrink", "mish", "squareplus", "sparse_plus",
    "sparsemax", "softmax", "log_softmax", "one_hot", "multi_hot", "binary_crossentropy",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "moments",
    "batch_normalization", "normalize", "l2_normalize",
    "layer_normalization", "rms_normalization",
    "rnn", "lstm", "gru", "dot_product_attention",
    "conv", "depthwise_conv", "separable_conv", "conv_transpose", "max_pool", "average_pool",
    "sparse_sigmoid", "threshold", "polar", "psnr", "adaptive_average_pool", "adaptive_max_pool",
    "depth_to_space", "space_to_depth", "unfold", "fold", "ctc_loss", "ctc_decode",
)

MATH = (
    "top_k", "in_top_k", "logsumexp", "segment_sum", "segment_max", "erf", "erfinv", "rsqrt",
    "logdet", "qr", "extract_sequences",
    "cdist", "erfc", "fft", "fft2", "ifft2", "rfft", "irfft", "stft", "istft", "segment_min", "segment_prod",
    "view_as_complex", "view_as_real",
)

RANDOM = (
    "draw_seed", "normal", "uniform", "truncated_normal", "randint", "dropout", "shuffle",
    "categorical", "gamma", "binomial", "beta", "set_global_seed",
)

# NumPy ops beyond the core set, by the engine module that implements them
# (numpy_elementwise.py, numpy_arrays.py; both re-exported by the engine's numpy).
NUMPY_ELEMENTWISE = (
    "angle", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_invert",
    "bitwise_left_shift", "bitwise_right_shift", "left_shift", "right_shift", "fabs", "fmax", "fmin",
    "fmod", "gcd", "lcm", "heaviside", "i0", "sinc", "ldexp", "nextafter", "logaddexp2", "isreal",
    "isneginf", "isposinf", "allclose", "empty_like", "bartlett", "blackman", "hamming", "hanning",
    "kaiser", "geomspace", "logspace", "tri", "vander", "view",
)

NUMPY_ARRAYS = (
    "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin",
    "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "percentile", "ptp",
    "argpartition", "array_split", "hsplit", "vsplit", "dsplit", "dstack", "append", "diagonal",
    "diagflat", "rot90", "fliplr", "flipud", "kron", "inner", "trapezoid", "correlate", "corrcoef",
    "isin", "nonzero", "unravel_index", "slogdet", "vectorize",
)

LINALG = (
    "cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "lstsq", "lu_factor", "matrix_rank",
    "norm", "pinv", "qr", "solve", "solve_triangular", "svd", "jvp",
)

# Support for the image ops (cornu/ops/image*.py), which are written over cornu.ops.
IMAGE = ("compile_composite", "SHIFTED_SUM_FILTERS")

SUBMODULES = {"numpy": NUMPY + NUMPY_ELEMENTWISE + NUMPY_ARRAYS, "nn": NN, "math": MATH, "random": RANDOM,
              "linalg": LINALG, "image": IMAGE}
