"""``rearrange``: einops-style axis rearrangement (``cornu.ops.rearrange``)."""

__all__ = []
