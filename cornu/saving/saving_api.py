"""``save_model``, ``load_model``, ``save_weights``, ``load_weights``: the format dispatch.

Formats are chosen by extension when writing (``.keras`` zip; ``.h5`` /
``.hdf5`` legacy Keras 2 layout; ``.weights.h5`` Keras 3 weights layout) and
by content when reading (zip, unzipped folder, or HDF5 of either layout),
so Keras 2 habits (``model.save("m.h5")``, ``save_weights("w.h5")``) keep
working.  Every write is atomic; every read goes through the file guards and
runs under ``SafeModeScope(safe_mode)`` with the custom objects in scope.
Errors met while reading a malformed file surface as ``LoadError`` (a
``ValueError``).
"""
import contextlib
import os
import warnings

from cornu.saving import archive, assets, h5_guard, legacy_h5, sharded
from cornu.saving.atomic import atomic_directory, atomic_path, confirm_overwrite
from cornu.saving.errors import LoadError
from cornu.saving.model_config import build_model, compile_from_config, loading_scopes, model_archive_config
from cornu.saving.weights_io import WeightsLoader, find_named_groups, write_weights

_H5_SUFFIXES = (".h5", ".hdf5", ".keras.h5")


def _is_path(x):
    return isinstance(x, (str, os.PathLike))


def _suffix(filepath):
    return str(filepath).lower() if _is_path(filepath) else ""


def _model_from_hook(model):
    if not hasattr(model, "get_config") or not hasattr(model, "compile"):
        raise TypeError(f"Expected a cornu model; received {type(model).__name__}.")


# -- saving ------------------------------------------------------------------------------
def save_model(model, filepath, overwrite=True, zipped=None, include_optimizer=True, save_format=None,
               **kwargs):
    """Save a model: architecture, weights and (when compiled) optimizer state.

    Args:
        model: the model.
        filepath: ``.keras`` (native zip, the default), ``.h5``/``.hdf5``
            (legacy Keras 2 layout), or a writable binary file object
            (written as ``.keras``).
        overwrite: with False, an existing file is not replaced (asked on a
            terminal, otherwise ``FileExistsError``).
        zipped: ``False`` writes the ``.keras`` members into a folder.
        include_optimizer: save the optimizer state and training config.
        save_format: Keras 2's argument: ``"keras"``, ``"h5"`` or None;
            ``"tf"`` (SavedModel) is not supported.
    """
    _model_from_hook(model)
    kwargs.pop("signatures", None)
    kwargs.pop("options", None)
    if kwargs:
        raise TypeError(f"save_model() got unexpected keyword arguments: {sorted(kwargs)}")
    if save_format not in (None, "keras", "h5", "hdf5", "keras_v3"):
        raise ValueError(
            f"save_format={save_format!r} is not supported: cornu saves the native `.keras` format or "
            "legacy `.h5`. TensorFlow SavedModel (`save_format='tf'`) cannot be written.")
    as_h5 = save_format in ("h5", "hdf5") or _suffix(filepath).endswith(_H5_SUFFIXES)
    if not _is_path(filepath):
        if as_h5:
            raise ValueError("Saving legacy `.h5` models to file objects is not supported; use a path.")
        archive.write_archive(filepath, model_archive_config(model),
                              lambda h5: write_weights(h5, model, include_optimizer),
                              lambda folder: assets.write_assets(model, folder))
        return
    filepath = os.fspath(filepath)
    if not confirm_overwrite(filepath, overwrite):
        return
    if as_h5:
        import h5py  # noqa: PLC0415

        with atomic_path(filepath) as tmp:
            with h5py.File(tmp, "w") as h5:
                legacy_h5.save_legacy_model(h5, model, include_optimizer)
        return
    if not _suffix(filepath).endswith(".keras") and zipped is not False:
        warnings.warn(
            f"{filepath!r} has no `.keras` extension; the model is saved in the native `.keras` zip "
            "format anyway (Keras 2's TensorFlow SavedModel format is not supported).", stacklevel=2)
    config = model_archive_config(model)
    if zipped is False:
        with atomic_directory(filepath) as folder:
            archive.write_directory(folder, config, lambda h5: write_weights(h5, model, include_optimizer),
                                    lambda folder: assets.write_assets(model, folder))
        return
    with atomic_path(filepath) as tmp:
        archive.write_archive(tmp, config, lambda h5: write_weights(h5, model, include_optimizer),
                              lambda folder: assets.write_assets(model, folder))


def save_weights(model, filepath, overwrite=True, max_shard_size=None, **kwargs):
    """Save only the variables.

    ``.weights.h5`` (and names without an HDF5 suffix) use Keras 3's layout,
    optimizer state included when it exists; other ``.h5``/``.hdf5`` names
    use Keras 2's ``layer_names``/``weight_names`` layout.  With
    ``max_shard_size`` (in GB) the weights are split as Keras 3 does: an index
    ``x.weights.json`` and shards ``x_00000.weights.h5``... beside it.
    """
    _model_from_hook(model)
    kwargs.pop("save_format", None)
    kwargs.pop("options", None)
    if kwargs:
        raise TypeError(f"save_weights() got unexpected keyword arguments: {sorted(kwargs)}")
    filepath = os.fspath(filepath)
    if max_shard_size is not None:
        index_path = sharded.sharded_index_path(filepath)
        if confirm_overwrite(index_path, overwrite):
            sharded.save_sharded(index_path, lambda h5: write_weights(h5, model, include_optimizer=True),
                                 max_shard_size)
        return
    if filepath.endswith(".weights.json"):
        raise ValueError(f"The filename must end in `.weights.h5` (or pass `max_shard_size` to write sharded "
                         f"weights to a `.weights.json` index). Received: filepath={filepath}")
    if not confirm_overwrite(filepath, overwrite):
        return
    import h5py  # noqa: PLC0415

    legacy = _suffix(filepath).endswith(_H5_SUFFIXES) and not _suffix(filepath).endswith(".weights.h5")
    with atomic_path(filepath) as tmp:
        with h5py.File(tmp, "w") as h5:
            if legacy:
                legacy_h5.write_weights_group(h5, model)
            else:
                write_weights(h5, model, include_optimizer=True)


# -- loading ------------------------------------------------------------------------------
@contextlib.contextmanager
def _as_load_error(filepath):
    try:
        yield
    except LoadError:
        raise
    except FileNotFoundError:
        raise
    except ValueError:
        raise
    except Exception as e:  # noqa: BLE001 - whatever a malformed file triggers surfaces as LoadError
        raise LoadError(f"Could not load {filepath!r}: {type(e).__name__}: {e}") from e


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved by cornu or by Keras (``.keras`` from Keras 3, ``.h5`` from Keras 1-3).

    Args:
        filepath: a path (or a binary file object holding a ``.keras`` zip).
        custom_objects: ``{name: class_or_function}`` for your own classes.
        compile: compile the model with the saved training config and restore
            the optimizer state.
        safe_mode: refuse anything that would run code stored in the file
            (Lambda bytecode...). Pass False only for files you trust.

    Raises:
        LoadError: the file is malformed, or refused (``UnsafeFileError``).
    """
    if _is_path(filepath) and not os.path.exists(filepath):
        raise FileNotFoundError(f"File not found: filepath={filepath}. Please ensure the file is an "
                                "accessible `.keras` zip file or `.h5` file.")
    custom_scope, safe_scope = loading_scopes(custom_objects, safe_mode)
    with _as_load_error(filepath), custom_scope, safe_scope:
        if archive.is_archive(filepath):
            return _load_archive(filepath, custom_objects, compile)
        kind = h5_guard.sniff(os.fspath(filepath)) if _is_path(filepath) else None
        if kind == "hdf5":
            with h5_guard.open_h5(filepath) as h5:
                return legacy_h5.load_legacy_model(h5, custom_objects, compile)
        if _is_path(filepath) and os.path.isdir(filepath):
            raise LoadError(f"{filepath} is a folder (a TensorFlow SavedModel?); cornu loads `.keras` "
                            "archives and `.h5` files.")
        raise LoadError(f"File format not supported: filepath={filepath}. cornu loads `.keras` archives "
                        "(zip) and legacy `.h5` files.")


def _load_archive(source, custom_objects, compile):
    with archive.Archive(source) as arc:
        config = arc.config
        if not isinstance(config, dict):
            raise LoadError("config.json does not hold a model config object.")
        model = build_model(config, custom_objects)
        compile_config = config.get("compile_config")
        if compile and isinstance(compile_config, dict) and compile_config:  # Keras writes {} when not compiled
            compile_from_config(model, compile_config, custom_objects)
        if arc.weights_path is not None:
            with h5_guard.open_h5(arc.weights_path, "weights") as h5:
                WeightsLoader(h5).load_model(model, include_optimizer=compile)
        assets.load_assets(model, arc.assets_dir)
        return model


def load_weights(model, filepath, skip_mismatch=False, by_name=False, **kwargs):
    """Load variables saved by ``save_weights``/``save_model`` (cornu or Keras) into ``model``.

    Args:
        model: the model (built, or buildable from its input shape).
        filepath: ``.weights.h5`` / ``.keras`` (Keras 3 layout), a sharded ``.weights.json``
            index, or legacy ``.h5``.
        skip_mismatch: warn and skip layers whose weights do not match.
        by_name: match saved layers to ``model.layers`` by name (legacy
            files; for Keras 3 layouts, by the name stored with each layer).
    """
    _model_from_hook(model)
    kwargs.pop("options", None)
    if kwargs:
        raise TypeError(f"load_weights() got unexpected keyword arguments: {sorted(kwargs)}")
    if _is_path(filepath) and not os.path.exists(filepath):
        raise FileNotFoundError(f"File not found: filepath={filepath}.")
    if not model.built:
        raise ValueError(f"Model '{model.name}' is not built; build it (call it on data or "
                         "`model.build(input_shape)`) before `load_weights`.")
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and not optimizer.built and model.trainable_variables:
        optimizer.build(model.trainable_variables)
    with _as_load_error(filepath):
        if _is_path(filepath) and sharded.is_sharded_index(filepath):
            with sharded.open_sharded(filepath) as h5:
                _load_keras3_weights(h5, model, skip_mismatch, by_name)
            return
        if archive.is_archive(filepath):
            with archive.Archive(filepath) as arc:
                if arc.weights_path is None:
                    raise LoadError("The archive holds no weights.")
                with h5_guard.open_h5(arc.weights_path, "weights") as h5:
                    _load_keras3_weights(h5, model, skip_mismatch, by_name)
            return
        with h5_guard.open_h5(filepath) as h5:
            weights_root = h5_guard.child(h5, "model_weights")
            if weights_root is not None and h5_guard.is_group(weights_root):
                legacy_h5.load_weights_group(weights_root, model, by_name=by_name, skip_mismatch=skip_mismatch,
                                             keras_version=h5_guard.read_attr(h5, "keras_version"),
                                             backend_name=h5_guard.read_attr(h5, "backend"))
            elif legacy_h5.is_legacy_weights_root(h5):
                legacy_h5.load_weights_group(h5, model, by_name=by_name, skip_mismatch=skip_mismatch)
            else:
                _load_keras3_weights(h5, model, skip_mismatch, by_name)


def _load_keras3_weights(h5, model, skip_mismatch, by_name):
    loader = WeightsLoader(h5, skip_mismatch=skip_mismatch)
    if not by_name:
        loader.load_model(model)
        return
    named = find_named_groups(h5)
    for layer in model.layers:
        path = named.get(layer.name)
        if path is not None:
            loader.load_node(layer, path)
    loader.finish()


__all__ = ["save_model", "load_model", "save_weights", "load_weights"]
