"""The classic Keras 1 two-branch model: `Merge([left, right], mode='concat')` first in a Sequential."""
import sys

import numpy as np

from keras.layers import Activation, Dense, Merge
from keras.models import Sequential, load_model

np.random.seed(5)
left = Sequential()
left.add(Dense(8, input_dim=3))
left.add(Activation("relu"))
right = Sequential()
right.add(Dense(8, input_dim=5))
right.add(Activation("relu"))
model = Sequential()
model.add(Merge([left, right], mode="concat"))
model.add(Dense(2, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
x1, x2 = np.random.rand(32, 3).astype("float32"), np.random.rand(32, 5).astype("float32")
y = np.eye(2)[np.random.randint(0, 2, 32)]
before = left.layers[0].get_weights()[0].copy()
model.fit([x1, x2], y, nb_epoch=2, batch_size=8, verbose=0)
assert not np.allclose(before, left.layers[0].get_weights()[0]), "the left branch did not train"

(w1, b1), (w2, b2) = left.layers[0].get_weights(), right.layers[0].get_weights()
w3, b3 = model.layers[1].get_weights()
h = np.concatenate([np.maximum(x1 @ w1 + b1, 0), np.maximum(x2 @ w2 + b2, 0)], 1) @ w3 + b3
ref = np.exp(h - h.max(1, keepdims=True))
ref /= ref.sum(1, keepdims=True)
out = model.predict([x1, x2], verbose=0)
np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-6)
path = sys.argv[1] + "/merged.h5"
model.save(path)
np.testing.assert_allclose(load_model(path).predict([x1, x2], verbose=0), out, rtol=1e-6, atol=1e-6)
print("MERGE_SEQUENTIAL_OK", model.input_shape, model.output_shape)
