"""Torch engine: recurrent loops.

``rnn`` is the generic time loop over any step function (a Python loop: torch
is eager).  ``lstm`` and ``gru`` are the fused fast paths behind the Keras
layers (tanh/sigmoid activations, biases): they run torch's native LSTM/GRU
kernels (``torch._VF``; cuDNN on GPU) on Keras's weight layout, and raise
``NotImplementedError`` when a configuration must take the generic loop.
"""
import warnings

import torch

from cornu.backend.torch.core import convert_to_tensor
from cornu.utils import tree

__all__ = ["rnn", "lstm", "gru"]


def _bool_mask(mask):
    mask = convert_to_tensor(mask)
    if mask.dtype != torch.bool:
        mask = mask != 0
    if mask.ndim > 2:  # (batch, time, 1) -> (batch, time)
        mask = mask.reshape(mask.shape[0], mask.shape[1])
    return mask


def _expand_like(mask_t, x):
    # (batch,) -> (batch, 1, ..., 1) broadcastable against x
    return mask_t.reshape(mask_t.shape + (1,) * (x.ndim - 1))


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None,
        unroll=False, input_length=None, time_major=False, zero_output_for_mask=False,
        return_all_outputs=True):
    """Run ``step_function`` over the time axis of ``inputs``.

    Args:
        step_function: ``(inputs_t, states) -> (output_t, new_states)``; ``states``
            is a list (plus ``constants`` appended when given).
        inputs: ``(batch, time, ...)`` tensor (or a structure of them);
            ``(time, batch, ...)`` when ``time_major``.
        initial_states: list of state tensors (or nested structures).
        go_backwards: walk the time axis in reverse; outputs stay in the
            order they were produced (reversed), as in Keras.
        mask: optional ``(batch, time)`` boolean; at masked steps the states
            are carried over and the output is the previous output (zeros
            before the first step, or always zeros with ``zero_output_for_mask``).
        unroll: accepted for compatibility (torch always runs a Python loop).
        return_all_outputs: when False, ``outputs`` holds only the last step.

    Returns:
        ``(last_output, outputs, new_states)``; ``outputs`` is
        ``(batch, time, ...)`` (time 1 without ``return_all_outputs``).
    """
    constants = list(constants or [])
    flat_inputs = [convert_to_tensor(x) for x in tree.flatten(inputs)]
    if time_major:
        flat_inputs = [x.transpose(0, 1) for x in flat_inputs]
    steps = flat_inputs[0].shape[1]
    if mask is not None:
        mask = _bool_mask(mask)
        if time_major:
            mask = mask.transpose(0, 1)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    states = list(initial_states)
    outputs = []
    prev_output = None
    for t in order:
        x_t = tree.pack_sequence_as(inputs, [x[:, t] for x in flat_inputs])
        output, new_states = step_function(x_t, list(states) + constants)
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        if mask is not None:
            m = mask[:, t]
            if zero_output_for_mask or prev_output is None:
                fallback = tree.map_structure(torch.zeros_like, output)
            else:
                fallback = prev_output
            output = tree.map_structure(lambda o, p: torch.where(_expand_like(m, o), o, p), output, fallback)
            new_states = tree.map_structure(
                lambda n, s: torch.where(_expand_like(m, n), n, s), new_states, states)
        states = new_states
        prev_output = output
        if return_all_outputs:
            outputs.append(output)
    last_output = prev_output
    if return_all_outputs:
        stacked = tree.map_structure(lambda *o: torch.stack(o, dim=1), *outputs)
    else:
        stacked = tree.map_structure(lambda o: o.unsqueeze(1), last_output)
    if time_major:
        stacked = tree.map_structure(lambda o: o.transpose(0, 1), stacked)
    return last_output, stacked, states


# -- fused LSTM / GRU --------------------------------------------------------------------
def _compiling():
    compiler = getattr(torch, "compiler", None)
    return bool(compiler is not None and hasattr(compiler, "is_compiling") and compiler.is_compiling())


def _right_padded_lengths(mask, go_backwards):
    """Sequence lengths if ``mask`` is strictly right-padded with no empty rows; else raise."""
    mask = _bool_mask(mask)
    if go_backwards or _compiling() or mask.device.type == "meta":  # shape inference: the generic loop
        raise NotImplementedError
    lengths = mask.sum(dim=1)
    steps = torch.arange(mask.shape[1], device=mask.device)
    right_padded = torch.equal(mask, steps[None, :] < lengths[:, None])
    if not right_padded or bool((lengths == 0).any()):
        raise NotImplementedError
    return lengths


def _run_fused(kind, inputs, hx, params, mask, go_backwards, return_sequences, zero_output_for_mask):
    """Run ``torch._VF.lstm``/``gru``; returns (outputs (b, t, u), final states tuple)."""
    fn = torch._VF.lstm if kind == "lstm" else torch._VF.gru
    training = torch.is_grad_enabled()
    if inputs.is_cuda:
        # cuDNN wants dense weights; it then copies them into its own layout on
        # every call (and says so once in a warning we silence: that copy is a
        # few small matrices, far cheaper than keeping a second weight layout).
        params = [p.contiguous() for p in params]
        inputs = inputs.contiguous()
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="RNN module weights are not part of single")
            return _run_fused_impl(fn, inputs, hx, params, mask, go_backwards, return_sequences,
                                   zero_output_for_mask, training)
    return _run_fused_impl(fn, inputs, hx, params, mask, go_backwards, return_sequences,
                           zero_output_for_mask, training)


def _run_fused_impl(fn, inputs, hx, params, mask, go_backwards, return_sequences, zero_output_for_mask,
                    training):
    kind = "lstm" if fn is torch._VF.lstm else "gru"
    if mask is None:
        if go_backwards:
            inputs = torch.flip(inputs, dims=[1])
        result = fn(inputs, hx, params, True, 1, 0.0, training, False, True)
        return result[0], tuple(result[1:])
    lengths = _right_padded_lengths(mask, go_backwards)
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        inputs, lengths.to("cpu", torch.int64), batch_first=True, enforce_sorted=False)
    if kind == "lstm":
        hx = tuple(h.index_select(1, packed.sorted_indices) for h in hx)
    else:
        hx = hx.index_select(1, packed.sorted_indices)
    result = fn(packed.data, packed.batch_sizes, hx, params, True, 1, 0.0, training, False)
    out_packed = torch.nn.utils.rnn.PackedSequence(result[0], packed.batch_sizes,
                                                   packed.sorted_indices, packed.unsorted_indices)
    outputs, _ = torch.nn.utils.rnn.pad_packed_sequence(out_packed, batch_first=True,
                                                        total_length=inputs.shape[1])
    finals = tuple(s.index_select(1, packed.unsorted_indices) for s in result[1:])
    if not zero_output_for_mask and return_sequences:
        # Keras carries the last valid output over the masked (padding) steps.
        steps = torch.arange(inputs.shape[1], device=inputs.device)
        index = torch.minimum(steps[None, :], (lengths - 1)[:, None])  # (b, t)
        index = index[:, :, None].expand(-1, -1, outputs.shape[-1])
        outputs = torch.gather(outputs, 1, index)
    return outputs, finals


def _finish(outputs, finals, mask, return_sequences, zero_output_for_mask):
    states = [s.squeeze(0) for s in finals]
    last = states[0]
    if mask is not None and zero_output_for_mask:
        last = torch.where(_bool_mask(mask)[:, -1:], last, torch.zeros_like(last))
    if not return_sequences:
        outputs = last.unsqueeze(1)
    return last, outputs, states


def lstm(inputs, initial_state_h, initial_state_c, kernel, recurrent_kernel, bias, mask=None,
         go_backwards=False, return_sequences=False, zero_output_for_mask=False):
    """Fused LSTM (tanh / sigmoid, Keras gate order i, f, c, o) over ``(batch, time, features)``.

    Weights use Keras's layout: ``kernel (features, 4u)``, ``recurrent_kernel
    (u, 4u)``, ``bias (4u,)``.  Returns ``(last_output, outputs, [h, c])`` like
    ``rnn``; raises ``NotImplementedError`` for masks that are not strictly
    right-padded (the caller then runs the generic loop).
    """
    kernel = convert_to_tensor(kernel)
    recurrent_kernel = convert_to_tensor(recurrent_kernel)
    dtype = kernel.dtype
    inputs = convert_to_tensor(inputs).to(dtype)
    h0 = convert_to_tensor(initial_state_h).to(dtype).unsqueeze(0)  # (1, b, u)
    c0 = convert_to_tensor(initial_state_c).to(dtype).unsqueeze(0)
    units = recurrent_kernel.shape[0]
    # torch shares Keras's gate order (i, f, g, o); only the matrices are transposed.
    b_ih = convert_to_tensor(bias).to(dtype)
    b_hh = torch.zeros(4 * units, dtype=dtype, device=b_ih.device)
    params = [kernel.t(), recurrent_kernel.t(), b_ih, b_hh]
    outputs, finals = _run_fused("lstm", inputs, (h0, c0), params, mask, go_backwards,
                                 return_sequences, zero_output_for_mask)
    return _finish(outputs, finals, mask, return_sequences, zero_output_for_mask)


def _zrh_to_rzh(w, axis):
    z, r, h = torch.chunk(w, 3, dim=axis)
    return torch.cat([r, z, h], dim=axis)


def gru(inputs, initial_state, kernel, recurrent_kernel, bias, mask=None, go_backwards=False,
        return_sequences=False, zero_output_for_mask=False, reset_after=True):
    """Fused GRU (tanh / sigmoid, ``reset_after=True``) with Keras's weights.

    ``kernel (features, 3u)`` and ``recurrent_kernel (u, 3u)`` in gate order
    z, r, h and ``bias (2, 3u)`` (input bias, recurrent bias).  torch orders
    gates r, z, n, so the blocks are reordered.  Returns
    ``(last_output, outputs, [h])``; raises ``NotImplementedError`` when
    ``reset_after`` is False or the mask is not right-padded.
    """
    if not reset_after:
        raise NotImplementedError
    kernel = convert_to_tensor(kernel)
    recurrent_kernel = convert_to_tensor(recurrent_kernel)
    dtype = kernel.dtype
    inputs = convert_to_tensor(inputs).to(dtype)
    h0 = convert_to_tensor(initial_state).to(dtype).unsqueeze(0)  # (1, b, u)
    bias = convert_to_tensor(bias).to(dtype)
    params = [_zrh_to_rzh(kernel, 1).t(), _zrh_to_rzh(recurrent_kernel, 1).t(),
              _zrh_to_rzh(bias[0], 0), _zrh_to_rzh(bias[1], 0)]
    outputs, finals = _run_fused("gru", inputs, h0, params, mask, go_backwards,
                                 return_sequences, zero_output_for_mask)
    return _finish(outputs, finals, mask, return_sequences, zero_output_for_mask)
