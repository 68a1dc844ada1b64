"""Keras 1/2 argument names of ``fit`` mapped to the current ones (one warning each)."""
import warnings


def pop_legacy_fit_args(kwargs, epochs, steps_per_epoch, validation_steps):
    """Translate ``nb_epoch``, ``samples_per_epoch``, ``nb_val_samples`` and drop Keras 2 no-ops."""
    if "nb_epoch" in kwargs:
        warnings.warn("The `nb_epoch` argument in `fit` has been renamed `epochs`.",
                      DeprecationWarning, stacklevel=3)
        epochs = kwargs.pop("nb_epoch")
    if "samples_per_epoch" in kwargs:
        warnings.warn("`samples_per_epoch` is deprecated; use `steps_per_epoch` (batches per epoch).",
                      DeprecationWarning, stacklevel=3)
        steps_per_epoch = kwargs.pop("samples_per_epoch")
    if "nb_val_samples" in kwargs:
        warnings.warn("`nb_val_samples` is deprecated; use `validation_steps`.",
                      DeprecationWarning, stacklevel=3)
        validation_steps = kwargs.pop("nb_val_samples")
    for name in ("max_queue_size", "workers", "use_multiprocessing"):
        kwargs.pop(name, None)
    return epochs, steps_per_epoch, validation_steps
