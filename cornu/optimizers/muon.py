"""``Muon``: momentum orthogonalized by Newton-Schulz, with an Adam fallback (Jordan et al., 2024)."""
import math
import numbers
import re

from cornu import ops
from cornu.optimizers.base_optimizer import Optimizer


def _check_number(name, value, low=None, allow_none=False):
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if callable(value) or hasattr(value, "shape"):
            return  # a tensor or a callable: checked when used
        raise TypeError(f"Muon: argument `{name}` must be a number. Received: {name}={value!r}")
    if low is not None and value < low:
        raise ValueError(f"Muon: argument `{name}` must be >= {low}. Received: {name}={value!r}")


class Muon(Optimizer):
    """The Muon optimizer: SGD momentum whose update matrix is orthogonalized.

    Each 2-D variable (a dense kernel, say) is updated by Muon, with
    ``t = iterations + 1``::

        m = momentum * m + g
        u = g + momentum * m          # nesterov=True; else u = m
        o = newton_schulz(u, ns_steps)   # ~ U V^T of u's SVD
        w = w - lr * o * sqrt(max(rows, cols)) * rms_rate   # rms_rate=None: no scaling

    ``newton_schulz`` divides ``u`` by its Frobenius norm (plus ``1e-7``),
    works on the wide orientation (``u`` transposed when it has more rows
    than columns) and repeats ``X = a X + (b A + (c A) A) X`` with
    ``A = X X^T`` and ``(a, b, c) = (muon_a, muon_b, muon_c)``.

    Every other variable uses an Adam step (sharing the ``momentum`` slot,
    with an extra ``velocity`` slot) at ``lr * adam_lr_ratio``::

        m = m + (g - m) * (1 - adam_beta_1)
        v = v + (g**2 - v) * (1 - adam_beta_2)
        w = w - lr * sqrt(1 - adam_beta_2**t) / (1 - adam_beta_1**t) * m / (sqrt(v) + epsilon)

    The Adam step is used for variables that are not 2-D, for variables whose
    path contains "embedding" (when ``exclude_embeddings``) and for variables
    whose path matches one of the regular expressions in ``exclude_layers``
    (typically the output layer: ``exclude_layers=["output_dense"]``).

    Decoupled weight decay ``w -= w * wd * lr`` is applied before each update,
    with ``wd = weight_decay`` for Muon variables and ``adam_weight_decay``
    for Adam variables (``exclude_from_weight_decay`` is honoured).

    Args:
        learning_rate: float, schedule or callable. Defaults to ``0.001``.
        adam_beta_1: float, first-moment decay of the Adam step. Defaults to ``0.9``.
        adam_beta_2: float, second-moment decay of the Adam step. Defaults to ``0.999``.
        adam_weight_decay: float or ``None``, weight decay of Adam variables.
            Defaults to ``0.004``.
        epsilon: float, the Adam step's epsilon. Defaults to ``1e-7``.
        weight_decay: float or ``None``, weight decay of Muon variables.
            Defaults to ``0.004``.
        exclude_layers: list of regular expressions; variables whose path
            matches one use the Adam step.
        exclude_embeddings: bool; embedding variables use the Adam step.
            Defaults to ``True``.
        muon_a, muon_b, muon_c: the Newton-Schulz polynomial's coefficients.
            Defaults to ``3.4445``, ``-4.7750``, ``2.0315``.
        adam_lr_ratio: float, the Adam step's learning-rate multiplier.
            Defaults to ``1``.
        momentum: float, the Muon momentum. Defaults to ``0.95``.
        ns_steps: int, Newton-Schulz iterations. Defaults to ``5``.
        nesterov: bool, Nesterov-style momentum. Defaults to ``True``.
        rms_rate: float or ``None``; scales Muon updates by
            ``sqrt(max(rows, cols)) * rms_rate`` (Liu et al., 2025) so Muon
            can share Adam's learning rate. Defaults to ``0.2``.
        **kwargs: the other base ``Optimizer`` arguments.
    """

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999,
                 adam_weight_decay=0.004, epsilon=1e-7, weight_decay=0.004, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, exclude_layers=None,
                 exclude_embeddings=True, muon_a=3.4445, muon_b=-4.7750, muon_c=2.0315,
                 adam_lr_ratio=1, momentum=0.95, ns_steps=5, nesterov=True, rms_rate=0.2, **kwargs):
        super().__init__(
            learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
            clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
            ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps, **kwargs,
        )
        if isinstance(ns_steps, bool) or not isinstance(ns_steps, numbers.Integral) or ns_steps < 0:
            raise ValueError(
                f"Muon: argument `ns_steps` must be an integer >= 0. Received: ns_steps={ns_steps!r}"
            )
        if exclude_layers is not None and (
                isinstance(exclude_layers, str)
                or not all(isinstance(k, str) for k in exclude_layers)):
            raise TypeError(
                "Muon: argument `exclude_layers` must be a list of strings (regular expressions "
                f"matched against variable paths). Received: exclude_layers={exclude_layers!r}"
            )
        for arg, value, low, allow_none in (
                ("adam_beta_1", adam_beta_1, 0, False), ("adam_beta_2", adam_beta_2, 0, False),
                ("epsilon", epsilon, 0, False), ("momentum", momentum, 0, False),
                ("adam_lr_ratio", adam_lr_ratio, 0, False), ("muon_a", muon_a, None, False),
                ("muon_b", muon_b, None, False), ("muon_c", muon_c, None, False),
                ("rms_rate", rms_rate, 0, True), ("adam_weight_decay", adam_weight_decay, None, True)):
            _check_number(arg, value, low, allow_none)
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = int(ns_steps)
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = list(exclude_layers or [])
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def _should_use_adamw(self, variable):
        """True when ``variable`` takes the Adam step instead of the Muon step."""
        if len(variable.shape) != 2:
            return True
        path = getattr(variable, "path", None) or str(variable.name)
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(keyword, path) for keyword in self.exclude_layers)

    def build(self, var_list):
        """Create per variable a ``momentum`` slot, then a ``velocity`` slot for Adam variables."""
        if self.built:
            return
        var_list = list(var_list)
        super().build(var_list)
        self.momentums = [None] * len(var_list)
        self.adam_velocities = [None] * len(var_list)
        for variable in var_list:
            if getattr(variable, "overwrite_with_gradient", False):
                continue
            index = self._get_variable_index(variable)
            self.momentums[index] = self.add_variable_from_reference(variable, name="momentum")
            if self._should_use_adamw(variable):
                self.adam_velocities[index] = self.add_variable_from_reference(variable,
                                                                               name="velocity")

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        m = self.momentums[index]
        v = self.adam_velocities[index]
        if v is not None:
            self._adamw_update_step(gradient, variable, learning_rate * self.adam_lr_ratio, m, v)
        else:
            self._muon_update_step(gradient, variable, learning_rate, m)

    def _muon_update_step(self, gradient, variable, lr, m):
        dtype = variable.dtype
        gradient = ops.cast(gradient, dtype)
        lr = ops.cast(lr, dtype)
        # m <- m + (g + m * (momentum - 1)) = momentum * m + g
        self.assign_add(m, ops.add(gradient, m.value * (self.momentum - 1)))
        if self.nesterov:
            direction = ops.add(gradient, self.momentum * m.value)
        else:
            direction = m.value
        update = self.zeropower_via_newtonschulz5(direction, self.ns_steps)
        self.assign_sub(variable, self.lr_adjust(lr * update))

    def _adamw_update_step(self, gradient, variable, learning_rate, m, v):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        local_step = ops.cast(self.iterations + 1, dtype)
        beta_1_power = ops.power(ops.cast(self.adam_beta_1, dtype), local_step)
        beta_2_power = ops.power(ops.cast(self.adam_beta_2, dtype), local_step)
        alpha = lr * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m.value), 1 - self.adam_beta_1))
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v.value),
                                        1 - self.adam_beta_2))
        self.assign_sub(variable, ops.divide(ops.multiply(m.value, alpha),
                                             ops.add(ops.sqrt(v.value), self.epsilon)))

    def transpose_last_axis(self, x):
        """``x`` with its last two axes swapped."""
        return ops.swapaxes(x, -1, -2)

    def lr_adjust(self, x):
        """Scale a 2-D update by ``sqrt(max(rows, cols)) * rms_rate`` (unchanged when ``rms_rate`` is None)."""
        if self.rms_rate is None:
            return x
        return x * math.sqrt(max(x.shape[0], x.shape[1])) * self.rms_rate

    def zeropower_via_newtonschulz5(self, x, steps):
        """Approximately orthogonalize ``x`` (``U S' V^T`` with ``S'`` near 1) by ``steps`` quintic iterations."""
        shape = tuple(x.shape)
        if len(shape) < 2:
            raise ValueError(
                "Muon: expected the gradient or momentum to have at least 2 dimensions. "
                f"Received: shape={shape}"
            )
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        tall = shape[-2] > shape[-1]
        if tall:
            x = self.transpose_last_axis(x)
        x = x / (ops.norm(x, axis=(-2, -1), keepdims=True) + 1e-7)  # spectral norm <= 1
        for _ in range(steps):
            gram = ops.matmul(x, self.transpose_last_axis(x))
            poly = b * gram + ops.matmul(c * gram, gram)
            x = a * x + ops.matmul(poly, x)
        if tall:
            x = self.transpose_last_axis(x)
        return x

    def _apply_weight_decay(self, variables):
        lr_value = None
        for variable in variables:
            if not self._use_weight_decay(variable):
                continue
            decay = self.adam_weight_decay if self._should_use_adamw(variable) else self.weight_decay
            if decay is None:
                continue
            if lr_value is None:
                lr_value = self._effective_learning_rate()
            wd = ops.cast(decay, variable.dtype)
            lr = ops.cast(lr_value, variable.dtype)
            variable.assign(variable.value - variable.value * wd * lr)

    def get_config(self):
        config = super().get_config()
        config.update({
            "adam_beta_1": self.adam_beta_1,
            "adam_beta_2": self.adam_beta_2,
            "epsilon": self.epsilon,
            "exclude_layers": self.exclude_layers,
            "muon_a": self.muon_a,
            "muon_b": self.muon_b,
            "muon_c": self.muon_c,
            "adam_lr_ratio": self.adam_lr_ratio,
            "momentum": self.momentum,
            "ns_steps": self.ns_steps,
            "nesterov": self.nesterov,
            "exclude_embeddings": self.exclude_embeddings,
            "adam_weight_decay": self.adam_weight_decay,
            "rms_rate": self.rms_rate,
        })
        return config
