"""Torch engine: random ops.  ``seed`` is ``None``, an int, or a SeedGenerator."""
import threading

import torch

from cornu.backend import config
from cornu.backend.common.stateless_scope import in_stateless_scope
from cornu.backend.torch.core import convert_to_tensor, device_scope, get_device, to_torch_dtype


def draw_seed(seed):
    """An int seed (or ``None`` for torch's global generator)."""
    if seed is None:
        return None
    if hasattr(seed, "next"):
        # The generator's state lives on the CPU: advancing and reading it never
        # waits for (or launches work on) an accelerator.
        state = getattr(getattr(seed, "state", None), "value", None)
        if torch.is_tensor(state) and state.device.type == "cpu" and not in_stateless_scope():
            s0, s1 = state.numpy().tolist()  # SeedGenerator.next(), without the op machinery
            state.add_(_counter_step(state.dtype))  # an integer variable: no autograd involved
            return (s0 * 1_000_003 + s1) % (2**63 - 1)
        with device_scope("cpu"):
            state = seed.next()
            s0, s1 = (int(v) for v in convert_to_tensor(state).tolist())
        return (s0 * 1_000_003 + s1) % (2**63 - 1)
    if isinstance(seed, int):
        return seed
    raise ValueError(f"`seed` must be None, an int or a SeedGenerator. Received: seed={seed!r}")


_COUNTER_STEPS = {}


def _counter_step(dtype):
    """The ``[0, 1]`` increment of a seed state, one CPU tensor per dtype."""
    step = _COUNTER_STEPS.get(dtype)
    if step is None:
        step = _COUNTER_STEPS[dtype] = torch.tensor([0, 1], dtype=dtype)
    return step


class _Generators(threading.local):
    """One reusable ``torch.Generator`` per device and thread, reseeded for each draw."""

    def __init__(self):
        self.by_device = {}


_generators = _Generators()


def _generator(seed):
    if seed is not None and torch.compiler.is_compiling():
        # Inside torch.compile a seed read from a SeedGenerator is a Python int the
        # compiled step would guard on (a recompilation per step). As under CUDA
        # graph capture, the numbers come from torch's default generator instead,
        # which compiled code advances on every call (seeded by `set_random_seed`).
        return None
    seed = draw_seed(seed)
    device = get_device()
    if seed is None or device == "meta":
        return None
    if device.startswith("cuda") and torch.cuda.is_current_stream_capturing():
        # Inside a CUDA graph a freshly seeded generator would replay the same
        # numbers forever; torch's default CUDA generator is graph-aware (each
        # replay draws new numbers) and is seeded by `set_random_seed`.
        return None
    gen = _generators.by_device.get(device)
    if gen is None:
        gen = _generators.by_device[device] = torch.Generator(device=device)
    gen.manual_seed(seed)
    return gen


def _dtype(dtype):
    return to_torch_dtype(dtype or config.floatx())


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    gen = _generator(seed)
    out = torch.randn(tuple(shape), generator=gen, dtype=torch.float32, device=get_device())
    return (out * stddev + mean).to(_dtype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    gen = _generator(seed)
    out = torch.rand(tuple(shape), generator=gen, dtype=torch.float32, device=get_device())
    return (out * (maxval - minval) + minval).to(_dtype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples redrawn until they lie within two standard deviations."""
    gen = _generator(seed)
    shape = tuple(shape)
    out = torch.empty(shape, dtype=torch.float32, device=get_device())
    if get_device() != "meta":
        torch.nn.init.trunc_normal_(out, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=gen)
    return (out * stddev + mean).to(_dtype(dtype))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    gen = _generator(seed)
    return torch.randint(int(minval), int(maxval), tuple(shape), generator=gen,
                         device=get_device()).to(to_torch_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = convert_to_tensor(inputs)
    if rate <= 0:
        return inputs
    shape = tuple(inputs.shape) if noise_shape is None else tuple(
        inputs.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    gen = _generator(seed)
    if inputs.is_cpu:
        # On the CPU `where(mask, x, 0.0)` is a scalar loop (about 10x slower than a
        # multiply, forward and backward) and `bernoulli_` a serial one. Uniforms
        # become the scaled mask in place (0 or 1 / (1 - rate)) and the layer is one
        # multiply each way: torch's own CPU dropout arithmetic.
        keep = torch.rand(shape, generator=gen, device=inputs.device).ge_(rate)  # float32 0/1
        if inputs.dtype.is_floating_point and inputs.dtype != keep.dtype:
            keep = keep.to(inputs.dtype)
        return inputs * keep.div_(1.0 - rate)
    # On accelerators the mask is drawn straight into booleans (one kernel, a byte per entry).
    keep = torch.empty(shape, dtype=torch.bool, device=inputs.device).bernoulli_(1.0 - rate, generator=gen)
    return torch.where(keep, inputs, 0.0) / (1.0 - rate)  # = where(keep, x / (1 - rate), 0), one pass less


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    gen = _generator(seed)
    perm = torch.randperm(x.shape[axis], generator=gen, device=x.device)
    return torch.index_select(x, axis, perm)


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = convert_to_tensor(logits)
    gen = _generator(seed)
    probs = torch.softmax(logits.float(), dim=-1)
    return torch.multinomial(probs, num_samples, replacement=True, generator=gen).to(to_torch_dtype(dtype))


def gamma(shape, alpha, dtype=None, seed=None):
    s = draw_seed(seed)
    if s is not None:
        torch.manual_seed(s)
    dist = torch.distributions.Gamma(torch.tensor(float(alpha)), torch.tensor(1.0))
    return dist.sample(tuple(shape)).to(device=get_device(), dtype=_dtype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    gen = _generator(seed)
    counts = convert_to_tensor(counts).float().expand(tuple(shape)) if not isinstance(counts, (int, float)) \
        else torch.full(tuple(shape), float(counts), device=get_device())
    probs = convert_to_tensor(probabilities).float().expand(tuple(shape)) \
        if not isinstance(probabilities, (int, float)) else torch.full(tuple(shape), float(probabilities), device=get_device())
    n = int(counts.max().item()) if counts.numel() else 0
    u = torch.rand((n,) + tuple(shape), generator=gen, device=get_device())
    trials = torch.arange(n, device=get_device()).reshape((n,) + (1,) * len(shape))
    hits = (u < probs) & (trials < counts)
    return hits.sum(0).to(_dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    s = draw_seed(seed)
    if s is not None:
        torch.manual_seed(s)
    dist = torch.distributions.Beta(torch.tensor(float(alpha)), torch.tensor(float(beta)))
    return dist.sample(tuple(shape)).to(device=get_device(), dtype=_dtype(dtype))


def set_global_seed(seed):
    """Seed torch's global generator (used by unseeded random ops)."""
    torch.manual_seed(int(seed))
