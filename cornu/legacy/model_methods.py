"""Model methods Keras 3 removed, back for Keras 1/2 code: ``fit_generator``,
``evaluate_generator``, ``predict_generator``, ``predict_classes``,
``predict_proba``, ``to_yaml`` and ``reset_states``.

``install()`` (run when ``cornu.legacy`` is imported) adds them to
``cornu.models.Model`` -- the legacy room sits above ``models`` and patches
it, so ``models`` carries no legacy code.  Each gives one
``DeprecationWarning`` per process and calls today's ``fit``/``evaluate``/
``predict``.

Keras 1's sample counts are honoured: ``samples_per_epoch`` (and
``nb_val_samples``, ``val_samples``) count samples, so the number of batches
is ``ceil(samples / batch_size)``, the batch size read from the generator
(its ``batch_size`` attribute, or the first batch it yields).  Keras 2's
positional ``fit_generator(gen, steps, epochs)`` means steps, as in Keras 2.
"""
import itertools
import math
import warnings

import numpy as np

from cornu.legacy.deprecation import warn_once
from cornu.utils import tree

_QUEUE_ARGS = {"max_queue_size": "max_queue_size", "workers": "workers",
               "use_multiprocessing": "use_multiprocessing", "max_q_size": "max_queue_size",
               "nb_worker": "workers", "pickle_safe": "use_multiprocessing"}


def _warn_method(name, instead):
    warn_once(("method", name), f"`Model.{name}` is deprecated (removed in Keras 3); use `{instead}`, "
              "which supports generators.")


def _pop_queue_args(method, kwargs):
    """Accept Keras 1/2's queue arguments (batches are produced in the training thread)."""
    for key in list(kwargs):
        if key in _QUEUE_ARGS:
            if _QUEUE_ARGS[key] != key:
                warn_once(("argument", key), f"`{method}({key}=...)` is Keras 1; it is now "
                          f"`{_QUEUE_ARGS[key]}` (accepted, batches are read in the training thread).")
            kwargs.pop(key)


def _is_indexable(data):
    return hasattr(data, "__len__") and hasattr(data, "__getitem__") and not isinstance(data, (list, tuple, dict))


def _peek_batch_size(data):
    """``(batch_size, data)``: the batch size of a generator and the generator, first batch kept."""
    size = getattr(data, "batch_size", None)
    if isinstance(size, int) and size > 0:
        return size, data
    if _is_indexable(data):
        batch = data[0]
    else:
        iterator = iter(data)
        batch = next(iterator)
        data = itertools.chain([batch], iterator)
    x = batch[0] if isinstance(batch, (tuple, list)) and len(batch) in (2, 3) else batch
    first = tree.flatten(x)[0]
    return int(first.shape[0]), data


def _samples_to_steps(method, name, samples, data):
    warn_once(("argument", name), f"`{method}({name}=...)` counts samples (Keras 1); Keras 2+ counts "
              "batches (`steps_per_epoch`, `validation_steps`, `steps`). cornu converts it.")
    batch_size, data = _peek_batch_size(data)
    return int(math.ceil(samples / batch_size)), data


def _need_steps(data, steps, what):
    if steps is None and not _is_indexable(data):
        raise ValueError(f"`{what}=None` is only valid for a `PyDataset`/`Sequence` (something with a "
                         f"length); for a Python generator pass `{what}`.")


def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                  validation_data=None, validation_steps=None, validation_freq=1, class_weight=None,
                  max_queue_size=10, workers=1, use_multiprocessing=False, shuffle=True, initial_epoch=0,
                  **kwargs):
    """Keras 1/2: train on batches from ``generator`` (use ``fit``, which takes generators).

    Keras 1 spellings are accepted: ``samples_per_epoch``, ``nb_epoch``,
    ``nb_val_samples``, ``max_q_size``, ``nb_worker``, ``pickle_safe``.
    """
    _warn_method("fit_generator", "fit")
    _pop_queue_args("fit_generator", kwargs)
    if "nb_epoch" in kwargs:
        warn_once(("argument", "nb_epoch"), "The `nb_epoch` argument has been renamed `epochs`.")
        epochs = kwargs.pop("nb_epoch")
    if "samples_per_epoch" in kwargs:
        steps_per_epoch, generator = _samples_to_steps("fit_generator", "samples_per_epoch",
                                                       kwargs.pop("samples_per_epoch"), generator)
    if "nb_val_samples" in kwargs:
        samples = kwargs.pop("nb_val_samples")
        if validation_data is not None and not isinstance(validation_data, (tuple, list)):
            validation_steps, validation_data = _samples_to_steps("fit_generator", "nb_val_samples", samples,
                                                                  validation_data)
    if kwargs:
        raise TypeError(f"fit_generator() got unexpected keyword arguments: {sorted(kwargs)}")
    _need_steps(generator, steps_per_epoch, "steps_per_epoch")
    if validation_data is not None and not isinstance(validation_data, (tuple, list)):
        _need_steps(validation_data, validation_steps, "validation_steps")
    return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
                    callbacks=callbacks, validation_data=validation_data, validation_steps=validation_steps,
                    validation_freq=validation_freq, class_weight=class_weight, shuffle=shuffle,
                    initial_epoch=initial_epoch)


def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                       use_multiprocessing=False, verbose=0, **kwargs):
    """Keras 1/2: evaluate on batches from ``generator`` (use ``evaluate``).

    Keras 1's ``val_samples`` (a sample count) is accepted.
    """
    _warn_method("evaluate_generator", "evaluate")
    _pop_queue_args("evaluate_generator", kwargs)
    if "val_samples" in kwargs:
        steps, generator = _samples_to_steps("evaluate_generator", "val_samples", kwargs.pop("val_samples"),
                                             generator)
    if kwargs:
        raise TypeError(f"evaluate_generator() got unexpected keyword arguments: {sorted(kwargs)}")
    _need_steps(generator, steps, "steps")
    return self.evaluate(generator, steps=steps, callbacks=callbacks, verbose=verbose)


def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                      use_multiprocessing=False, verbose=0, **kwargs):
    """Keras 1/2: predict on batches from ``generator`` (use ``predict``).

    Keras 1's ``val_samples`` (a sample count) is accepted.
    """
    _warn_method("predict_generator", "predict")
    _pop_queue_args("predict_generator", kwargs)
    if "val_samples" in kwargs:
        steps, generator = _samples_to_steps("predict_generator", "val_samples", kwargs.pop("val_samples"),
                                             generator)
    if kwargs:
        raise TypeError(f"predict_generator() got unexpected keyword arguments: {sorted(kwargs)}")
    _need_steps(generator, steps, "steps")
    return self.predict(generator, steps=steps, callbacks=callbacks, verbose=verbose)


def predict_classes(self, x, batch_size=32, verbose=0):
    """Keras 1/2 (Sequential): class predictions -- ``argmax`` of the last axis, or ``p > 0.5``
    for one output unit.  Use ``np.argmax(model.predict(x), axis=-1)`` or
    ``(model.predict(x) > 0.5).astype("int32")``."""
    warn_once(("method", "predict_classes"), "`model.predict_classes()` is deprecated (removed in Keras 2.6); "
              "use `np.argmax(model.predict(x), axis=-1)` (softmax) or `(model.predict(x) > 0.5)"
              ".astype('int32')` (sigmoid).")
    proba = self.predict(x, batch_size=batch_size, verbose=verbose)
    if proba.shape[-1] > 1:
        return proba.argmax(axis=-1)
    return (proba > 0.5).astype("int32")


def predict_proba(self, x, batch_size=32, verbose=0):
    """Keras 1/2 (Sequential): ``predict``, warning if the outputs are not probabilities."""
    warn_once(("method", "predict_proba"), "`model.predict_proba()` is deprecated (removed in Keras 2.6); "
              "use `model.predict()`.")
    preds = self.predict(x, batch_size=batch_size, verbose=verbose)
    if np.min(preds) < 0.0 or np.max(preds) > 1.0:
        warnings.warn("Network returning invalid probability values. The last layer might not normalize "
                      "predictions into probabilities (like softmax or sigmoid would).", UserWarning,
                      stacklevel=2)
    return preds


def to_yaml(self, **kwargs):
    """The model's config as YAML (Keras 1/2; read back with ``cornu.models.model_from_yaml``)."""
    from cornu.saving import model_to_yaml  # noqa: PLC0415 - same stratum, loaded on demand

    return model_to_yaml(self, **kwargs)


def reset_states(self):
    """Keras 2: zero the states of every stateful layer of the model (stateful RNNs).
    Keras 3 removed it; call ``layer.reset_state()`` on the stateful layers."""
    warn_once(("method", "reset_states"), "`model.reset_states()` is deprecated (removed in Keras 3); call "
              "`layer.reset_state()` on each stateful layer.")
    for layer in self._flatten_layers(include_self=False):
        if getattr(layer, "stateful", False) is True and hasattr(layer, "reset_state"):
            layer.reset_state()


METHODS = {"fit_generator": fit_generator, "evaluate_generator": evaluate_generator,
           "predict_generator": predict_generator, "predict_classes": predict_classes,
           "predict_proba": predict_proba, "to_yaml": to_yaml, "reset_states": reset_states}

# Names Keras 2 users import from ``keras.models``, served from ``cornu.saving`` on first use.
MODELS_NAMES = ("load_model", "save_model", "model_from_json", "model_from_yaml", "model_from_config",
                "clone_model")


def install():
    """Add the methods to ``Model`` and the saving functions to ``cornu.models`` (missing ones only)."""
    import cornu.models as models  # noqa: PLC0415

    for name, fn in METHODS.items():
        if not hasattr(models.Model, name):
            setattr(models.Model, name, fn)
    if "_cornu_legacy_saving_names" in models.__dict__:
        return
    previous = models.__dict__.get("__getattr__")

    def __getattr__(name):
        if name in MODELS_NAMES:
            import cornu.saving as saving  # noqa: PLC0415

            return getattr(saving, name)
        if previous is not None:
            return previous(name)
        raise AttributeError(f"module 'cornu.models' has no attribute {name!r}")

    models.__dict__["__getattr__"] = __getattr__
    models.__dict__["_cornu_legacy_saving_names"] = True


__all__ = ["fit_generator", "evaluate_generator", "predict_generator", "predict_classes", "predict_proba",
           "to_yaml", "reset_states", "install"]
