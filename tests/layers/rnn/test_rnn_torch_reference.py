"""LSTM / GRU against ``torch.nn.LSTM`` / ``torch.nn.GRU`` with converted weights (forward and gradients)."""
import numpy as np
import pytest

from rnn_refs import engine_grads
from cornu import layers

torch = pytest.importorskip("torch")


def _keras_to_torch_gru(w, u):
    """Keras gate blocks z, r, h -> torch r, z, n (and transpose)."""
    def reorder(a, axis):
        z, r, h = np.split(a, 3, axis=axis)
        return np.concatenate([r, z, h], axis=axis)
    return reorder(w, -1).T


def _rzn_to_zrn(a):
    """torch blocks r, z, n on the last axis -> Keras z, r, h."""
    r, z, n = np.split(a, 3, axis=-1)
    return np.concatenate([z, r, n], axis=-1)


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("use_cudnn", ["auto", False])
def test_matches_torch_nn(kind, go_backwards, use_cudnn):
    b, t, f, u = 3, 6, 4, 5
    rng = np.random.default_rng(11)
    x = rng.standard_normal((b, t, f)).astype("float32")
    h0 = rng.standard_normal((b, u)).astype("float32")
    c0 = rng.standard_normal((b, u)).astype("float32")
    cls = layers.LSTM if kind == "lstm" else layers.GRU
    layer = cls(u, return_sequences=True, return_state=True, go_backwards=go_backwards, use_cudnn=use_cudnn,
                bias_initializer="random_normal")
    layer.build((b, t, f))
    kernel, recurrent, bias = layer.get_weights()
    states = [h0, c0] if kind == "lstm" else [h0]

    # The reference: torch's own module, weights converted from Keras's layout.
    ref = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(f, u, batch_first=True)
    with torch.no_grad():
        if kind == "lstm":  # same gate order i, f, g, o; Keras has one bias
            ref.weight_ih_l0.copy_(torch.tensor(kernel.T))
            ref.weight_hh_l0.copy_(torch.tensor(recurrent.T))
            ref.bias_ih_l0.copy_(torch.tensor(bias))
            ref.bias_hh_l0.zero_()
        else:
            ref.weight_ih_l0.copy_(torch.tensor(_keras_to_torch_gru(kernel, u)))
            ref.weight_hh_l0.copy_(torch.tensor(_keras_to_torch_gru(recurrent, u)))
            ref.bias_ih_l0.copy_(torch.tensor(_keras_to_torch_gru(bias[0], u)))
            ref.bias_hh_l0.copy_(torch.tensor(_keras_to_torch_gru(bias[1], u)))
    xt = torch.tensor(x[:, ::-1].copy() if go_backwards else x, requires_grad=True)
    hx = tuple(torch.tensor(s[None]) for s in states)
    seq, final = ref(xt, hx if kind == "lstm" else hx[0])
    final = list(final) if kind == "lstm" else [final]
    ref_out = [seq.detach().numpy()] + [s[0].detach().numpy() for s in final]
    cot = [rng.standard_normal(o.shape).astype("float32") for o in ref_out]
    loss = (seq * torch.tensor(cot[0])).sum() + sum((s[0] * torch.tensor(c)).sum() for s, c in zip(final, cot[1:]))
    loss.backward()

    outs, g_vars, g_in = engine_grads(lambda a, *s: layer(a, initial_state=list(s)), layer.trainable_weights,
                                      [x] + states, cot)
    for got, want in zip(outs, ref_out):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    gx = xt.grad.numpy()
    np.testing.assert_allclose(g_in[0], gx[:, ::-1] if go_backwards else gx, rtol=1e-4, atol=1e-5)
    if kind == "lstm":
        want = [ref.weight_ih_l0.grad.numpy().T, ref.weight_hh_l0.grad.numpy().T, ref.bias_ih_l0.grad.numpy()]
    else:
        want = [_rzn_to_zrn(ref.weight_ih_l0.grad.numpy().T), _rzn_to_zrn(ref.weight_hh_l0.grad.numpy().T),
                np.stack([_rzn_to_zrn(ref.bias_ih_l0.grad.numpy()), _rzn_to_zrn(ref.bias_hh_l0.grad.numpy())])]
    for got, w in zip(g_vars, want):
        np.testing.assert_allclose(got, w, rtol=1e-4, atol=1e-5)
