"""Core layers."""
from cornu.layers.core.activation import Activation  # noqa: F401
from cornu.layers.core.dense import Dense  # noqa: F401
from cornu.layers.core.dropout import Dropout  # noqa: F401
from cornu.layers.core.flatten import Flatten  # noqa: F401
from cornu.layers.core.identity import Identity  # noqa: F401
from cornu.layers.core.input_layer import Input, InputLayer  # noqa: F401
from cornu.layers.core.lambda_layer import Lambda  # noqa: F401
from cornu.layers.core.masking import Masking  # noqa: F401
from cornu.layers.core.embedding import Embedding  # noqa: F401
from cornu.layers.core.einsum_dense import EinsumDense  # noqa: F401
from cornu.layers.core.reversible_embedding import ReversibleEmbedding  # noqa: F401
from cornu.layers.core.wrapper import Wrapper  # noqa: F401
from cornu.layers.core.pipeline import Pipeline  # noqa: F401
from cornu.layers.core.torch_module_wrapper import TorchModuleWrapper  # noqa: F401
from cornu.layers.core.jax_layer import JaxLayer  # noqa: F401
