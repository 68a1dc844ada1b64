"""Torch engine: the fused affine map behind ``Dense``."""
import torch

from cornu.backend.torch.core import convert_to_tensor


def fused_dense(x, kernel, bias):
    """``x @ kernel + bias`` in one ``addmm`` (the bias added by the matrix kernel), or ``None``.

    ``x`` is ``(..., in)``, ``kernel`` ``(in, out)`` and ``bias`` ``(out,)``.
    Leading axes are folded into one for the product (a view for contiguous
    inputs), as ``torch.nn.functional.linear`` does. Returns ``None`` when
    the dtypes differ or are not floating point: the caller composes
    ``matmul`` and ``add`` then, with their type promotion.
    """
    x, kernel, bias = convert_to_tensor(x), convert_to_tensor(kernel), convert_to_tensor(bias)
    if not (x.dtype == kernel.dtype == bias.dtype and x.is_floating_point()) or kernel.ndim != 2 \
            or bias.ndim != 1 or x.ndim < 2:
        return None
    if x.ndim == 2:
        return torch.addmm(bias, x, kernel)
    lead = x.shape[:-1]
    return torch.addmm(bias, x.reshape(-1, x.shape[-1]), kernel).reshape(*lead, kernel.shape[1])
