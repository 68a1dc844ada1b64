"""Torch engine: image-op support.  Eager torch runs each primitive at once, so composite ops need
no compilation: ``compile_composite`` hands the function back unchanged."""

# Torch's depthwise convolution kernels beat sums of shifted slices run op by op.
SHIFTED_SUM_FILTERS = False


def compile_composite(fn, static_argnames):
    """``fn`` itself (the JAX engine compiles it with these static arguments)."""
    del static_argnames
    return fn
