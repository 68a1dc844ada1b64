"""Keras 1 era CNN (Theano ordering) trained with `fit_generator` on an `ImageDataGenerator`."""
import numpy as np

from keras.models import Sequential
from keras.layers import Dense, Activation, Flatten
from keras.layers.convolutional import Convolution2D, MaxPooling2D
from keras.preprocessing.image import ImageDataGenerator
from keras.utils import np_utils
from keras import backend as K

np.random.seed(3)
X = np.random.rand(40, 1, 12, 12).astype("float32")
labels = (X[:, 0, :6].mean(axis=(1, 2)) > X[:, 0, 6:].mean(axis=(1, 2))).astype("int64")
Y = np_utils.to_categorical(labels, 2)

model = Sequential()
model.add(Convolution2D(4, 3, 3, border_mode="same", input_shape=(1, 12, 12), dim_ordering="th"))
model.add(Activation("relu"))
model.add(MaxPooling2D(pool_size=(2, 2), dim_ordering="th"))
model.add(Flatten())
model.add(Dense(2))
model.add(Activation("softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adadelta", metrics=["accuracy"])
conv = model.layers[0]
print("CONV", conv.kernel_size, conv.padding, conv.data_format, model.output_shape)

datagen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True, rotation_range=10,
                             width_shift_range=0.1, height_shift_range=0.1, horizontal_flip=True,
                             data_format="channels_first")
datagen.fit(X)
history = model.fit_generator(datagen.flow(X, Y, batch_size=8), samples_per_epoch=len(X), nb_epoch=2,
                              verbose=0, validation_data=datagen.flow(X, Y, batch_size=10), nb_val_samples=20)
print("EPOCHS", len(history.history["loss"]), sorted(history.history))


def batches():
    while True:
        for i in range(0, len(X), 10):
            yield X[i:i + 10], Y[i:i + 10]


model.fit_generator(batches(), steps_per_epoch=4, epochs=1, verbose=0, workers=1, use_multiprocessing=False,
                    max_queue_size=10)
score = model.evaluate_generator(batches(), steps=4)
expected = model.evaluate(X, Y, verbose=0, batch_size=10)
np.testing.assert_allclose(score, expected, rtol=1e-4, atol=1e-5)
preds = model.predict_generator((x for x, _ in batches()), val_samples=len(X))
np.testing.assert_allclose(preds, model.predict(X, verbose=0), rtol=1e-4, atol=1e-5)
print("GENERATORS_OK", preds.shape, K.image_data_format())
