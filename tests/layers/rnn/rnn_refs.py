"""Independent references for the recurrent-layer tests.

NumPy (float64) implementations written from the published equations and
Keras's documented masking semantics, central finite differences for
gradients, and a helper computing cornu gradients with each engine's own
autodiff (torch.autograd / jax.grad under a StatelessScope).
"""
import numpy as np

from cornu import backend


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def run_loop(step, x, states, mask=None, go_backwards=False, zero_output_for_mask=False):
    """Keras's recurrence: masked steps keep the states and repeat the previous output.

    ``step(x_t, states) -> (output, new_states)``; returns (outputs (b, t, u) in
    processing order, last output, final states).
    """
    x = np.asarray(x, np.float64)
    steps = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    outputs, prev = [], None
    states = [np.asarray(s, np.float64) for s in states]
    for t in steps:
        out, new = step(x[:, t], states)
        if mask is not None:
            m = np.asarray(mask, bool)[:, t][:, None]
            fallback = np.zeros_like(out) if (zero_output_for_mask or prev is None) else prev
            out = np.where(m, out, fallback)
            new = [np.where(m, n, s) for n, s in zip(new, states)]
        states, prev = new, out
        outputs.append(out)
    return np.stack(outputs, axis=1), prev, states


def simple_rnn_step(kernel, recurrent_kernel, bias, activation=np.tanh):
    def step(x, states):
        h = x @ kernel + (0 if bias is None else bias) + states[0] @ recurrent_kernel
        h = activation(h)
        return h, [h]
    return step


def lstm_step(kernel, recurrent_kernel, bias):
    """i, f, c, o gates (Hochreiter & Schmidhuber; Keras's order)."""
    def step(x, states):
        h, c = states
        z = x @ kernel + h @ recurrent_kernel + (0 if bias is None else bias)
        i, f, g, o = np.split(z, 4, axis=-1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        return h, [h, c]
    return step


def gru_step(kernel, recurrent_kernel, bias, reset_after=True):
    """z, r, h gates (Cho et al.); ``reset_after`` applies r after the recurrent matmul."""
    u = recurrent_kernel.shape[0]

    def step(x, states):
        h = states[0]
        if bias is None:
            b_in, b_rec = 0.0, 0.0
        elif reset_after:
            b_in, b_rec = bias[0], bias[1]
        else:
            b_in, b_rec = bias, np.zeros(3 * u)
        xz, xr, xh = np.split(x @ kernel + b_in, 3, axis=-1)
        wz, wr, wh = np.split(recurrent_kernel, 3, axis=-1)
        bz, br, bh = np.split(np.broadcast_to(b_rec, (3 * u,)), 3)
        z = sigmoid(xz + h @ wz + bz)
        r = sigmoid(xr + h @ wr + br)
        if reset_after:
            hh = np.tanh(xh + r * (h @ wh + bh))
        else:
            hh = np.tanh(xh + (r * h) @ wh)
        h = z * h + (1 - z) * hh
        return h, [h]
    return step


def numeric_grad(fn, arrays, eps=1e-6):
    """Central finite differences of scalar ``fn(*arrays)`` w.r.t. each array (float64)."""
    arrays = [np.array(a, np.float64, order="C") for a in arrays]
    grads = []
    for k, a in enumerate(arrays):
        g = np.zeros_like(a)
        flat, gflat = a.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            up = fn(*arrays)
            flat[i] = old - eps
            down = fn(*arrays)
            flat[i] = old
            gflat[i] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


def engine_grads(fn, variables, inputs, cotangents):
    """Gradients of ``sum(out_i * cotangent_i)`` for ``outs = fn(*inputs)``.

    Returns ``(outputs as NumPy, grads w.r.t. variables, grads w.r.t. inputs)``,
    computed with the engine's own autodiff (jitted on JAX).  The variables
    must exist (layer built).
    """
    if backend.backend() == "torch":
        import torch

        xs = [torch.tensor(np.asarray(a), requires_grad=np.asarray(a).dtype.kind == "f") for a in inputs]
        outs = fn(*xs)
        outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
        loss = sum((o * torch.tensor(c, dtype=o.dtype)).sum() for o, c in zip(outs, cotangents))
        params = [v.value for v in variables]
        wanted = params + [x for x in xs if x.requires_grad]
        grads = torch.autograd.grad(loss, wanted, allow_unused=True)
        grads = [np.zeros(tuple(w.shape)) if g is None else g.detach().numpy() for g, w in zip(grads, wanted)]
        return [o.detach().numpy() for o in outs], grads[:len(params)], grads[len(params):]
    import jax
    import jax.numpy as jnp

    from cornu.backend import StatelessScope

    def loss_fn(values, xs):
        with StatelessScope(zip(variables, values)):
            outs = fn(*xs)
        outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
        return sum(jnp.sum(o * c) for o, c in zip(outs, cotangents)), outs

    values = [v.value for v in variables]
    xs = [jnp.asarray(a) for a in inputs]
    float_idx = [i for i, a in enumerate(inputs) if np.asarray(a).dtype.kind == "f"]

    def loss_on(values, float_xs):
        full = list(xs)
        for i, x in zip(float_idx, float_xs):
            full[i] = x
        return loss_fn(values, full)

    grad_fn = jax.jit(jax.value_and_grad(loss_on, argnums=(0, 1), has_aux=True))
    (_, outs), (g_vars, g_xs) = grad_fn(values, [xs[i] for i in float_idx])
    return [np.asarray(o) for o in outs], [np.asarray(g) for g in g_vars], [np.asarray(g) for g in g_xs]
