"""Torch engine: step mechanics (gradients, step compilation). The loop lives in trainers/.

``make_step_function`` turns a trainer step into the callable ``fit`` runs per batch:

- eager (CPU, ``run_eagerly``, or after a failed compilation): the step as Python;
- ``jit_compile="auto"`` on a CUDA device: the whole step (forward, backward,
  optimizer and metric updates) is captured once per input signature into a
  CUDA graph and replayed, so a step costs one graph launch instead of hundreds
  of kernel launches from Python (see ``cuda_graph_step.py``);
- ``jit_compile=True``: ``torch.compile`` of the step.

Any failure to compile or capture falls back to eager execution with one warning.
"""
import contextlib
import warnings

import torch

from cornu.backend.torch import cuda_graph_step
from cornu.backend.torch.core import get_device

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

    On torch the step mutates variables in place. ``jit_compile`` is ``False``
    (eager), ``"auto"`` (CUDA graphs on a CUDA device, eager elsewhere) or
    ``True`` (``torch.compile``).
    """

    # Gradients are taken inside `compute_gradients`; everything else in the step
    # (optimizer updates, metrics) runs without autograd bookkeeping.
    def eager(data):
        with torch.no_grad():
            return step_fn(data)

    if jit_compile == "auto":
        if str(get_device()).startswith("cuda") and cuda_graph_step.available():
            return cuda_graph_step.CudaGraphStep(eager)
        return eager
    if not jit_compile:
        return eager
    return _compiled(step_fn, eager)


def _compiled(step_fn, eager):
    try:
        compiled = torch.compile(step_fn, dynamic=False)
    except Exception as e:  # pragma: no cover - depends on the installation
        warnings.warn(f"torch.compile is unavailable ({e}); running the step eagerly.")
        return eager
    state = {"fn": compiled, "warned": False}

    def run(data):
        try:
            with torch.no_grad(), _trace_autograd():
                return state["fn"](data)
        except Exception as e:
            if state["fn"] is step_fn:
                raise
            if not state["warned"]:
                warnings.warn(f"torch.compile failed ({type(e).__name__}: {e}); "
                              "falling back to eager execution.")
                state["warned"] = True
            state["fn"] = step_fn
            return eager(data)

    return run


def _trace_autograd():
    """A context in which torch.compile traces ``torch.autograd.grad`` into the graph.

    Without it the gradient call is a graph break: the step compiles into
    separate forward and update graphs with eager autograd in between.
    """
    config = torch._dynamo.config
    if not hasattr(config, "trace_autograd_ops"):  # older torch: graph breaks, still correct
        return contextlib.nullcontext()
    return config.patch(trace_autograd_ops=True)
