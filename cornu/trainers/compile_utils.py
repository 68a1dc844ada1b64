"""Losses and metrics given to ``compile``, matched to the model's outputs."""
from cornu import backend, losses as losses_module, metrics as metrics_module, ops
from cornu.utils import tree


def _output_structure(y_pred):
    return isinstance(y_pred, (list, tuple, dict))


def _match(struct, output_names, what):
    """Turn a list/dict per-output spec into a list aligned with ``output_names``."""
    if isinstance(struct, dict):
        unknown = [k for k in struct if k not in output_names]
        if unknown:
            raise ValueError(
                f"Unknown entries in {what} dictionary: {unknown}. Only expected the following "
                f"keys: {output_names}"
            )
        return [struct.get(name) for name in output_names]
    if isinstance(struct, (list, tuple)):
        if len(struct) != len(output_names):
            raise ValueError(
                f"When passing a list as `{what}`, it should have one entry per model output. "
                f"The model has {len(output_names)} output(s) ({output_names}), but you passed "
                f"{what}={struct!r}"
            )
        return list(struct)
    return [struct] * len(output_names)


def _flatten_targets(y, output_names):
    if isinstance(y, dict):
        missing = [n for n in output_names if n not in y]
        if missing:
            raise ValueError(f"The targets dict is missing keys {missing}; expected {output_names}.")
        return [y[n] for n in output_names]
    if isinstance(y, (list, tuple)) and len(output_names) > 1:
        if len(y) != len(output_names):
            raise ValueError(
                f"The model has {len(output_names)} outputs but {len(y)} target arrays were given."
            )
        return list(y)
    return [y]


def _flatten_predictions(y_pred, output_names):
    if isinstance(y_pred, dict):
        return [y_pred[n] for n in output_names]
    return tree.flatten(y_pred)


def _get_loss(identifier):
    loss = losses_module.get(identifier)
    if loss is None:
        return None
    if isinstance(loss, losses_module.Loss):
        return loss
    return losses_module.LossFunctionWrapper(loss, name=getattr(loss, "__name__", None))


class CompileLoss:
    """Applies the compiled loss(es) with ``loss_weights``; tracks per-output losses."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        self._spec = loss
        self._weights_spec = loss_weights
        self.output_names = output_names
        self.built = False

    def build(self, y_true, y_pred, output_names):
        self.output_names = output_names
        specs = _match(self._spec, output_names, "loss") if len(output_names) > 1 or isinstance(
            self._spec, (dict, list, tuple)) else [self._spec]
        if len(specs) != len(output_names):
            specs = specs * len(output_names)
        self.losses = [_get_loss(s) for s in specs]
        if self._weights_spec is None:
            self.weights = [1.0] * len(output_names)
        else:
            self.weights = [1.0 if w is None else float(w) for w in
                            _match(self._weights_spec, output_names, "loss_weights")]
        self.trackers = []
        if len(output_names) > 1:
            self.trackers = [metrics_module.Mean(name=f"{name}_loss") if loss is not None else None
                             for name, loss in zip(output_names, self.losses)]
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        ys = _flatten_targets(y_true, self.output_names)
        ps = _flatten_predictions(y_pred, self.output_names)
        sws = _flatten_targets(sample_weight, self.output_names) if sample_weight is not None \
            and (isinstance(sample_weight, (list, tuple, dict))) else [sample_weight] * len(ps)
        total = None
        for i, (loss, weight, yt, yp, sw) in enumerate(zip(self.losses, self.weights, ys, ps, sws)):
            if loss is None:
                continue
            if yt is None:
                raise ValueError(f"No target was given for output '{self.output_names[i]}', which has a loss.")
            value = loss(yt, yp, sample_weight=sw)
            if self.trackers and self.trackers[i] is not None:
                self.trackers[i].update_state(value, sample_weight=_batch_size(yp))
            value = ops.multiply(value, weight) if weight != 1.0 else value
            total = value if total is None else ops.add(total, value)
        return total

    @property
    def metrics(self):
        return [t for t in getattr(self, "trackers", []) if t is not None]


def _batch_size(y):
    return ops.shape(y)[0]


def _resolve_metric(identifier, y_true, y_pred, loss):
    """A metric object for a compile metric identifier (named after the string given, as Keras does)."""
    from cornu.metrics.resolve import resolve_metric  # noqa: PLC0415

    y_true_shape = tuple(y_true.shape) if y_true is not None else tuple(y_pred.shape)
    return resolve_metric(identifier, y_true_shape, tuple(y_pred.shape), loss=loss)


class CompileMetrics:
    """The compiled metrics (and weighted metrics), per output."""

    def __init__(self, metrics=None, weighted_metrics=None):
        self._metrics_spec = metrics
        self._weighted_spec = weighted_metrics
        self.built = False
        self.per_output = []

    def build(self, y_true, y_pred, output_names, losses=None):
        ys = _flatten_targets(y_true, output_names)
        ps = _flatten_predictions(y_pred, output_names)
        self.output_names = output_names
        self.per_output = []
        for spec, weighted in ((self._metrics_spec, False), (self._weighted_spec, True)):
            if not spec:
                continue
            if isinstance(spec, dict) or (isinstance(spec, (list, tuple)) and len(output_names) > 1
                                          and len(spec) == len(output_names)
                                          and all(isinstance(s, (list, tuple)) or s is None for s in spec)):
                per = _match(spec, output_names, "metrics")
            else:
                per = [spec] * len(output_names)
            for i, metric_list in enumerate(per):
                if metric_list is None:
                    continue
                if not isinstance(metric_list, (list, tuple)):
                    metric_list = [metric_list]
                for identifier in metric_list:
                    loss = losses[i] if losses else None
                    metric = _resolve_metric(identifier, ys[i], ps[i], loss)
                    if metric is None:
                        continue
                    if hasattr(metric, "build") and not getattr(metric, "built", True):
                        # Shape-dependent metrics create their variables now, before any tracing.
                        metric.build(tuple(ys[i].shape) if ys[i] is not None else tuple(ps[i].shape),
                                     tuple(ps[i].shape))
                    if len(output_names) > 1:
                        metric.name = f"{output_names[i]}_{metric.name}"
                    self.per_output.append((i, metric, weighted))
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        ys = _flatten_targets(y_true, self.output_names)
        ps = _flatten_predictions(y_pred, self.output_names)
        sws = _flatten_targets(sample_weight, self.output_names) if isinstance(sample_weight, (list, tuple, dict)) \
            else [sample_weight] * len(ps)
        for i, metric, weighted in self.per_output:
            if ys[i] is None:
                continue
            metric.update_state(ys[i], ps[i], sample_weight=sws[i] if weighted else None)

    @property
    def metrics(self):
        return [m for _, m, _ in self.per_output]


def is_float(x):
    return backend.is_float_dtype(backend.standardize_dtype(x.dtype))
