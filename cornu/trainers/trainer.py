"""The training loop, written once for every engine.

Engines provide only step mechanics (``backend.compute_gradients`` and
``backend.make_step_function``); this module owns compile, fit, evaluate,
predict and the per-batch methods.
"""
import warnings

import numpy as np

from cornu import backend, dtype_policies, metrics as metrics_module, ops, optimizers
from cornu.backend import runtime_flags
from cornu.callbacks import CallbackList, History
from cornu.callbacks.logs import pythonify_logs
from cornu.trainers import compile_utils
from cornu.trainers.data_adapters import train_validation_split
from cornu.trainers.epoch_iterator import EpochIterator
from cornu.trainers.packing import unpack_x_y_sample_weight
from cornu.utils import tree




class Trainer:
    """Mixed into ``Model``: compile/fit/evaluate/predict and the step functions."""

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self.stop_training = False
        self.history = None
        self._run_eagerly = False
        self._jit_compile = None
        self._jit_mode = False
        self.steps_per_execution = 1
        self._reset_step_functions()
        self._compile_config = None

    def _reset_step_functions(self):
        self.train_function = None
        self.test_function = None
        self.predict_function = None

    # -- compile -----------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1, jit_compile="auto",
                auto_scale_loss=True, **kwargs):
        """Configure the model for training.

        Args:
            optimizer: name or optimizer instance.
            loss: name, function or ``Loss``; a list/dict for several outputs.
            loss_weights: per-output scalar weights (list or dict).
            metrics: names, functions or ``Metric``s; a list/dict per output.
            weighted_metrics: metrics that apply ``sample_weight``/``class_weight``.
            run_eagerly: run the step as plain Python (no compilation).
            steps_per_execution: batches processed per step-function call.
            jit_compile: ``True``, ``False`` or ``"auto"`` (compile where the engine does it well).
        """
        for legacy in ("sample_weight_mode", "target_tensors", "distribute", "experimental_run_tf_function"):
            if legacy in kwargs:
                warnings.warn(f"`compile({legacy}=...)` is a Keras 2 argument with no effect in cornu.",
                              DeprecationWarning, stacklevel=2)
                kwargs.pop(legacy)
        if kwargs:
            raise TypeError(f"compile() got unexpected keyword arguments: {sorted(kwargs)}")
        self.optimizer = optimizers.get(optimizer)
        policy = getattr(self, "dtype_policy", None) or dtype_policies.dtype_policy()
        if auto_scale_loss and policy.compute_dtype == "float16" and \
                not isinstance(self.optimizer, optimizers.LossScaleOptimizer):
            self.optimizer = optimizers.LossScaleOptimizer(self.optimizer)
        self.loss = loss
        self._compile_loss = compile_utils.CompileLoss(loss, loss_weights) if loss is not None else None
        self._compile_metrics = compile_utils.CompileMetrics(metrics, weighted_metrics)
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._run_eagerly = bool(run_eagerly)
        # "auto" is resolved by the engine: JAX jits every step; torch captures
        # CUDA graphs on a GPU and runs eagerly on the CPU.
        self._jit_mode = "auto" if jit_compile == "auto" else bool(jit_compile)
        self._jit_compile = (backend.IS_STATELESS if jit_compile == "auto" else bool(jit_compile)) \
            and not run_eagerly
        self.steps_per_execution = int(steps_per_execution)
        self.compiled = True
        self._compile_config = {
            "optimizer": optimizer if isinstance(optimizer, str) else None,
            "loss": loss, "loss_weights": loss_weights, "metrics": metrics,
            "weighted_metrics": weighted_metrics, "run_eagerly": run_eagerly,
            "steps_per_execution": steps_per_execution, "jit_compile": jit_compile,
        }
        self._reset_step_functions()

    @property
    def run_eagerly(self):
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value):
        self._run_eagerly = bool(value)
        self._reset_step_functions()

    @property
    def jit_compile(self):
        return self._jit_compile

    @jit_compile.setter
    def jit_compile(self, value):
        self._jit_compile = bool(value)
        self._jit_mode = bool(value)
        self._reset_step_functions()

    def get_compile_config(self):
        return self._compile_config

    def _assert_compiled(self, method):
        if not self.compiled:
            raise RuntimeError(
                f"You must call `compile()` before using the model with `{method}()`."
            )

    # -- metrics -----------------------------------------------------------------
    @property
    def metrics(self):
        """The loss tracker, per-output loss trackers and compiled metrics."""
        out = []
        if self._loss_tracker is not None:
            out.append(self._loss_tracker)
        if self._compile_loss is not None and self._compile_loss.built:
            out.extend(self._compile_loss.metrics)
        if self._compile_metrics is not None and self._compile_metrics.built:
            out.extend(self._compile_metrics.metrics)
        return out

    @property
    def metrics_names(self):
        """Names of the values ``evaluate`` returns, in order (``["loss", "accuracy"]``)."""
        return [m.name for m in self.metrics]

    @property
    def metrics_variables(self):
        return [v for m in self.metrics for v in m.variables]

    def reset_metrics(self):
        """Reset every metric's state."""
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self):
        """Current metric values as a dict of floats/tensors."""
        logs = {}
        for m in self.metrics:
            result = m.result()
            if isinstance(result, dict):
                logs.update(result)
            else:
                logs[m.name] = result
        return logs

    # -- loss --------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Total loss: compiled loss(es) plus the model's added and regularization losses."""
        total = None
        if self._compile_loss is not None:
            total = self._compile_loss(y, y_pred, sample_weight)
        extra = self.losses
        if extra:
            reg = extra[0]
            for value in extra[1:]:
                reg = ops.add(reg, value)
            reg = ops.cast(reg, "float32") if total is None else reg
            total = reg if total is None else ops.add(total, ops.cast(reg, total.dtype))
        if total is None:
            total = ops.convert_to_tensor(0.0)
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics and return the current results."""
        if self._compile_metrics is not None and self._compile_metrics.built:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    # -- steps -------------------------------------------------------------------
    def train_step(self, data):
        """One optimization step on a batch; returns the metric results."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        trainable = self.trainable_variables

        def loss_fn():
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=True)
            # Differentiate the scaled loss (loss scaling for float16); report the raw one.
            return self.optimizer.scale_loss(loss), (y_pred, loss)

        _, (y_pred, loss), grads = backend.compute_gradients(loss_fn, trainable)
        if trainable:
            self.optimizer.apply(grads, trainable)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """One evaluation step on a batch; returns the metric results."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's outputs for a batch."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def _state_variables(self, include_optimizer):
        state, seen = [], set()
        groups = [self.variables, self.metrics_variables]
        if include_optimizer and self.optimizer is not None:
            groups.insert(1, self.optimizer.variables)
        for group in groups:
            for v in group:
                if id(v) not in seen:
                    seen.add(id(v))
                    state.append(v)
        return state

    def _jit(self):
        """The ``jit_compile`` mode handed to the engine: ``"auto"``, ``True`` or ``False``.

        A layer with ``supports_jit = False`` (one that works on host data, such
        as StringLookup) makes every step run eagerly, as in Keras.
        """
        if self._run_eagerly or not all(getattr(layer, "supports_jit", True) for layer in self._flatten_layers()):
            return False
        return self._jit_mode

    def _per_execution(self, step):
        """``step`` itself, or with ``steps_per_execution > 1`` a function running it over a tuple of batches.

        The loop is plain Python, so the engine compiles the whole group as one
        function (JAX traces it unrolled into one executable; a CUDA graph
        captures all of it) and the host waits on the device once per group.
        """
        if self.steps_per_execution <= 1:
            return step

        def steps(batches):
            logs = None
            for batch in batches:
                logs = step(batch)
            return logs

        return steps

    def _one_execution(self, batch):
        """Wrap a single batch for a function made by ``_per_execution``."""
        return batch if self.steps_per_execution <= 1 else (batch,)

    def make_train_function(self, force=False):
        if self.train_function is not None and not force:
            return self.train_function
        self.optimizer.build(self.trainable_variables)
        self.train_function = backend.make_step_function(
            self._per_execution(self.train_step), self._state_variables(True), training=True,
            jit_compile=self._jit())
        return self.train_function

    def make_test_function(self, force=False):
        if self.test_function is not None and not force:
            return self.test_function
        self.test_function = backend.make_step_function(
            self._per_execution(self.test_step), self._state_variables(False), training=False,
            jit_compile=self._jit())
        return self.test_function

    def make_predict_function(self, force=False):
        if self.predict_function is not None and not force:
            return self.predict_function
        self.predict_function = backend.make_step_function(
            self.predict_step, self.variables, training=False, jit_compile=self._jit())
        return self.predict_function

    def _symbolic_build(self, batch):
        """Build the model, losses, metrics and optimizer from a first batch (before tracing)."""
        x, y, sample_weight = unpack_x_y_sample_weight(batch)
        if not self.built:
            self._build_from_data(x)
        needs = (self._compile_loss is not None and not self._compile_loss.built) or \
            (self._compile_metrics is not None and not self._compile_metrics.built)
        if needs:
            if any(isinstance(v, np.ndarray) and v.dtype.kind in "USO" for v in tree.flatten(x)):
                # Host data (strings) has no engine placeholder: one real forward pass gives the specs.
                y_pred = _spec_of(self(x, training=False))
            else:
                y_pred = backend.compute_output_spec(lambda v: self(v, training=False),
                                                     _spec_of(x, self._needs_real_batch()))
            names = self._output_names_for(y_pred)
            if self._compile_loss is not None and not self._compile_loss.built:
                self._compile_loss.build(y, y_pred, names)
            if self._compile_metrics is not None and not self._compile_metrics.built:
                losses = self._compile_loss.losses if self._compile_loss is not None else None
                self._compile_metrics.build(y, y_pred, names, losses)
                self.train_function = self.test_function = None
        if self.optimizer is not None and not getattr(self.optimizer, "built", False):
            self.optimizer.build(self.trainable_variables)

    def _needs_real_batch(self):
        """True when the model needs its real batch size to build (stateful RNNs, a fixed
        ``batch_size``/``batch_input_shape``); otherwise builds see an unknown batch axis."""
        for layer in self._flatten_layers():
            if getattr(layer, "stateful", False) is True:
                return True
            for shape in (getattr(layer, "_batch_input_shape", None), getattr(layer, "batch_shape", None)):
                if isinstance(shape, (tuple, list)) and shape and isinstance(shape[0], int):
                    return True
        return False

    def _build_from_data(self, x):
        spec = _spec_of(x, self._needs_real_batch())
        try:
            self.build(tree.map_structure(lambda t: tuple(t.shape), spec) if not isinstance(spec, dict)
                       else {k: tuple(v.shape) for k, v in spec.items()})
        except (NotImplementedError, TypeError, ValueError):
            backend.compute_output_spec(lambda v: self(v, training=False), spec)
        self.built = True

    def _output_names_for(self, y_pred):
        if isinstance(y_pred, dict):
            return sorted(y_pred)
        flat = tree.flatten(y_pred)
        names = getattr(self, "output_names", None)
        if names and len(names) == len(flat):
            return list(names)
        return [f"output_{i + 1}" for i in range(len(flat))] if len(flat) > 1 else ["output"]

    # -- fit ---------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, **kwargs):
        """Train for ``epochs`` epochs; returns a ``History``."""
        from cornu.trainers.legacy_args import pop_legacy_fit_args  # noqa: PLC0415

        epochs, steps_per_epoch, validation_steps = pop_legacy_fit_args(
            kwargs, epochs, steps_per_epoch, validation_steps)
        if kwargs:
            raise TypeError(f"fit() got unexpected keyword arguments: {sorted(kwargs)}")
        self._assert_compiled("fit")
        max_epochs = runtime_flags.max_epochs()  # cornu.config.set_max_epochs
        if max_epochs and max_epochs < epochs:
            warnings.warn(f"Limiting epochs to {max_epochs} (cornu.config.max_epochs()).", stacklevel=2)
            epochs = max_epochs
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = train_validation_split((x, y, sample_weight), validation_split)
        iterator = EpochIterator(x, y, sample_weight, batch_size=batch_size, steps_per_epoch=steps_per_epoch,
                                 shuffle=shuffle, class_weight=class_weight)
        val_args = None
        if validation_data is not None:
            vx, vy, vsw = _unpack_validation(validation_data)
            val_args = dict(x=vx, y=vy, sample_weight=vsw, batch_size=validation_batch_size or batch_size,
                            steps=validation_steps)
            if not hasattr(vx, "shape") and not isinstance(vx, (list, tuple, dict)):
                val_args["_iterator"] = EpochIterator(vx, vy, vsw, batch_size=validation_batch_size or batch_size,
                                                      steps_per_epoch=validation_steps)
        verbose = _resolve_verbose(verbose)
        callback_list = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                                     verbose=verbose, epochs=epochs, steps=iterator.num_batches)
        if validation_data is not None:
            for cb in callback_list:  # Keras 1/2's `self.validation_data` in callbacks
                cb.validation_data = _legacy_validation_data(validation_data)
        self.stop_training = False
        self._initial_epoch = None
        callback_list.on_train_begin()
        if getattr(self, "_initial_epoch", None):  # set by BackupAndRestore when resuming
            initial_epoch, self._initial_epoch = self._initial_epoch, None
        logs = {}
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callback_list.on_epoch_begin(epoch)
            ran = False
            for first, step, data in _executions(iterator.enumerate_epoch(), self.steps_per_execution):
                if self.train_function is None or not ran and not self._compile_loss_built():
                    self._symbolic_build(data if self.steps_per_execution <= 1 else data[0])
                    self.make_train_function()
                callback_list.on_train_batch_begin(first)
                logs = self.train_function(data)  # tensors; callbacks read them as needed
                ran = True
                callback_list.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            if not ran:
                if iterator.ran_out or epoch > initial_epoch:
                    break
                raise ValueError("fit() received no data: the training input is empty.")
            epoch_logs = dict(pythonify_logs(self.get_metrics_result()))
            if val_args is not None and _should_eval(epoch, validation_freq):
                val_logs = self.evaluate(verbose=0, return_dict=True, _callbacks=callback_list, **val_args)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callback_list.on_epoch_end(epoch, epoch_logs)
            if self.stop_training or iterator.ran_out:
                break
        if self.optimizer is not None and getattr(self.optimizer, "built", False):
            self.optimizer.finalize_variable_values(self.trainable_variables)  # use_ema: averages in
        callback_list.on_train_end(epoch_logs)
        return self.history

    def _compile_loss_built(self):
        return self._compile_loss is None or self._compile_loss.built

    # -- evaluate ----------------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, _callbacks=None, _iterator=None, **kwargs):
        """Loss and metrics on the given data: a scalar, a list (``metrics_names`` order) or a dict."""
        kwargs.pop("max_queue_size", None)
        kwargs.pop("workers", None)
        kwargs.pop("use_multiprocessing", None)
        if kwargs:
            raise TypeError(f"evaluate() got unexpected keyword arguments: {sorted(kwargs)}")
        self._assert_compiled("evaluate")
        iterator = _iterator or EpochIterator(x, y, sample_weight, batch_size=batch_size, steps_per_epoch=steps)
        verbose = _resolve_verbose(verbose)
        callback_list = _callbacks if _callbacks is not None else CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
            steps=iterator.num_batches)
        self.reset_metrics()
        callback_list.on_test_begin()
        logs = {}
        for first, step, data in _executions(iterator.enumerate_epoch(), self.steps_per_execution):
            if self.test_function is None or not self._compile_loss_built():
                self._symbolic_build(data if self.steps_per_execution <= 1 else data[0])
                self.make_test_function()
            callback_list.on_test_batch_begin(first)
            logs = self.test_function(data)
            callback_list.on_test_batch_end(step, logs)
        logs = pythonify_logs(self.get_metrics_result())
        callback_list.on_test_end(logs)
        if return_dict:
            return logs
        values = [logs[name] for name in self.metrics_names if name in logs]
        return values[0] if len(values) == 1 else values

    # -- predict -----------------------------------------------------------------
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
        """The model's outputs for ``x`` as NumPy arrays, batched."""
        kwargs.pop("max_queue_size", None)
        kwargs.pop("workers", None)
        kwargs.pop("use_multiprocessing", None)
        if kwargs:
            raise TypeError(f"predict() got unexpected keyword arguments: {sorted(kwargs)}")
        iterator = EpochIterator(x, batch_size=batch_size, steps_per_epoch=steps)
        verbose = _resolve_verbose(verbose)
        callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                                     epochs=1, steps=iterator.num_batches)
        callback_list.on_predict_begin()
        outputs = []
        for step, batch in iterator.enumerate_epoch():
            if self.predict_function is None:
                if not self.built:
                    self._build_from_data(batch[0])
                self.make_predict_function()
            callback_list.on_predict_batch_begin(step)
            out = self.predict_function(batch)
            outputs.append(tree.map_structure(backend.convert_to_numpy, out))
            callback_list.on_predict_batch_end(step, {"outputs": out})
        callback_list.on_predict_end()
        if not outputs:
            raise ValueError("predict() received no data: the input is empty.")
        return tree.map_structure(lambda *parts: np.concatenate(parts, axis=0), *outputs)

    # -- single batches ----------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on one batch; returns the loss (and metrics)."""
        self._assert_compiled("train_on_batch")
        batch = next(EpochIterator(x, y, sample_weight, batch_size=_len(x), class_weight=class_weight)
                     .enumerate_epoch())[1]
        self.reset_metrics()
        if self.train_function is None or not self._compile_loss_built():
            self._symbolic_build(batch)
            self.make_train_function()
        logs = pythonify_logs(self.train_function(self._one_execution(batch)))
        return self._format_batch_logs(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Evaluate one batch; returns the loss (and metrics)."""
        self._assert_compiled("test_on_batch")
        batch = next(EpochIterator(x, y, sample_weight, batch_size=_len(x)).enumerate_epoch())[1]
        self.reset_metrics()
        if self.test_function is None or not self._compile_loss_built():
            self._symbolic_build(batch)
            self.make_test_function()
        logs = pythonify_logs(self.test_function(self._one_execution(batch)))
        return self._format_batch_logs(logs, return_dict)

    def predict_on_batch(self, x):
        """The model's outputs for one batch, as NumPy."""
        batch = next(EpochIterator(x, batch_size=_len(x)).enumerate_epoch())[1]
        if self.predict_function is None:
            if not self.built:
                self._build_from_data(batch[0])
            self.make_predict_function()
        return tree.map_structure(backend.convert_to_numpy, self.predict_function(batch))

    def _format_batch_logs(self, logs, return_dict):
        if return_dict:
            return logs
        values = [logs[name] for name in self.metrics_names if name in logs]
        return values[0] if len(values) == 1 else values


# -- helpers ------------------------------------------------------------------------
def _executions(enumerated, steps_per_execution):
    """Group ``(step, batch)`` pairs into ``(first_step, last_step, data)`` per step-function call.

    ``data`` is the batch itself when ``steps_per_execution`` is 1, else a tuple
    of up to that many batches (the last group of an epoch may be shorter).
    """
    if steps_per_execution <= 1:
        for step, batch in enumerated:
            yield step, step, batch
        return
    group, first = [], 0
    for step, batch in enumerated:
        if not group:
            first = step
        group.append(batch)
        if len(group) == steps_per_execution:
            yield first, step, tuple(group)
            group = []
    if group:
        yield first, first + len(group) - 1, tuple(group)


def _batch_size(x):
    first = tree.flatten(x)[0]
    return ops.shape(first)[0]


def _len(x):
    first = tree.flatten(x)[0]
    return int(first.shape[0])


def _spec_of(x, keep_batch=False):
    """Symbolic stand-ins for a data batch; the batch axis is unknown unless ``keep_batch``."""
    def spec(v):
        if v is None:
            return None
        shape = tuple(v.shape)
        batch = int(shape[0]) if keep_batch and shape else None
        return backend.KerasTensor((batch,) + shape[1:], dtype=backend.standardize_dtype(v.dtype))

    return tree.map_structure(spec, x)


def _unpack_validation(data):
    if isinstance(data, tuple):
        if len(data) == 2:
            return data[0], data[1], None
        if len(data) == 3:
            return data
        raise ValueError(
            "When passing a tuple as `validation_data`, it must be `(x_val, y_val)` or "
            f"`(x_val, y_val, val_sample_weight)`; got a tuple of {len(data)} elements."
        )
    if isinstance(data, list) and len(data) in (2, 3):
        return tuple(data) + (None,) * (3 - len(data))
    return data, None, None


def _legacy_validation_data(data):
    """``(x_val, y_val, sample_weight)`` as Keras 2 callbacks saw it in ``self.validation_data``."""
    if isinstance(data, (tuple, list)) and len(data) in (2, 3):
        return tuple(data) + (None,) * (3 - len(data))
    return data


def _should_eval(epoch, freq):
    if isinstance(freq, int):
        return (epoch + 1) % freq == 0
    return (epoch + 1) in freq


def _resolve_verbose(verbose):
    if verbose == "auto":
        return 1
    return int(verbose)
