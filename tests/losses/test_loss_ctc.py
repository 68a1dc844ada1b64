"""CTC against a brute-force sum over alignments and against torch.nn.functional.ctc_loss."""
import numpy as np
import pytest

import cornu.losses as L
from cornu import backend, ops

import losses_np_reference as R
from losses_np_reference import CTC_LABELS as LABELS, CTC_LOGITS as LOGITS, brute_force_ctc


def test_ctc_matches_brute_force():
    out = ops.convert_to_numpy(L.ctc(LABELS, LOGITS))
    expected = [brute_force_ctc(LABELS[b], LOGITS[b]) for b in range(len(LABELS))]
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def _torch_ctc(labels, logits):
    """Per-sequence losses and d mean(loss) / d logits from torch.nn.functional.ctc_loss."""
    import torch
    import torch.nn.functional as F

    x = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    log_probs = F.log_softmax(x, dim=-1).transpose(0, 1)
    lengths = torch.tensor((labels != 0).sum(-1))
    loss = F.ctc_loss(log_probs, torch.tensor(labels), torch.full((len(labels),), logits.shape[1]),
                      lengths, blank=0, reduction="none")
    loss.mean().backward()
    return loss.detach().numpy(), x.grad.numpy()


def test_ctc_matches_torch_reference_values_and_gradients():
    expected, expected_grad = _torch_ctc(LABELS, LOGITS.astype(np.float64))
    sw = np.array([1.0, 0.5, 2.0, 0.0], "float32")
    for reduction in ("sum_over_batch_size", "none"):
        for w in (None, sw):
            out = L.CTC(reduction=reduction)(LABELS, LOGITS, sample_weight=w)
            np.testing.assert_allclose(ops.convert_to_numpy(out), R.reduce(expected, reduction, w),
                                       rtol=1e-4, atol=1e-4)

    loss = L.CTC()
    if backend.backend() == "torch":
        import torch

        x = torch.tensor(LOGITS, requires_grad=True)
        loss(LABELS, x).backward()
        grad = x.grad.numpy()
    else:
        import jax

        grad = np.asarray(jax.jit(jax.grad(lambda x: loss(LABELS, x)))(LOGITS))
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-3, atol=1e-5)


def test_ctc_shape_errors():
    with pytest.raises(ValueError, match="y_true"):
        L.ctc(np.zeros((2,), "int32"), np.zeros((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match="y_pred"):
        L.ctc(np.zeros((2, 3), "int32"), np.zeros((2, 4), "float32"))
