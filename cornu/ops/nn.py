"""Neural-network ops: activations, crossentropies, normalization."""
from cornu import backend
from cornu.ops.operation import make_op

_b = backend.nn

relu = make_op(_b.relu, "relu", "The ``relu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
relu6 = make_op(_b.relu6, "relu6", "The ``relu6`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
sigmoid = make_op(_b.sigmoid, "sigmoid", "The ``sigmoid`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
tanh = make_op(_b.tanh, "tanh", "The ``tanh`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
softplus = make_op(_b.softplus, "softplus", "The ``softplus`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
softsign = make_op(_b.softsign, "softsign", "The ``softsign`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
silu = make_op(_b.silu, "silu", "The ``silu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
swish = make_op(_b.swish, "swish", "The ``swish`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
log_sigmoid = make_op(_b.log_sigmoid, "log_sigmoid", "The ``log_sigmoid`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
leaky_relu = make_op(_b.leaky_relu, "leaky_relu", "The ``leaky_relu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
hard_sigmoid = make_op(_b.hard_sigmoid, "hard_sigmoid", "The ``hard_sigmoid`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
hard_silu = make_op(_b.hard_silu, "hard_silu", "The ``hard_silu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
hard_swish = make_op(_b.hard_swish, "hard_swish", "The ``hard_swish`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
elu = make_op(_b.elu, "elu", "The ``elu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
selu = make_op(_b.selu, "selu", "The ``selu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
gelu = make_op(_b.gelu, "gelu", "The ``gelu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
celu = make_op(_b.celu, "celu", "The ``celu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
glu = make_op(_b.glu, "glu", "The ``glu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
tanh_shrink = make_op(_b.tanh_shrink, "tanh_shrink", "The ``tanh_shrink`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
hard_tanh = make_op(_b.hard_tanh, "hard_tanh", "The ``hard_tanh`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
soft_shrink = make_op(_b.soft_shrink, "soft_shrink", "The ``soft_shrink`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
hard_shrink = make_op(_b.hard_shrink, "hard_shrink", "The ``hard_shrink`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
mish = make_op(_b.mish, "mish", "The ``mish`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
squareplus = make_op(_b.squareplus, "squareplus", "The ``squareplus`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
sparse_plus = make_op(_b.sparse_plus, "sparse_plus", "The ``sparse_plus`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
sparsemax = make_op(_b.sparsemax, "sparsemax", "The ``sparsemax`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
softmax = make_op(_b.softmax, "softmax", "The ``softmax`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
log_softmax = make_op(_b.log_softmax, "log_softmax", "The ``log_softmax`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
one_hot = make_op(_b.one_hot, "one_hot", "The ``one_hot`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
multi_hot = make_op(_b.multi_hot, "multi_hot", "The ``multi_hot`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
binary_crossentropy = make_op(_b.binary_crossentropy, "binary_crossentropy", "The ``binary_crossentropy`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
categorical_crossentropy = make_op(_b.categorical_crossentropy, "categorical_crossentropy", "The ``categorical_crossentropy`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
sparse_categorical_crossentropy = make_op(_b.sparse_categorical_crossentropy, "sparse_categorical_crossentropy", "The ``sparse_categorical_crossentropy`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
moments = make_op(_b.moments, "moments", "The ``moments`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
batch_normalization = make_op(_b.batch_normalization, "batch_normalization", "The ``batch_normalization`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
normalize = make_op(_b.normalize, "normalize", "The ``normalize`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
l2_normalize = make_op(_b.l2_normalize, "l2_normalize", "The ``l2_normalize`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")

layer_normalization = make_op(_b.layer_normalization, "layer_normalization", "Layer normalization over ``axis``: ``(x - mean) / sqrt(var + epsilon) * gamma + beta`` (``rms_scaling=True``: ``x / sqrt(var + epsilon) * gamma``), computed in float32 for half inputs.")
rms_normalization = make_op(_b.rms_normalization, "rms_normalization", "RMS normalization over ``axis``: ``x * rsqrt(mean(square(x)) + epsilon) * scale``.")

rnn = make_op(_b.rnn, "rnn", "Run ``step_function(inputs_t, states) -> (output_t, new_states)`` over the time axis of ``inputs``; returns ``(last_output, outputs, new_states)``. Supports ``go_backwards``, a ``(batch, time)`` ``mask`` (masked steps carry states and the previous output), ``unroll``, ``zero_output_for_mask`` and ``return_all_outputs``.")
lstm = make_op(_b.lstm, "lstm", "Fused LSTM (tanh/sigmoid, Keras weights ``kernel (f, 4u)``, ``recurrent_kernel (u, 4u)``, ``bias (4u,)``, gates i, f, c, o): ``lstm(inputs, h0, c0, kernel, recurrent_kernel, bias, mask=None, go_backwards=False, return_sequences=False, zero_output_for_mask=False) -> (last_output, outputs, [h, c])``; raises ``NotImplementedError`` where the engine needs the generic ``rnn`` loop.")
gru = make_op(_b.gru, "gru", "Fused GRU (tanh/sigmoid, Keras weights, gates z, r, h; ``bias (2, 3u)`` with ``reset_after``): ``gru(inputs, h0, kernel, recurrent_kernel, bias, mask=None, go_backwards=False, return_sequences=False, zero_output_for_mask=False, reset_after=True) -> (last_output, outputs, [h])``; raises ``NotImplementedError`` where the engine needs the generic ``rnn`` loop.")
dot_product_attention = make_op(_b.dot_product_attention, "dot_product_attention", "Scaled dot-product attention over ``(batch, time, heads, dim)`` tensors: ``softmax(q.k * scale + bias, masked by mask / is_causal) . v``; ``scale`` defaults to ``1/sqrt(dim)``.")

__all__ = ["relu", "relu6", "sigmoid", "tanh", "softplus", "softsign", "silu", "swish", "log_sigmoid", "leaky_relu", "hard_sigmoid", "hard_silu", "hard_swish", "elu", "selu", "gelu", "celu", "glu", "tanh_shrink", "hard_tanh", "soft_shrink", "hard_shrink", "mish", "squareplus", "sparse_plus", "sparsemax", "softmax", "log_softmax", "one_hot", "multi_hot", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "moments", "batch_normalization", "normalize", "l2_normalize", "layer_normalization", "rms_normalization", "rnn", "lstm", "gru", "dot_product_attention"]
