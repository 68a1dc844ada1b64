"""Math ops beyond NumPy: top-k, segment reductions, special functions."""
from cornu import backend
from cornu.ops.operation import make_op

_b = backend.math

top_k = make_op(_b.top_k, "top_k", "The ``top_k`` math op; works eagerly on tensors and symbolically on KerasTensors.")
in_top_k = make_op(_b.in_top_k, "in_top_k", "The ``in_top_k`` math op; works eagerly on tensors and symbolically on KerasTensors.")
logsumexp = make_op(_b.logsumexp, "logsumexp", "The ``logsumexp`` math op; works eagerly on tensors and symbolically on KerasTensors.")
segment_sum = make_op(_b.segment_sum, "segment_sum", "The ``segment_sum`` math op; works eagerly on tensors and symbolically on KerasTensors.")
segment_max = make_op(_b.segment_max, "segment_max", "The ``segment_max`` math op; works eagerly on tensors and symbolically on KerasTensors.")
erf = make_op(_b.erf, "erf", "The ``erf`` math op; works eagerly on tensors and symbolically on KerasTensors.")
erfinv = make_op(_b.erfinv, "erfinv", "The ``erfinv`` math op; works eagerly on tensors and symbolically on KerasTensors.")
rsqrt = make_op(_b.rsqrt, "rsqrt", "The ``rsqrt`` math op; works eagerly on tensors and symbolically on KerasTensors.")
logdet = make_op(_b.logdet, "logdet", "The ``logdet`` math op; works eagerly on tensors and symbolically on KerasTensors.")
qr = make_op(_b.qr, "qr", "The ``qr`` math op; works eagerly on tensors and symbolically on KerasTensors.")
extract_sequences = make_op(_b.extract_sequences, "extract_sequences", "The ``extract_sequences`` math op; works eagerly on tensors and symbolically on KerasTensors.")

__all__ = ["top_k", "in_top_k", "logsumexp", "segment_sum", "segment_max", "erf", "erfinv", "rsqrt", "logdet", "qr", "extract_sequences"]
