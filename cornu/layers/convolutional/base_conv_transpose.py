"""``BaseConvTranspose``: the N-D transposed convolution behind ``Conv1DTranspose`` etc."""
from cornu import ops
from cornu.backend import standardize_data_format
from cornu.backend.common.conv_utils import conv_transpose_output_length
from cornu.layers.convolutional import _conv_layer_utils as cc
from cornu.layers.convolutional import arg_checks as ac
from cornu.layers.convolutional.base_conv import BaseConv
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class BaseConvTranspose(Layer):
    """N-D transposed convolution ("deconvolution"): the gradient of a convolution
    with respect to its input, used to upsample.

    Args:
        rank: number of spatial dimensions.
        filters: number of output channels.
        kernel_size, strides, dilation_rate: int or tuple of ``rank`` ints.
        padding: ``"valid"`` or ``"same"``.
        output_padding: None, or int / tuple of ``rank`` ints, each smaller
            than its stride: extra length at the end of each spatial axis.
            Output length per axis (``k`` the dilated kernel extent): without
            it ``n * s + max(k - s, 0)`` ("valid") or ``n * s`` ("same");
            with it ``(n - 1) * s + k - 2 * pad + output_padding``, ``pad``
            being ``k // 2`` for "same" and 0 for "valid".
        data_format, activation, use_bias, initializers, regularizers,
        constraints: as in ``Conv2D``.

    Weights: ``kernel`` of shape ``kernel_size + (filters, in_channels)``,
    then ``bias`` of shape ``(filters,)``.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.filters = ac.positive_int(self, filters, "filters")
        cc.store_geometry(self, rank, kernel_size, strides, dilation_rate, padding)
        self.output_padding = None if output_padding is None else \
            ac.int_tuple(self, output_padding, rank, "output_padding", allow_zero=True)
        self.data_format = standardize_data_format(data_format)
        if self.output_padding is not None and any(p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': `output_padding` must be smaller than "
                f"`strides` on every axis; received output_padding={self.output_padding}, "
                f"strides={self.strides}."
            )
        cc.check_strides_and_dilation(self)
        cc.store_weight_args(self, activation, use_bias, kernel_initializer=kernel_initializer,
                             bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                             bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                             bias_constraint=bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)

    _channel_axis = BaseConv._channel_axis
    _add_bias_and_activate = BaseConv._add_bias_and_activate
    _with_channels = BaseConv._with_channels

    def build(self, input_shape):
        ac.check_rank(self, input_shape, self.rank)
        channels = ac.channels_of(self, input_shape, self.data_format)
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis(): channels})
        self.kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, channels), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint, name="kernel")
        # (spatial..., out, in) is read as (in, out, spatial...): the same rule with the roles swapped.
        self.kernel._prefer_memory_order(cc.conv_kernel_memory_order(self.rank, self.data_format))
        self.bias = cc.add_bias(self, self.filters)
        self.built = True

    def call(self, inputs):
        outputs = ops.conv_transpose(inputs, self.kernel, strides=self.strides, padding=self.padding,
                                     output_padding=self.output_padding, data_format=self.data_format,
                                     dilation_rate=self.dilation_rate)
        return self._add_bias_and_activate(outputs, self.filters)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        ac.check_rank(self, input_shape, self.rank)
        spatial = input_shape[2:] if self.data_format == "channels_first" else input_shape[1:-1]
        out_pad = self.output_padding or (None,) * self.rank
        spatial = tuple(conv_transpose_output_length(n, k, s, self.padding, p, d) for n, k, s, p, d in
                        zip(spatial, self.kernel_size, self.strides, out_pad, self.dilation_rate))
        return self._with_channels(input_shape, spatial, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            **cc.geometry_config(self, after_padding=("output_padding",)),
            **cc.weight_config(self, ("kernel", "bias")),
        })
        return config
