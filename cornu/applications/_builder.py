"""What every application constructor shares: argument checks, the input
tensor, the classifier head / pooling, and loading the published weights."""
import os

from cornu import backend, layers
from cornu.applications import imagenet_utils
from cornu.models import Functional
from cornu.utils import get_file


def channel_axis(channels_last=-1):
    """The channel axis of image tensors: 1 for ``channels_first``, else ``channels_last``.

    Keras's architectures write either ``3`` or ``-1`` into their layer configs;
    each model passes the one its Keras original uses.
    """
    return 1 if backend.image_data_format() == "channels_first" else channels_last


def make_divisible(v, divisor=8, min_value=None):
    """Round ``v`` to a multiple of ``divisor``, never more than 10% below ``v`` (MobileNet widths)."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def check_args(weights, include_top, classes, classifier_activation=None):
    """Keras's validation of ``weights`` / ``classes``."""
    if not (weights in {"imagenet", None} or (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))):
        raise ValueError("The `weights` argument should be either `None` (random initialization), "
                         "'imagenet' (pre-training on ImageNet), or the path to the weights file to be "
                         f"loaded. Received: weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("If using `weights='imagenet'` with `include_top=True`, `classes` should be "
                         f"1000. Received classes={classes}")
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)


def make_input(input_tensor, input_shape):
    """The model's image input (a new ``Input`` or the user's tensor)."""
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if not backend.is_keras_tensor(input_tensor):
        return layers.Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def source_inputs(tensor):
    """The ``Input`` tensors a symbolic tensor is computed from."""
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return [tensor]
    node = history.operation._inbound_nodes[history.node_index]
    if node.is_input:
        return [tensor]
    found = []
    for parent in node.input_tensors:
        for x in source_inputs(parent):
            if not any(x is y for y in found):
                found.append(x)
    return found


def head(x, include_top, pooling, classes, classifier_activation, named_pool=False):
    """Classifier (``avg_pool`` + ``predictions``) or optional global pooling (see ``pool``)."""
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    return pool(x, pooling, named=named_pool)


def pool(x, pooling, named=False):
    """``pooling="avg"|"max"|None`` for feature extractors; ``named``: layers ``avg_pool``/``max_pool``."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool" if named else None)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool" if named else None)(x)
    return x


def finish(img_input, input_tensor, x, name):
    """The ``Functional`` model from the input (or the user's source inputs) to ``x``."""
    inputs = source_inputs(input_tensor) if input_tensor is not None else img_input
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    model = Functional(inputs, x, name=name)
    return model


def load(model, weights, file_name=None, origin=None, file_hash=None):
    """Load the published ImageNet file (cached in ``~/.keras/models``) or a user path."""
    if weights == "imagenet":
        path = get_file(file_name, origin, cache_subdir="models", file_hash=file_hash)
        model.load_weights(path)
    elif weights is not None:
        model.load_weights(weights)
    return model
