"""A Keras 1 era MLP, as books printed it (run by tests through `python -m cornu run`)."""
import os
import sys

import numpy as np

from keras.models import Sequential, model_from_yaml
from keras.layers.core import Dense, Dropout, Activation
from keras.optimizers import SGD
from keras.utils import np_utils
from keras.callbacks import ModelCheckpoint
from keras import backend as K

np.random.seed(1337)
nb_classes = 3
X_train = np.random.rand(96, 8).astype("float32")
y_train = (X_train[:, 0] * 3).astype("int64").clip(0, 2)
Y_train = np_utils.to_categorical(y_train, nb_classes)

model = Sequential()
model.add(Dense(output_dim=16, input_dim=8, init="uniform"))
model.add(Activation("relu"))
model.add(Dropout(p=0.1))
model.add(Dense(nb_classes, init="uniform", W_regularizer=None, bias=True))
model.add(Activation("softmax"))

sgd = SGD(lr=0.1, decay=1e-6, momentum=0.9, nesterov=True)
model.compile(loss="categorical_crossentropy", optimizer=sgd, metrics=["accuracy"])

out_dir = sys.argv[1]
checkpoint = ModelCheckpoint(os.path.join(out_dir, "weights.{epoch:02d}.h5"), save_weights_only=True)
history = model.fit(X_train, Y_train, nb_epoch=3, batch_size=16, verbose=0, callbacks=[checkpoint],
                    validation_data=(X_train[:32], Y_train[:32]))
print("EPOCHS", len(history.history["loss"]))
print("CHECKPOINTS", sorted(f for f in os.listdir(out_dir) if f.startswith("weights.")))

classes = model.predict_classes(X_train[:10], verbose=0)
proba = model.predict_proba(X_train[:10], verbose=0)
assert np.array_equal(classes, proba.argmax(axis=-1)), (classes, proba)
print("CLASSES_OK", classes.shape)

yaml_string = model.to_yaml()
clone = model_from_yaml(yaml_string)
clone.set_weights(model.get_weights())
np.testing.assert_allclose(clone.predict(X_train[:10], verbose=0), proba, rtol=1e-5, atol=1e-6)
print("YAML_OK", type(clone).__name__, len(clone.layers))

print("ORDERING", K.image_dim_ordering(), K.epsilon(), K.int_shape(model.output))
get_hidden = K.function([model.input, K.learning_phase()], [model.layers[1].output])
hidden = get_hidden([X_train[:4], 0])[0]
W, b = model.layers[0].get_weights()
np.testing.assert_allclose(hidden, np.maximum(X_train[:4] @ W + b, 0), rtol=1e-5, atol=1e-5)
print("FUNCTION_OK", hidden.shape)
score = model.evaluate(X_train, Y_train, verbose=0)
print("SCORE", len(score))
