"""Torch engine: multi-tensor optimizer updates (``torch._foreach_*``).

An optimizer step written per variable with ``cornu.ops`` launches a dozen
kernels per variable and makes as many passes over memory. These updates do
the same arithmetic, in the same order, for all variables at once with
``torch._foreach_*`` kernels, in place, under ``no_grad``.

``fused_optimizer_update(kind, variables, grads, slots, hyper)`` returns
``True`` when it updated everything, ``False`` when the caller should run its
per-variable path (inside a stateless scope, mixed devices/dtypes, an
unsupported kind).
"""
import torch

from cornu.backend.common.stateless_scope import in_stateless_scope


def fused_optimizer_update(kind, variables, grads, slots, hyper):
    """Apply optimizer ``kind`` ("adam", "sgd", "rmsprop") to ``variables`` in place.

    Args:
        kind: the update rule.
        variables: cornu Variables, updated in place.
        grads: one gradient tensor per variable.
        slots: dict of slot name -> list of Variables (one per variable).
        hyper: dict of hyperparameters: Python floats, plus ``learning_rate``
            and (Adam) ``iterations`` as 0-d tensors or Variables.
    """
    update = _UPDATES.get(kind)
    if update is None or in_stateless_scope() or not variables:
        return False
    params = [v.value for v in variables]
    dtype, device = params[0].dtype, params[0].device
    if not dtype.is_floating_point or any(p.dtype != dtype or p.device != device for p in params):
        return False
    grads = [g if torch.is_tensor(g) and g.dtype == dtype else torch.as_tensor(g).to(dtype) for g in grads]
    if any(g.device != device or g.shape != p.shape for g, p in zip(grads, params)):
        return False
    slot_tensors = {name: [s.value for s in vs] for name, vs in slots.items()}
    with torch.no_grad():
        update(params, grads, slot_tensors, hyper, dtype)
    return True


def _scalar(x, dtype):
    x = x.value if hasattr(x, "value") and not torch.is_tensor(x) else x
    if torch.is_tensor(x):
        return x if x.dtype == dtype else x.to(dtype)
    return x


def _lerp_(targets, ends, weight):
    """``t = t + (e - t) * weight`` for each pair, as Keras writes its moving averages."""
    if weight < 0.5:  # torch's lerp rounds exactly like this formula below one half
        torch._foreach_lerp_(targets, ends, weight)
        return
    diff = torch._foreach_sub(ends, targets)
    torch._foreach_mul_(diff, weight)
    torch._foreach_add_(targets, diff)


def _adam(params, grads, slots, hyper, dtype):
    b1, b2, eps = hyper["beta_1"], hyper["beta_2"], hyper["epsilon"]
    lr = _scalar(hyper["learning_rate"], dtype)
    t = _scalar(hyper["iterations"], dtype) + 1
    # alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)  (a few 0-d kernels)
    alpha = lr * torch.sqrt(1 - torch.pow(torch.full_like(t, b2), t)) / (1 - torch.pow(torch.full_like(t, b1), t))
    m, v = slots["momentum"], slots["velocity"]
    _lerp_(m, grads, 1 - b1)
    _lerp_(v, torch._foreach_mul(grads, grads), 1 - b2)
    denom = torch._foreach_sqrt(v)
    torch._foreach_add_(denom, eps)
    step = torch._foreach_mul(m, alpha)
    torch._foreach_addcdiv_(params, step, denom, value=-1.0)  # p + (-(m * alpha)) / denom: exact, one pass


def _sgd(params, grads, slots, hyper, dtype):
    lr = _scalar(hyper["learning_rate"], dtype)
    momentum = hyper["momentum"]
    scaled = torch._foreach_mul(grads, lr)  # g * lr
    if not momentum:
        torch._foreach_sub_(params, scaled)
        return
    m = slots["momentum"]
    torch._foreach_mul_(m, momentum)
    torch._foreach_sub_(m, scaled)  # m = m * momentum - g * lr
    if hyper["nesterov"]:
        step = torch._foreach_mul(m, momentum)
        torch._foreach_sub_(step, scaled)
        torch._foreach_add_(params, step)
    else:
        torch._foreach_add_(params, m)


def _rmsprop(params, grads, slots, hyper, dtype):
    lr = _scalar(hyper["learning_rate"], dtype)
    rho, eps, momentum = hyper["rho"], hyper["epsilon"], hyper["momentum"]
    v = slots["velocity"]
    # velocity = rho * velocity + (1 - rho) * g**2
    torch._foreach_mul_(v, rho)
    sq = torch._foreach_mul(grads, grads)
    torch._foreach_mul_(sq, 1 - rho)
    torch._foreach_add_(v, sq)
    if hyper["centered"]:
        avg = slots["average_gradient"]
        torch._foreach_mul_(avg, rho)
        torch._foreach_add_(avg, torch._foreach_mul(grads, 1 - rho))
        denom = torch._foreach_sub(v, torch._foreach_mul(avg, avg))
        torch._foreach_add_(denom, eps)
    else:
        denom = torch._foreach_add(v, eps)
    torch._foreach_sqrt_(denom)
    increment = torch._foreach_mul(grads, lr)
    if momentum > 0:
        torch._foreach_div_(increment, denom)
        mom = slots["momentum"]
        torch._foreach_mul_(mom, momentum)
        torch._foreach_add_(mom, increment)
        torch._foreach_sub_(params, mom)
    else:
        torch._foreach_addcdiv_(params, increment, denom, value=-1.0)  # p - (lr * g) / denom, one pass


_UPDATES = {"adam": _adam, "sgd": _sgd, "rmsprop": _rmsprop}
