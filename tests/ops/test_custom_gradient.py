"""ops.custom_gradient: the user's gradient rule replaces autodiff's, eagerly, in a model and under fit."""
import numpy as np

import cornu as keras
from cornu import backend, layers, ops


@ops.custom_gradient
def log1pexp(x):
    """log(1 + e^x) with the stable gradient 1 - 1 / (1 + e^x) (Keras's documented example)."""
    e = ops.exp(x)

    def grad(*args, upstream=None):
        if upstream is None:
            (upstream,) = args
        return ops.multiply(upstream, 1.0 - 1.0 / ops.add(1.0, e))

    return ops.log(1.0 + e), grad


@ops.custom_gradient
def scaled_identity(x, y):
    """Forward x + y; backward says d/dx = 3 * upstream, d/dy = -upstream (not the true gradient)."""

    def grad(upstream):
        return 3.0 * upstream, -upstream

    return x + y, grad


def _grads(fn, *args):
    """Gradients of sum(fn(*args)) with respect to ``args``."""
    variables = [keras.Variable(a) for a in args]
    _, _, grads = backend.compute_gradients(lambda: (ops.sum(fn(*[v.value for v in variables])), None), variables)
    return [ops.convert_to_numpy(g) for g in grads]


def test_values_and_gradients_follow_the_rule():
    x = np.array([-3.0, 0.0, 2.0, 50.0], "float32")
    np.testing.assert_allclose(ops.convert_to_numpy(log1pexp(x))[:3], np.log1p(np.exp(x[:3])), rtol=1e-6)
    (g,) = _grads(log1pexp, x)
    np.testing.assert_allclose(g, 1.0 - 1.0 / (1.0 + np.exp(x)), rtol=1e-6)
    a, b = np.ones(3, "float32"), np.arange(3, dtype="float32")
    np.testing.assert_allclose(ops.convert_to_numpy(scaled_identity(a, b)), a + b)
    ga, gb = _grads(scaled_identity, a, b)
    np.testing.assert_allclose(ga, 3.0 * np.ones(3))
    np.testing.assert_allclose(gb, -np.ones(3))


class _Scaled(layers.Layer):
    def call(self, x):
        return scaled_identity(x, x)


def test_rule_holds_inside_a_compiled_fit_step():
    # d loss / d kernel goes through the rule: upstream * (3 - 1) instead of * 2,
    # which is the true gradient of x + x, so also check with an asymmetric rule.
    keras.utils.set_random_seed(0)
    inputs = keras.Input((2,))
    dense = layers.Dense(1, use_bias=False, kernel_initializer="ones")
    model = keras.Model(inputs, _Scaled()(dense(inputs)))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mae")
    x = np.array([[1.0, 2.0]], "float32")
    model.fit(x, np.array([[100.0]], "float32"), epochs=1, verbose=0)  # y_pred = 2 * 3 = 6 < 100
    # d mae / d y_pred = -1; through the rule: d/d dense = 3 * -1 + (-(-1)) = -2; d/d kernel = -2 * x.
    np.testing.assert_allclose(ops.convert_to_numpy(dense.kernel).ravel(), 1.0 - 0.1 * (-2.0) * x.ravel(), rtol=1e-6)
