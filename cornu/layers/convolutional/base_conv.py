"""``BaseConv``: the N-D convolution layer behind ``Conv1D``, ``Conv2D`` and ``Conv3D``."""
from cornu import ops
from cornu.backend import standardize_data_format
from cornu.backend.common.conv_utils import conv_output_length
from cornu.layers.convolutional import _conv_layer_utils as cc
from cornu.layers.convolutional import arg_checks as ac
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class BaseConv(Layer):
    """N-D convolution: ``activation(conv(inputs, kernel) + bias)``.

    Args:
        rank: number of spatial dimensions (1, 2 or 3).
        filters: number of output channels.
        kernel_size: int or tuple of ``rank`` ints.
        strides: int or tuple of ``rank`` ints (default 1).
        padding: ``"valid"``, ``"same"`` (TensorFlow rule: ``ceil(n / stride)``
            outputs) or, for ``rank == 1``, ``"causal"`` (left padding only).
        data_format: ``"channels_last"`` (default from the config) or
            ``"channels_first"``.
        dilation_rate: int or tuple of ``rank`` ints; ``strides > 1`` and
            ``dilation_rate > 1`` together are refused, as in Keras.
        groups: input channels are split into this many groups, each
            convolved with ``filters // groups`` filters.
        activation: activation (default: linear).
        use_bias: whether to add a bias.
        kernel_initializer, bias_initializer, kernel_regularizer,
        bias_regularizer, activity_regularizer, kernel_constraint,
        bias_constraint: as in ``Dense``.

    Weights: ``kernel`` of shape ``kernel_size + (in_channels // groups,
    filters)``, then ``bias`` of shape ``(filters,)``.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.filters = ac.positive_int(self, filters, "filters")
        self.groups = ac.positive_int(self, groups, "groups")
        allowed = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
        cc.store_geometry(self, rank, kernel_size, strides, dilation_rate, padding, allowed)
        self.data_format = standardize_data_format(data_format)
        if self.filters % self.groups:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': `filters` must be divisible by `groups`; "
                f"received filters={self.filters}, groups={self.groups}."
            )
        cc.check_strides_and_dilation(self)
        cc.store_weight_args(self, activation, use_bias, kernel_initializer=kernel_initializer,
                             bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                             bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                             bias_constraint=bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)

    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def build(self, input_shape):
        ac.check_rank(self, input_shape, self.rank)
        channels = ac.channels_of(self, input_shape, self.data_format)
        if channels % self.groups:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': the number of input channels must be "
                f"divisible by `groups`; received {channels} channels and groups={self.groups}."
            )
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis(): channels})
        self.kernel = self.add_weight(
            shape=self.kernel_size + (channels // self.groups, self.filters),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint, name="kernel")
        self.kernel._prefer_memory_order(cc.conv_kernel_memory_order(self.rank, self.data_format))
        self.bias = cc.add_bias(self, self.filters)
        self.built = True

    def _add_bias_and_activate(self, outputs, channels):
        if self.bias is not None:
            if self.data_format == "channels_last":
                shape = (1,) * (self.rank + 1) + (channels,)
            else:
                shape = (1, channels) + (1,) * self.rank
            outputs = ops.add(outputs, ops.reshape(self.bias, shape))  # (c,) -> broadcastable
        return self.activation(outputs) if self.activation is not None else outputs

    def call(self, inputs):
        x = inputs
        padding = self.padding
        if padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            time_axis = 2 if self.data_format == "channels_first" else 1
            pad_width = [(0, 0), (0, 0), (0, 0)]
            pad_width[time_axis] = (left, 0)
            x = ops.pad(x, pad_width)  # (b, t, c) -> (b, left + t, c): only the past is seen
            padding = "valid"
        outputs = ops.conv(x, self.kernel, strides=self.strides, padding=padding,
                           data_format=self.data_format, dilation_rate=self.dilation_rate)
        return self._add_bias_and_activate(outputs, self.filters)

    def _spatial_output_shape(self, input_shape):
        spatial = input_shape[2:] if self.data_format == "channels_first" else input_shape[1:-1]
        return tuple(conv_output_length(n, k, s, self.padding, d) for n, k, s, d in
                     zip(spatial, self.kernel_size, self.strides, self.dilation_rate))

    def _with_channels(self, input_shape, spatial, channels):
        if self.data_format == "channels_first":
            return (input_shape[0], channels) + spatial
        return (input_shape[0],) + spatial + (channels,)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        ac.check_rank(self, input_shape, self.rank)
        return self._with_channels(input_shape, self._spatial_output_shape(input_shape), self.filters)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            **cc.geometry_config(self),
            "groups": self.groups,
            **cc.weight_config(self, ("kernel", "bias")),
        })
        return config
