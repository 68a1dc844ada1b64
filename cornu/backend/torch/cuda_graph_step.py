"""Whole-step CUDA graphs for the torch engine.

A training step of a small model is launch-bound: hundreds of tiny kernels,
each launched from Python. ``CudaGraphStep`` runs the first few batches of each
input signature (shapes, dtypes, devices) eagerly on a side stream, then
captures one step into a ``torch.cuda.CUDAGraph``; later batches of that
signature are copied into the graph's static input buffers and the graph is
replayed (one launch, no Python). The last, smaller batch of an epoch gets its
own graph once, so it is not re-captured every epoch.

Capture is safe because every state change in a cornu step is an in-place
update of a variable on the device (weights, optimizer slots, metric totals,
the step counter), random numbers come from torch's graph-aware default
generator while capturing, and Python scalars become device fills rather
than host copies. A step that cannot be captured (it synchronizes with the
host, e.g. an ``ops.cond`` on a tensor, or data lives on the CPU) makes the
whole function fall back to eager execution, with one warning.
"""
import traceback
import warnings

import torch

from cornu.utils import tree

WARMUP_STEPS = 2  # eager steps per signature before capturing (allocator and autograd warm-up)
MAX_GRAPHS = 4  # distinct input signatures captured; others run eagerly


def available():
    """Whether this torch build can capture CUDA graphs."""
    return torch.cuda.is_available() and hasattr(torch.cuda, "CUDAGraph")


class _Graph:
    """A captured step: static input buffers, the graph and its static outputs."""

    def __init__(self, graph, static_leaves, outputs):
        self.graph = graph
        self.static_leaves = static_leaves
        self.outputs = outputs

    def run(self, leaves):
        for static, leaf in zip(self.static_leaves, leaves):
            if torch.is_tensor(static):
                static.copy_(leaf, non_blocking=True)
        self.graph.replay()
        # The graph overwrites its outputs on the next replay: hand out copies.
        return tree.map_structure(_copy, self.outputs)


def _where(error):
    """`` at file:line`` of the innermost frame outside torch that led to ``error``."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/torch/" not in f.filename]
    return f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""


def _copy(x):
    return x.clone() if torch.is_tensor(x) else x


def _signature(leaves):
    """A hashable description of the step inputs, or None if they cannot be graphed."""
    sig = []
    for leaf in leaves:
        if torch.is_tensor(leaf):
            if leaf.device.type != "cuda":
                return None
            sig.append((tuple(leaf.shape), leaf.dtype, leaf.device, leaf.stride()))
        elif leaf is None or isinstance(leaf, (bool, int, float, str)):
            sig.append(leaf)
        else:
            return None
    return tuple(sig)


class CudaGraphStep:
    """A step function that replays CUDA graphs of ``eager_step`` (see the module docstring)."""

    def __init__(self, eager_step):
        # Autograd warns when a gradient-accumulation node outlives the stream it
        # was made on; warm-up and capture share one side stream, so the extra
        # synchronization it warns about is captured correctly.
        quiet = getattr(torch.autograd.graph, "set_warn_on_accumulate_grad_stream_mismatch", None)
        if quiet is not None:
            quiet(False)
        self.eager_step = eager_step
        self.graphs = {}
        self.eager_calls = {}
        self.pool = None
        self.disabled = False
        self._side_stream = None

    def __call__(self, data):
        if self.disabled:
            return self.eager_step(data)
        leaves = tree.flatten(data)
        sig = _signature(leaves)
        if sig is None:
            return self.eager_step(data)
        graph = self.graphs.get(sig)
        if graph is not None:
            return graph.run(leaves)
        calls = self.eager_calls.get(sig, 0)
        if calls < WARMUP_STEPS or len(self.graphs) >= MAX_GRAPHS:
            self.eager_calls[sig] = calls + 1
            return self._on_side_stream(data)
        return self._capture(sig, data, leaves)

    def _stream(self):
        if self._side_stream is None:
            self._side_stream = torch.cuda.Stream()
        return self._side_stream

    def _on_side_stream(self, data):
        # Warm-up steps run on the side stream the capture will use, as CUDA graph
        # capture requires (autograd's gradient-accumulation nodes, created on
        # first use, remember their stream).
        self._stream()
        current = torch.cuda.current_stream()
        self._side_stream.wait_stream(current)
        with torch.cuda.stream(self._side_stream):
            out = self.eager_step(data)
        current.wait_stream(self._side_stream)
        return out

    def _capture(self, sig, data, leaves):
        static_leaves = [leaf.clone() if torch.is_tensor(leaf) else leaf for leaf in leaves]
        static_data = tree.pack_sequence_as(data, static_leaves)
        graph = torch.cuda.CUDAGraph()
        try:
            with torch.cuda.graph(graph, pool=self.pool, stream=self._stream(),
                                  capture_error_mode="thread_local"):
                outputs = self.eager_step(static_data)
        except Exception as e:  # anything that cannot live in a graph
            self.disabled = True
            warnings.warn(f"This step cannot be captured in a CUDA graph ({type(e).__name__}: {e}{_where(e)}); "
                          "running it eagerly.", stacklevel=3)
            torch.cuda.synchronize()
            return self.eager_step(data)
        self.pool = graph.pool()
        entry = _Graph(graph, static_leaves, outputs)
        self.graphs[sig] = entry
        graph.replay()  # capturing records the work without doing it
        return tree.map_structure(_copy, outputs)
