"""A trainer-style step on the current engine: engine gradients + ``apply`` in ``make_step_function``.

Linear regression with a mean-squared error; the NumPy reference uses the
analytic gradient ``2/N * X^T (X w + b - y)`` and the reference update rules.
"""
import numpy as np
import pytest

from cornu import backend
from cornu import ops
from cornu import optimizers

import optimizer_reference as ref


def _problem():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    w0 = rng.normal(size=(3, 1)).astype("float32")
    b0 = np.zeros((1,), "float32")
    return x, y, w0, b0


@pytest.mark.parametrize("make, ref_rule, lr", [
    (lambda: optimizers.SGD(0.05, momentum=0.9), ref.SGDRef(momentum=0.9), 0.05),
    (lambda: optimizers.Adam(0.05, weight_decay=0.01), ref.AdamRef(), 0.05),
    (lambda: optimizers.Nadam(0.05, clipnorm=0.5), ref.NadamRef(), 0.05),
], ids=["sgd_momentum", "adam_weight_decay", "nadam_clipnorm"])
def test_training_step_matches_reference(make, ref_rule, lr):
    x, y, w0, b0 = _problem()
    w = backend.Variable(w0.copy(), name="kernel")
    b = backend.Variable(b0.copy(), name="bias")
    opt = make()
    opt.build([w, b])
    xt, yt = backend.convert_to_tensor(x), backend.convert_to_tensor(y)

    def step_fn(data):
        def loss_fn():
            pred = ops.add(ops.matmul(xt, w.value), b.value)
            return ops.mean(ops.square(pred - yt)), None

        loss, _, grads = backend.compute_gradients(loss_fn, [w, b])
        opt.apply(grads, [w, b])
        return {"loss": loss}

    jit = backend.backend() == "jax"  # torch.compile would only slow this small test down
    run = backend.make_step_function(step_fn, [w, b] + opt.variables, jit_compile=jit)

    # NumPy reference with analytic gradients.
    clip = {"clipnorm": 0.5} if isinstance(opt, optimizers.Nadam) else None
    wd = opt.weight_decay
    ref_rule.init([w0.astype("float64"), b0.astype("float64")])
    rw, rb = w0.astype("float64"), b0.astype("float64")
    for k in range(5):
        logs = run(None)
        residual = x.astype("float64") @ rw + rb - y
        expected_loss = np.mean(residual ** 2)
        gw = 2.0 / residual.size * x.T.astype("float64") @ residual
        gb = 2.0 / residual.size * residual.sum(axis=0)
        gw, gb = ref.clip_grads([gw, gb], **(clip or {}))
        if wd is not None:
            rw, rb = rw - rw * wd * lr, rb - rb * wd * lr
        if hasattr(ref_rule, "begin_step"):
            ref_rule.begin_step(k + 1)
        rw, rb = ref_rule.update(0, rw, gw, lr, k + 1), ref_rule.update(1, rb, gb, lr, k + 1)
        np.testing.assert_allclose(float(ops.convert_to_numpy(logs["loss"])), expected_loss, rtol=1e-5)
        # float32 engine gradients vs float64 analytic ones: Adam-type steps
        # normalise the gradient, so round-off on small gradients shows up at ~1e-6.
        np.testing.assert_allclose(w.numpy(), rw, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(b.numpy(), rb, rtol=1e-4, atol=1e-5)
    assert int(opt.iterations.numpy()) == 5
