"""Torch engine: step mechanics (gradients, step compilation). The loop lives in trainers/."""
import warnings

import torch

SUPPORTS_JIT = True


def compute_gradients(loss_fn, variables):
    """Run ``loss_fn() -> (loss, aux)`` and return ``(loss, aux, grads)`` for ``variables``."""
    with torch.enable_grad():
        loss, aux = loss_fn()
    params = [v.value for v in variables]
    grads = [None] * len(params)
    if params and loss.requires_grad:
        wanted = [i for i, p in enumerate(params) if p.requires_grad]
        found = torch.autograd.grad(loss, [params[i] for i in wanted], allow_unused=True)
        for i, g in zip(wanted, found):
            grads[i] = g
    grads = [torch.zeros_like(p) if g is None else g for g, p in zip(grads, params)]
    return loss, aux, grads


def make_step_function(step_fn, state_variables, training=True, jit_compile=False):
    """Wrap ``step_fn(data) -> logs`` for repeated calls.

    On torch the step mutates variables in place; ``jit_compile`` asks for
    ``torch.compile`` with an eager fallback (warned once) if compiling fails.
    """
    # Gradients are taken inside `compute_gradients`; everything else in the step
    # (optimizer updates, metrics) runs without autograd bookkeeping.
    context = torch.no_grad

    def eager(data):
        with context():
            return step_fn(data)

    if not jit_compile:
        return eager
    try:
        compiled = torch.compile(step_fn, dynamic=False)
    except Exception as e:  # pragma: no cover - depends on the installation
        warnings.warn(f"torch.compile is unavailable ({e}); running the step eagerly.")
        return eager
    state = {"fn": compiled, "warned": False}

    def run(data):
        try:
            with context():
                return state["fn"](data)
        except Exception as e:
            if state["fn"] is eager:
                raise
            if not state["warned"]:
                warnings.warn(f"torch.compile failed ({type(e).__name__}: {e}); "
                              "falling back to eager execution.")
                state["warned"] = True
            state["fn"] = step_fn
            with context():
                return step_fn(data)

    return run
