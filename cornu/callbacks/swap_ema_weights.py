"""``SwapEMAWeights``: evaluate (and optionally checkpoint) with the optimizer's EMA weights."""
from cornu import ops
from cornu.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Put the optimizer's moving-average weights into the model for evaluation.

    With an optimizer built with ``use_ema=True``, the optimizer keeps an
    exponential moving average of every trainable weight ("Polyak
    averaging"). This callback exchanges the model's weights with those
    averages when evaluation (or prediction) starts and exchanges them back
    when it ends, so validation metrics are those of the averaged model while
    training continues from the raw weights. The exchange is in place: the
    optimizer's average variables hold the raw weights meanwhile, so other
    callbacks must not modify either set during that time.

    ```python
    model.compile(optimizer=cornu.optimizers.SGD(use_ema=True), loss="mse")
    model.fit(x, y, validation_data=(vx, vy), callbacks=[SwapEMAWeights()])
    # Checkpoints of the averaged weights: swap at epoch end, before ModelCheckpoint.
    model.fit(x, y, callbacks=[SwapEMAWeights(swap_on_epoch=True), ModelCheckpoint(path)])
    ```

    With a ``LossScaleOptimizer`` its inner optimizer is used; with an
    optimizer holding several optimizers (an ``optimizers`` attribute), each
    one with ``use_ema=True`` is swapped.

    Args:
        swap_on_epoch: bool; also swap at the end of each epoch (so the
            callbacks after this one, e.g. ``ModelCheckpoint``, see the
            averaged weights) and back at the start of the next. After the
            last epoch the averaged weights stay in the model. Defaults to
            ``False``.
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        if not isinstance(swap_on_epoch, bool):
            raise TypeError(
                "SwapEMAWeights: argument `swap_on_epoch` must be a bool. "
                f"Received: swap_on_epoch={swap_on_epoch!r}"
            )
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    # -- which optimizers --------------------------------------------------------
    def _ema_optimizers(self):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            raise ValueError(
                "SwapEMAWeights needs a compiled model whose optimizer has `use_ema=True`. "
                "Received a model without an optimizer."
            )
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        inner = getattr(optimizer, "optimizers", None)
        if inner is not None:
            chosen = [opt for opt in inner if getattr(opt, "use_ema", False)]
            if not chosen:
                raise ValueError(
                    "SwapEMAWeights must be used when at least one inner optimizer has "
                    "`use_ema=True` set. Received an optimizer whose inner optimizers all have "
                    "`use_ema=False`."
                )
            return chosen
        if not getattr(optimizer, "use_ema", False):
            raise ValueError(
                "SwapEMAWeights must be used when `use_ema=True` is set on the optimizer. "
                f"Received: use_ema={getattr(optimizer, 'use_ema', None)} "
                f"({type(optimizer).__name__})"
            )
        return [optimizer]

    def _pairs(self):
        for optimizer in self._ema_optimizers():
            for variable, average in zip(optimizer._trainable_variables,
                                         optimizer._model_variables_moving_average):
                if average is not None:
                    yield variable, average

    # -- the two operations ------------------------------------------------------
    def _swap_variables(self):
        for variable, average in self._pairs():
            held = ops.copy(variable.value)
            variable.assign(average.value)
            average.assign(held)

    def _finalize_ema_values(self):
        # The model holds the averages now; copy them into the average slots so
        # that the optimizer's end-of-fit ``finalize_variable_values`` keeps them.
        for variable, average in self._pairs():
            average.assign(ops.copy(variable.value))  # no shared buffer (JAX donation)

    # -- hooks -------------------------------------------------------------------
    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True
            if epoch == self.params.get("epochs", 0) - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_test_end(self, logs=None):
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_predict_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_predict_end(self, logs=None):
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False
