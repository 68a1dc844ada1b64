"""``cornu.ops``: the public tensor vocabulary (NumPy-like, nn, math, core).

Every op works eagerly on engine tensors and symbolically on KerasTensors,
where it records a node of the functional graph.
"""
from cornu.backend.common import keras_tensor as _keras_tensor
from cornu.ops import core, math, nn, numpy  # noqa: F401
from cornu.ops import einops, image, linalg  # noqa: F401
from cornu.ops.core import *  # noqa: F401,F403
from cornu.ops.einops import *  # noqa: F401,F403
from cornu.ops.linalg import *  # noqa: F401,F403
from cornu.ops.math import *  # noqa: F401,F403
from cornu.ops.nn import *  # noqa: F401,F403
from cornu.ops.numpy import *  # noqa: F401,F403
from cornu.ops.node import KerasHistory, Node  # noqa: F401
from cornu.ops.operation import FunctionOperation, Operation, make_op  # noqa: F401

import sys as _sys

_keras_tensor.register_ops(_sys.modules[__name__])
