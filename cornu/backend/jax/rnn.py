"""JAX engine: recurrent loops.

``rnn`` is the generic time loop over any step function: ``jax.lax.scan``
(or a Python loop when ``unroll``).  ``lstm`` and ``gru`` are the fused fast
paths behind the Keras layers: the input projection of every step is one
matmul, then ``lax.scan`` runs a fused step holding only the recurrent matmul.
"""
import jax
import jax.numpy as jnp

from cornu.backend.jax.core import convert_to_tensor
from cornu.utils import tree

__all__ = ["rnn", "lstm", "gru"]


def _bool_mask(mask):
    mask = convert_to_tensor(mask)
    if mask.dtype != jnp.bool_:
        mask = mask != 0
    if mask.ndim > 2:  # (batch, time, 1) -> (batch, time)
        mask = mask.reshape(mask.shape[0], mask.shape[1])
    return mask


def _expand_like(mask_t, x):
    # (batch,) -> (batch, 1, ..., 1) broadcastable against x
    return mask_t.reshape(mask_t.shape + (1,) * (x.ndim - 1))


def _masked_update(m, output, new_states, prev_output, states):
    output = tree.map_structure(lambda o, p: jnp.where(_expand_like(m, o), o, p), output, prev_output)
    new_states = tree.map_structure(lambda n, s: jnp.where(_expand_like(m, n), n, s), new_states, states)
    return output, new_states


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
        unroll: a Python loop instead of ``lax.scan``.
        return_all_outputs: when False, ``outputs`` holds only the last step.

    Returns:
        ``(last_output, outputs, new_states)``; ``outputs`` is
        ``(batch, time, ...)`` (time 1 without ``return_all_outputs``).
    """
    constants = list(constants or [])
    flat_inputs = [convert_to_tensor(x) for x in tree.flatten(inputs)]
    if not time_major:
        flat_inputs = [jnp.swapaxes(x, 0, 1) for x in flat_inputs]  # (t, b, ...)
    if mask is not None:
        mask = _bool_mask(mask)
        if not time_major:
            mask = jnp.swapaxes(mask, 0, 1)  # (t, b)
    if go_backwards:
        flat_inputs = [jnp.flip(x, 0) for x in flat_inputs]
        mask = None if mask is None else jnp.flip(mask, 0)
    states = list(initial_states)

    def call(x_t, states):
        output, new_states = step_function(tree.pack_sequence_as(inputs, x_t), list(states) + constants)
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        return output, new_states

    if unroll:
        outputs, prev = [], None
        for t in range(flat_inputs[0].shape[0]):
            output, new_states = call([x[t] for x in flat_inputs], states)
            if mask is not None:
                if zero_output_for_mask or prev is None:
                    prev_output = tree.map_structure(jnp.zeros_like, output)
                else:
                    prev_output = prev
                output, new_states = _masked_update(mask[t], output, new_states, prev_output, states)
            states, prev = new_states, output
            outputs.append(output)
        last_output = prev
        stacked = tree.map_structure(lambda *o: jnp.stack(o, axis=1), *outputs) if return_all_outputs \
            else tree.map_structure(lambda o: o[:, None], last_output)
        return last_output, _to_batch_major(stacked, time_major, already=True), states

    if mask is None:
        def body(carry, x_t):
            output, new_states = call(x_t, carry)
            return new_states, output

        states, outputs = jax.lax.scan(body, states, flat_inputs)
        last_output = tree.map_structure(lambda o: o[-1], outputs)
    else:
        out_spec = jax.eval_shape(lambda x, s: call(x, s)[0], [x[0] for x in flat_inputs], states)
        zero_output = tree.map_structure(lambda s: jnp.zeros(s.shape, s.dtype), out_spec)

        def body(carry, xs):
            states, prev_output = carry
            x_t, m = xs
            output, new_states = call(x_t, states)
            fallback = zero_output if zero_output_for_mask else prev_output
            output, new_states = _masked_update(m, output, new_states, fallback, states)
            return (new_states, output), output

        (states, last_output), outputs = jax.lax.scan(body, (states, zero_output), (flat_inputs, mask))
    if not return_all_outputs:
        outputs = tree.map_structure(lambda o: o[None], last_output)
    return last_output, _to_batch_major(outputs, time_major), states


def _to_batch_major(outputs, time_major, already=False):
    if already:  # built batch-major already
        return tree.map_structure(lambda o: jnp.swapaxes(o, 0, 1), outputs) if time_major else outputs
    return outputs if time_major else tree.map_structure(lambda o: jnp.swapaxes(o, 0, 1), outputs)


# -- fused LSTM / GRU --------------------------------------------------------------------
def _fused_scan(step, x_proj, init, mask, go_backwards, return_sequences, zero_output_for_mask):
    """Scan ``step(state, z_t) -> state`` (state[0] is the output h) over ``x_proj (b, t, k)``."""
    xs = jnp.swapaxes(x_proj, 0, 1)  # (t, b, k)
    if mask is not None:
        mask = jnp.swapaxes(_bool_mask(mask), 0, 1)  # (t, b)
    if go_backwards:
        xs = jnp.flip(xs, 0)
        mask = None if mask is None else jnp.flip(mask, 0)
    if mask is None:
        def body(state, z):
            state = step(state, z)
            return state, state[0]

        final, outputs = jax.lax.scan(body, init, xs)
        last = final[0]
    else:
        zeros = jnp.zeros_like(init[0])

        def body(carry, inp):
            state, prev = carry
            z, m = inp
            new = step(state, z)
            m = m[:, None]
            new = tuple(jnp.where(m, n, s) for n, s in zip(new, state))
            out = jnp.where(m, new[0], zeros if zero_output_for_mask else prev)
            return (new, out), out

        (final, last), outputs = jax.lax.scan(body, (init, zeros), (xs, mask))
    outputs = jnp.swapaxes(outputs, 0, 1) if return_sequences else last[:, None]
    return last, outputs, list(final)


def lstm(inputs, initial_state_h, initial_state_c, kernel, recurrent_kernel, bias, mask=None,
         go_backwards=False, return_sequences=False, zero_output_for_mask=False):
    """Fused LSTM (tanh / sigmoid, Keras gate order i, f, c, o) over ``(batch, time, features)``.

    Weights use Keras's layout: ``kernel (features, 4u)``, ``recurrent_kernel
    (u, 4u)``, ``bias (4u,)``.  Returns ``(last_output, outputs, [h, c])``
    like ``rnn``; masks of any pattern are supported.
    """
    kernel = convert_to_tensor(kernel)
    recurrent_kernel = convert_to_tensor(recurrent_kernel)
    dtype = kernel.dtype
    inputs = convert_to_tensor(inputs).astype(dtype)
    x_proj = jnp.matmul(inputs, kernel) + convert_to_tensor(bias).astype(dtype)  # (b, t, 4u)

    def step(state, z):
        h, c = state
        z = z + jnp.matmul(h, recurrent_kernel)
        i, f, g, o = jnp.split(z, 4, axis=-1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (h, c)

    init = (convert_to_tensor(initial_state_h).astype(dtype), convert_to_tensor(initial_state_c).astype(dtype))
    return _fused_scan(step, x_proj, init, mask, go_backwards, return_sequences, zero_output_for_mask)


def gru(inputs, initial_state, kernel, recurrent_kernel, bias, mask=None, go_backwards=False,
        return_sequences=False, zero_output_for_mask=False, reset_after=True):
    """Fused GRU (tanh / sigmoid) with Keras's weights (gate order z, r, h).

    ``bias`` is ``(2, 3u)`` (input bias, recurrent bias) when ``reset_after``
    and ``(3u,)`` otherwise.  Returns ``(last_output, outputs, [h])``.
    """
    kernel = convert_to_tensor(kernel)
    recurrent_kernel = convert_to_tensor(recurrent_kernel)
    dtype = kernel.dtype
    inputs = convert_to_tensor(inputs).astype(dtype)
    bias = convert_to_tensor(bias).astype(dtype)
    units = recurrent_kernel.shape[0]
    input_bias = bias[0] if reset_after else bias
    x_proj = jnp.matmul(inputs, kernel) + input_bias  # (b, t, 3u)

    def step(state, x):
        (h,) = state
        x_z, x_r, x_h = jnp.split(x, 3, axis=-1)
        if reset_after:
            inner = jnp.matmul(h, recurrent_kernel) + bias[1]
            r_z, r_r, r_h = jnp.split(inner, 3, axis=-1)
            z = jax.nn.sigmoid(x_z + r_z)
            r = jax.nn.sigmoid(x_r + r_r)
            hh = jnp.tanh(x_h + r * r_h)
        else:
            inner = jnp.matmul(h, recurrent_kernel[:, : 2 * units])
            r_z, r_r = jnp.split(inner, 2, axis=-1)
            z = jax.nn.sigmoid(x_z + r_z)
            r = jax.nn.sigmoid(x_r + r_r)
            hh = jnp.tanh(x_h + jnp.matmul(r * h, recurrent_kernel[:, 2 * units:]))
        return (z * h + (1 - z) * hh,)

    init = (convert_to_tensor(initial_state).astype(dtype),)
    return _fused_scan(step, x_proj, init, mask, go_backwards, return_sequences, zero_output_for_mask)
