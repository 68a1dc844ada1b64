"""``cornu.layers``: the layer catalog."""
from cornu.layers.core import Activation, Dense, Dropout, Flatten, Identity, Input, InputLayer, Lambda  # noqa: F401
from cornu.layers.input_spec import InputSpec  # noqa: F401
from cornu.layers.layer import Layer  # noqa: F401
from cornu.serialization import register_builtin

_PUBLIC = [Activation, Dense, Dropout, Flatten, Identity, InputLayer, Lambda, Layer, InputSpec]
for _cls in _PUBLIC:
    register_builtin("keras.layers", _cls)
register_builtin("keras.layers", Input, "Input")

__all__ = [c.__name__ for c in _PUBLIC] + ["Input"]

# -- layer families: one line each (keep existing lines) --
from cornu.layers.core.masking import Masking  # noqa
from cornu.layers.normalization import *  # noqa
from cornu.layers.merging import *  # noqa
from cornu.layers.regularization import *  # noqa
from cornu.layers.activations import *  # noqa
from cornu.layers.preprocessing import *  # noqa
from cornu.layers.core.embedding import Embedding  # noqa
from cornu.layers.core import EinsumDense, Pipeline, ReversibleEmbedding, Wrapper  # noqa
from cornu.layers.rnn import *  # noqa
from cornu.layers.attention import *  # noqa
from cornu.layers.convolutional import *  # noqa
from cornu.layers.pooling import *  # noqa
from cornu.layers.reshaping import *  # noqa
from cornu.layers.core.torch_module_wrapper import TorchModuleWrapper  # noqa
from cornu.layers.core.jax_layer import JaxLayer  # noqa
