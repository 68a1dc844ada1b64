"""Keras 1 functional API: `merge`, `Model(input=, output=)`, `K.function` and `K.gradients`."""
import numpy as np

from keras.layers import Input, Dense, merge
from keras.models import Model
from keras import backend as K

np.random.seed(7)
a = Input(shape=(4,))
b = Input(shape=(4,))
ha = Dense(output_dim=5, activation="tanh")(a)
hb = Dense(5, activation="tanh")(b)
joined = merge([ha, hb], mode="concat", concat_axis=-1)
summed = merge([ha, hb], mode="sum")
both = merge([joined, merge([summed, summed], mode="concat")], mode="mul")
out = Dense(1, activation="sigmoid")(both)
model = Model(input=[a, b], output=out)
model.compile(optimizer="rmsprop", loss="binary_crossentropy")
xa = np.random.rand(64, 4).astype("float32")
xb = np.random.rand(64, 4).astype("float32")
y = (xa.sum(1) > xb.sum(1)).astype("float32")
model.fit([xa, xb], y, nb_epoch=2, batch_size=16, verbose=0)

# The same computation in NumPy, from the trained weights.
(Wa, ba), (Wb, bb) = model.layers[2].get_weights(), model.layers[3].get_weights()
Wo, bo = model.layers[-1].get_weights()
na, nb = np.tanh(xa @ Wa + ba), np.tanh(xb @ Wb + bb)
s = na + nb
ref = 1 / (1 + np.exp(-((np.concatenate([na, nb], 1) * np.concatenate([s, s], 1)) @ Wo + bo)))
np.testing.assert_allclose(model.predict([xa, xb], verbose=0), ref, rtol=1e-4, atol=1e-5)
print("MERGE_OK", model.output_shape)

# Keras 2 saliency: gradient of the output with respect to the inputs.
loss = K.mean(model.output)
grads = K.gradients(loss, model.input)
normalized = grads[0] / (K.sqrt(K.mean(K.square(grads[0]))) + 1e-5)
iterate = K.function(model.input, [loss, grads[0], grads[1], normalized])
loss_value, ga, gb, gn = iterate([xa[:8], xb[:8]])
# d mean(sigmoid(z)) / d xa, by the chain rule in NumPy.
na, nb = np.tanh(xa[:8] @ Wa + ba), np.tanh(xb[:8] @ Wb + bb)
s = na + nb
h = np.concatenate([na, nb], 1) * np.concatenate([s, s], 1)
p = 1 / (1 + np.exp(-(h @ Wo + bo)))
dz = p * (1 - p) / 8.0                      # (8, 1)
dh = dz @ Wo.T                              # (8, 10)
d_na = dh[:, :5] * s + (dh[:, :5] * na + dh[:, 5:] * nb) + 0 * nb
d_nb = dh[:, 5:] * s + (dh[:, :5] * na + dh[:, 5:] * nb)
ref_ga = (d_na * (1 - na ** 2)) @ Wa.T
ref_gb = (d_nb * (1 - nb ** 2)) @ Wb.T
np.testing.assert_allclose(loss_value, p.mean(), rtol=1e-5)
np.testing.assert_allclose(ga, ref_ga, rtol=1e-4, atol=1e-6)
np.testing.assert_allclose(gb, ref_gb, rtol=1e-4, atol=1e-6)
np.testing.assert_allclose(gn, ref_ga / (np.sqrt(np.mean(ref_ga ** 2)) + 1e-5), rtol=1e-3, atol=1e-5)
print("GRADIENTS_OK", ga.shape)

# Gradient with respect to an intermediate tensor and to the weights.
g_h, g_w = K.gradients(loss, [both, model.layers[-1].kernel])
f = K.function([a, b], [g_h, g_w])
gh, gw = f([xa[:8], xb[:8]])
np.testing.assert_allclose(gh, dh, rtol=1e-4, atol=1e-7)
np.testing.assert_allclose(gw, h.T @ dz, rtol=1e-4, atol=1e-7)
print("INTERMEDIATE_OK", gh.shape, gw.shape)
