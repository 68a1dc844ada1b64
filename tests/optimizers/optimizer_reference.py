"""NumPy reference optimizers, written from the published update rules.

Each reference keeps its state in float64 as ``self.state[i][slot_name]``
(one dict per variable) plus ``self.globals`` for per-optimizer scalars, and
``slot_order(n)`` lists ``(variable_index or None, slot_name)`` in the order
Keras 3 creates (and saves) the optimizer variables after ``iteration`` and
``learning_rate``.

``run_reference`` reproduces the Keras 3 step pipeline around the rule:
learning rate for the step (schedule at ``iterations``, legacy
``lr / (1 + decay * iterations)``), gradient clipping, decoupled weight decay
``w -= w * wd * lr`` applied *before* the update, then the rule.
"""
import numpy as np


class SGDRef:
    """Keras 3 docs: ``v = mu * v - lr * g; w += v`` (nesterov: ``w += mu * v - lr * g``)."""

    def __init__(self, momentum=0.0, nesterov=False, **_):
        self.momentum, self.nesterov = momentum, nesterov

    def init(self, ws):
        self.state = [{"momentum": np.zeros_like(w)} if self.momentum else {} for w in ws]
        self.globals = {}

    def slot_order(self, n):
        return [(i, "momentum") for i in range(n)] if self.momentum else []

    def update(self, i, w, g, lr, t):
        if not self.momentum:
            return w - lr * g
        s = self.state[i]
        s["momentum"] = self.momentum * s["momentum"] - lr * g
        if self.nesterov:
            return w + self.momentum * s["momentum"] - lr * g
        return w + s["momentum"]


class RMSpropRef:
    """Hinton's RMSprop with plain momentum and the centered (Graves) variant, eps inside the sqrt."""

    def __init__(self, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **_):
        self.rho, self.momentum, self.eps, self.centered = rho, momentum, epsilon, centered

    def init(self, ws):
        self.state = []
        for w in ws:
            s = {"velocity": np.zeros_like(w)}
            if self.momentum > 0:
                s["momentum"] = np.zeros_like(w)
            if self.centered:
                s["average_gradient"] = np.zeros_like(w)
            self.state.append(s)
        self.globals = {}

    def slot_order(self, n):
        order = [(i, "velocity") for i in range(n)]
        if self.momentum > 0:
            order += [(i, "momentum") for i in range(n)]
        if self.centered:
            order += [(i, "average_gradient") for i in range(n)]
        return order

    def update(self, i, w, g, lr, t):
        s = self.state[i]
        s["velocity"] = self.rho * s["velocity"] + (1 - self.rho) * g * g
        denom = s["velocity"] + self.eps
        if self.centered:
            s["average_gradient"] = self.rho * s["average_gradient"] + (1 - self.rho) * g
            denom = denom - s["average_gradient"] ** 2
        inc = lr * g / np.sqrt(denom)
        if self.momentum > 0:
            s["momentum"] = self.momentum * s["momentum"] + inc
            return w - s["momentum"]
        return w - inc


class AdamRef:
    """Kingma & Ba (2014), Algorithm 1 with the "epsilon hat" form; AMSGrad (Reddi et al.)."""

    def __init__(self, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **_):
        self.b1, self.b2, self.eps, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    def init(self, ws):
        self.state = [{"momentum": np.zeros_like(w), "velocity": np.zeros_like(w),
                       "velocity_hat": np.zeros_like(w)} for w in ws]
        if not self.amsgrad:
            for s in self.state:
                del s["velocity_hat"]
        self.globals = {}

    def slot_order(self, n):
        order = [(i, name) for i in range(n) for name in ("momentum", "velocity")]
        if self.amsgrad:
            order += [(i, "velocity_hat") for i in range(n)]
        return order

    def update(self, i, w, g, lr, t):
        s = self.state[i]
        s["momentum"] = self.b1 * s["momentum"] + (1 - self.b1) * g
        s["velocity"] = self.b2 * s["velocity"] + (1 - self.b2) * g * g
        v = s["velocity"]
        if self.amsgrad:
            s["velocity_hat"] = np.maximum(s["velocity_hat"], v)
            v = s["velocity_hat"]
        alpha = lr * np.sqrt(1 - self.b2 ** t) / (1 - self.b1 ** t)
        return w - alpha * s["momentum"] / (np.sqrt(v) + self.eps)


class AdagradRef:
    """Duchi et al. (2011): ``acc += g**2; w -= lr * g / sqrt(acc + eps)``."""

    def __init__(self, initial_accumulator_value=0.1, epsilon=1e-7, **_):
        self.init_acc, self.eps = initial_accumulator_value, epsilon

    def init(self, ws):
        self.state = [{"accumulator": np.full_like(w, self.init_acc)} for w in ws]
        self.globals = {}

    def slot_order(self, n):
        return [(i, "accumulator") for i in range(n)]

    def update(self, i, w, g, lr, t):
        s = self.state[i]
        s["accumulator"] = s["accumulator"] + g * g
        return w - lr * g / np.sqrt(s["accumulator"] + self.eps)


class AdadeltaRef:
    """Zeiler (2012), Algorithm 1, scaled by the learning rate."""

    def __init__(self, rho=0.95, epsilon=1e-7, **_):
        self.rho, self.eps = rho, epsilon

    def init(self, ws):
        self.state = [{"accumulated_grad": np.zeros_like(w), "accumulated_delta_var": np.zeros_like(w)}
                      for w in ws]
        self.globals = {}

    def slot_order(self, n):
        return [(i, name) for i in range(n) for name in ("accumulated_grad", "accumulated_delta_var")]

    def update(self, i, w, g, lr, t):
        s = self.state[i]
        s["accumulated_grad"] = self.rho * s["accumulated_grad"] + (1 - self.rho) * g * g
        dx = -np.sqrt(s["accumulated_delta_var"] + self.eps) / np.sqrt(s["accumulated_grad"] + self.eps) * g
        s["accumulated_delta_var"] = self.rho * s["accumulated_delta_var"] + (1 - self.rho) * dx * dx
        return w + lr * dx


class AdamaxRef:
    """Kingma & Ba (2014), Algorithm 2 (infinity norm), eps added to ``u``."""

    def __init__(self, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **_):
        self.b1, self.b2, self.eps = beta_1, beta_2, epsilon

    def init(self, ws):
        self.state = [{"momentum": np.zeros_like(w), "norm": np.zeros_like(w)} for w in ws]
        self.globals = {}

    def slot_order(self, n):
        return [(i, name) for i in range(n) for name in ("momentum", "norm")]

    def update(self, i, w, g, lr, t):
        s = self.state[i]
        s["momentum"] = self.b1 * s["momentum"] + (1 - self.b1) * g
        s["norm"] = np.maximum(self.b2 * s["norm"], np.abs(g))
        return w - lr / (1 - self.b1 ** t) * s["momentum"] / (s["norm"] + self.eps)


class NadamRef:
    """Dozat (2015) with the momentum schedule ``mu_t = beta_1 * (1 - 0.5 * 0.96**t)``."""

    def __init__(self, beta_1=0.9, beta_2=0.999, epsilon=1e-7, schedule_decay=None, **_):
        self.b1, self.b2, self.eps = beta_1, beta_2, epsilon
        self.sd = 1.0 if schedule_decay is None else schedule_decay

    def mu(self, t):
        return self.b1 * (1 - 0.5 * 0.96 ** (t * self.sd))

    def init(self, ws):
        self.state = [{"momentum": np.zeros_like(w), "velocity": np.zeros_like(w)} for w in ws]
        self.globals = {"u_product": np.array(1.0)}

    def slot_order(self, n):
        return [(i, name) for i in range(n) for name in ("momentum", "velocity")] + [(None, "u_product")]

    def begin_step(self, t):
        self.globals["u_product"] = self.globals["u_product"] * self.mu(t)

    def update(self, i, w, g, lr, t):
        s = self.state[i]
        prod_t = self.globals["u_product"]
        prod_next = prod_t * self.mu(t + 1)
        s["momentum"] = self.b1 * s["momentum"] + (1 - self.b1) * g
        s["velocity"] = self.b2 * s["velocity"] + (1 - self.b2) * g * g
        m_hat = self.mu(t + 1) * s["momentum"] / (1 - prod_next) + (1 - self.mu(t)) * g / (1 - prod_t)
        v_hat = s["velocity"] / (1 - self.b2 ** t)
        return w - lr * m_hat / (np.sqrt(v_hat) + self.eps)


class FtrlRef:
    """McMahan et al. (2013) FTRL-Proximal, per the Keras 3 documented update rule."""

    def __init__(self, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, **_):
        self.p = -learning_rate_power
        self.init_acc = initial_accumulator_value
        self.l1, self.l2 = l1_regularization_strength, l2_regularization_strength
        self.shrink, self.beta = l2_shrinkage_regularization_strength, beta

    def init(self, ws):
        self.state = [{"accumulator": np.full_like(w, self.init_acc), "linear": np.zeros_like(w)} for w in ws]
        self.globals = {}

    def slot_order(self, n):
        return [(i, name) for i in range(n) for name in ("accumulator", "linear")]

    def update(self, i, w, g, lr, t):
        s = self.state[i]
        n_old = s["accumulator"]
        n_new = n_old + g * g
        sigma = (n_new ** self.p - n_old ** self.p) / lr
        s["linear"] = s["linear"] + g + 2 * self.shrink * w - sigma * w
        z = s["linear"]
        l2 = self.l2 + self.beta / (2 * lr)
        quadratic = n_new ** self.p / lr + 2 * l2
        s["accumulator"] = n_new
        return np.where(np.abs(z) <= self.l1, 0.0, (np.sign(z) * self.l1 - z) / quadratic)


class LionRef:
    """Chen et al. (2023), Algorithm 2 (without weight decay, handled by the pipeline)."""

    def __init__(self, beta_1=0.9, beta_2=0.99, **_):
        self.b1, self.b2 = beta_1, beta_2

    def init(self, ws):
        self.state = [{"momentum": np.zeros_like(w)} for w in ws]
        self.globals = {}

    def slot_order(self, n):
        return [(i, "momentum") for i in range(n)]

    def update(self, i, w, g, lr, t):
        s = self.state[i]
        c = self.b1 * s["momentum"] + (1 - self.b1) * g
        s["momentum"] = self.b2 * s["momentum"] + (1 - self.b2) * g
        return w - lr * np.sign(c)


class LambRef:
    """You et al. (2019), LAMB: bias-corrected Adam direction times the trust ratio ||w|| / ||r||."""

    def __init__(self, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **_):
        self.b1, self.b2, self.eps = beta_1, beta_2, epsilon

    def init(self, ws):
        self.state = [{"momentum": np.zeros_like(w), "velocity": np.zeros_like(w)} for w in ws]
        self.globals = {}

    def slot_order(self, n):
        return [(i, name) for i in range(n) for name in ("momentum", "velocity")]

    def update(self, i, w, g, lr, t):
        s = self.state[i]
        s["momentum"] = self.b1 * s["momentum"] + (1 - self.b1) * g
        s["velocity"] = self.b2 * s["velocity"] + (1 - self.b2) * g * g
        r = (s["momentum"] / (1 - self.b1 ** t)) / (np.sqrt(s["velocity"] / (1 - self.b2 ** t)) + self.eps)
        w_norm, r_norm = np.linalg.norm(w), np.linalg.norm(r)
        ratio = w_norm / r_norm if w_norm > 0 and r_norm > 0 else 1.0
        return w - lr * ratio * r


class AdafactorRef:
    """Shazeer & Stern (2018), Algorithm 4/5 with relative step size and update clipping.

    The factored estimate is ``V = R C / (1^T R)`` (row sums ``R``, column
    sums ``C`` of the running averages), written with sums.
    """

    def __init__(self, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3, clip_threshold=1.0, **_):
        self.decay, self.e1, self.e2, self.d = beta_2_decay, epsilon_1, epsilon_2, clip_threshold

    def init(self, ws):
        self.state = []
        for w in ws:
            if w.ndim >= 2:
                self.state.append({"r": np.zeros(w.shape[:-1]), "c": np.zeros(w.shape[:-2] + w.shape[-1:]),
                                   "velocity": np.zeros_like(w)})
            else:
                self.state.append({"r": np.zeros(()), "c": np.zeros(()), "velocity": np.zeros_like(w)})
        self.globals = {}

    def slot_order(self, n):
        return [(i, name) for i in range(n) for name in ("r", "c", "velocity")]

    def update(self, i, w, g, lr, t):
        s = self.state[i]
        rms = lambda x: np.sqrt(np.mean(x * x))  # noqa: E731
        rho = min(lr, 1 / np.sqrt(t))
        alpha = max(self.e2, rms(w)) * rho
        beta2 = 1 - t ** self.decay
        g2 = g * g + self.e1
        if w.ndim >= 2:
            s["r"] = beta2 * s["r"] + (1 - beta2) * g2.mean(axis=-1)
            s["c"] = beta2 * s["c"] + (1 - beta2) * g2.mean(axis=-2)
            rows = s["r"] * w.shape[-1]  # row sums
            cols = s["c"] * w.shape[-2]  # column sums
            total = rows.sum(axis=-1, keepdims=True)
            s["velocity"] = rows[..., :, None] * cols[..., None, :] / total[..., None]
        else:
            s["velocity"] = beta2 * s["velocity"] + (1 - beta2) * g2
        u = g / np.sqrt(s["velocity"])
        u_hat = u / max(1.0, rms(u) / self.d)
        return w - alpha * u_hat


def clip_grads(grads, clipnorm=None, clipvalue=None, global_clipnorm=None):
    """Keras 3 clipping: per-tensor norm, global norm, or element value."""
    if clipnorm:
        return [g * clipnorm / max(np.linalg.norm(g), clipnorm) for g in grads]
    if global_clipnorm:
        norm = np.sqrt(sum(float(np.sum(g * g)) for g in grads))
        return [g * global_clipnorm / max(norm, global_clipnorm) for g in grads]
    if clipvalue:
        return [np.clip(g, -clipvalue, clipvalue) for g in grads]
    return grads


def run_reference(ref, ws, grad_steps, lr_at, weight_decay=None, clip=None, decay=0.0):
    """Run ``ref`` for ``len(grad_steps)`` steps; return the per-step history.

    Args:
        ref: a reference optimizer.
        ws: initial variable values.
        grad_steps: ``[[g_var0, g_var1, ...], ...]``, one list per step.
        lr_at: ``lr_at(k)``: the base learning rate at iterations ``k`` (0-based).
        weight_decay: decoupled weight decay factor or ``None``.
        clip: dict of clipping arguments for ``clip_grads``.
        decay: Keras 2 time-based decay.

    Returns:
        A list, one entry per step, of ``(weights, slots)`` where ``slots`` is
        the list of slot values in ``ref.slot_order`` order.
    """
    ws = [np.asarray(w, np.float64).copy() for w in ws]
    ref.init(ws)
    history = []
    for k, grads in enumerate(grad_steps):
        t = k + 1
        lr = lr_at(k) / (1.0 + decay * k)
        grads = clip_grads([np.asarray(g, np.float64) for g in grads], **(clip or {}))
        if weight_decay is not None:
            ws = [w - w * weight_decay * lr for w in ws]
        if hasattr(ref, "begin_step"):
            ref.begin_step(t)
        ws = [ref.update(i, w, g, lr, t) for i, (w, g) in enumerate(zip(ws, grads))]
        slots = [ref.globals[name] if i is None else ref.state[i][name]
                 for i, name in ref.slot_order(len(ws))]
        history.append(([w.copy() for w in ws], [np.array(s, copy=True) for s in slots]))
    return history
