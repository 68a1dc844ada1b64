"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax and Keras 2's ThresholdedReLU."""
from cornu.layers.activations.elu import ELU
from cornu.layers.activations.leaky_relu import LeakyReLU
from cornu.layers.activations.prelu import PReLU
from cornu.layers.activations.relu import ReLU
from cornu.layers.activations.softmax import Softmax
from cornu.layers.activations.thresholded_relu import ThresholdedReLU
from cornu.serialization import register_builtin

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax", "ThresholdedReLU"]

for _cls in (ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU):
    register_builtin("keras.layers", _cls)
