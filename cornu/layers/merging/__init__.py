"""Merging layers: elementwise merges, concatenation and dot products, with functional forms."""
from cornu.layers.merging.add import Add, add
from cornu.layers.merging.average import Average, average
from cornu.layers.merging.concatenate import Concatenate, concatenate
from cornu.layers.merging.dot import Dot, dot
from cornu.layers.merging.maximum import Maximum, maximum
from cornu.layers.merging.minimum import Minimum, minimum
from cornu.layers.merging.multiply import Multiply, multiply
from cornu.layers.merging.subtract import Subtract, subtract
from cornu.serialization import register_builtin

__all__ = ["Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract",
           "add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract"]

for _cls in (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract):
    register_builtin("keras.layers", _cls)
