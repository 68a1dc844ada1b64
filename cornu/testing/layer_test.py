"""``run_layer_test``: one declaration checks a layer end to end.

A layer test states the constructor arguments and an input shape (or data);
the harness then checks, on the engine in use:

1. construction and build (weight counts, seed generators, masking support,
   optionally the names and shapes of the weights in order);
2. the eager call (output shape, dtype, values when given);
3. the symbolic call on ``KerasTensor`` inputs agrees with the eager shapes,
   also with an unknown batch dimension;
4. ``compute_output_shape`` agrees with the eager shapes;
5. the config round trip: ``from_config(get_config())`` (and the serialized
   form) gives a layer whose config is identical and which, given the same
   weights through ``get_weights``/``set_weights``, gives the same outputs;
6. one training step: the layer inside a small model ending in ``Dense(1)``,
   compiled with SGD and MSE and fitted one epoch on tiny random data: the loss
   is finite and every trainable weight of the layer changed.
"""
import json
import math

import numpy as np

from cornu import backend, serialization
from cornu.utils import tree

_MISSING = object()


def run_layer_test(layer_cls, init_kwargs=None, input_shape=None, input_dtype="float32",
                   input_data=None, call_kwargs=None, expected_output_shape=None,
                   expected_output_dtype=None, expected_output=None,
                   expected_num_trainable_weights=None, expected_num_non_trainable_weights=None,
                   expected_num_non_trainable_variables=None, expected_num_seed_generators=None,
                   expected_num_losses=None, expected_weights=None, supports_masking=None,
                   run_training_check=True, run_symbolic_check=True, run_unknown_batch_check=True,
                   run_serialization_check=True, custom_objects=None, rtol=1e-5, atol=1e-5,
                   seed=1337):
    """Check a layer class through build, calls, config, weights and training.

    Args:
        layer_cls: the layer class under test.
        init_kwargs: constructor keyword arguments.
        input_shape: the full input shape including the batch size; for layers
            taking several inputs, a list of shapes (passed as one list) or a
            dict of shapes (passed as keyword arguments of ``call``).
        input_dtype: dtype of the random data generated from ``input_shape``
            (a structure matching it, or one name for all).
        input_data: NumPy data to use instead of random data (same structure
            rules as ``input_shape``).
        call_kwargs: extra keyword arguments for every call (e.g. ``training``).
        expected_output_shape: the eager output shape (a structure for several).
        expected_output_dtype: the output dtype name.
        expected_output: NumPy values the eager output must match.
        expected_num_trainable_weights, expected_num_non_trainable_weights:
            weight counts after build.
        expected_num_non_trainable_variables: non-trainable variables
            (non-trainable weights plus seed states).
        expected_num_seed_generators: number of ``SeedGenerator``s owned.
        expected_num_losses: ``len(layer.losses)`` after the eager call.
        expected_weights: list of ``(name, shape)`` for ``layer.weights`` in
            order, as Keras 3 names and orders them.
        supports_masking: expected value of ``layer.supports_masking``.
        run_training_check: run the one-step training check.
        run_symbolic_check: compare the symbolic call with the eager one.
        run_unknown_batch_check: also call symbolically with batch size None.
        run_serialization_check: check the config and weights round trips.
        custom_objects: passed to deserialization for unregistered classes.
        rtol, atol: tolerances of the numeric comparisons.
        seed: NumPy seed of the generated data.

    Returns:
        The layer instance built and called during the test.
    """
    init_kwargs = dict(init_kwargs or {})
    call_kwargs = dict(call_kwargs or {})
    if input_shape is None and input_data is None:
        raise ValueError(
            f"run_layer_test({layer_cls.__name__}): pass `input_shape` or `input_data`; received neither."
        )
    if input_data is None:
        input_data = _random_data(input_shape, input_dtype, np.random.default_rng(seed))
    input_data = tree.map_structure(np.asarray, input_data)
    shapes = tree.map_structure(lambda a: tuple(a.shape), input_data)
    name = layer_cls.__name__

    # 1. construction and build ------------------------------------------------------
    layer = layer_cls(**init_kwargs)
    if supports_masking is not None:
        _check(bool(layer.supports_masking) == bool(supports_masking),
               f"{name}.supports_masking is {layer.supports_masking}, expected {supports_masking}")
    build_shape = shapes if not isinstance(shapes, dict) else None
    if build_shape is not None:
        layer.build(build_shape)
        layer.built = True
    _check_counts(layer, name, expected_num_trainable_weights, expected_num_non_trainable_weights,
                  expected_num_non_trainable_variables, expected_num_seed_generators, stage="build")

    # 2. eager call --------------------------------------------------------------------
    layer = layer_cls(**init_kwargs)  # a fresh one, built by its first call
    output = _call(layer, input_data, call_kwargs)
    out_np = tree.map_structure(_to_numpy, output)
    out_shapes = tree.map_structure(lambda a: tuple(a.shape), out_np)
    if expected_output_shape is not None:
        _check(_same_shapes(out_shapes, expected_output_shape),
               f"{name}: eager output shape {out_shapes}, expected {expected_output_shape}")
    if expected_output_dtype is not None:
        for a in tree.flatten(output):
            got = backend.standardize_dtype(a.dtype)
            _check(got == expected_output_dtype, f"{name}: output dtype {got}, expected {expected_output_dtype}")
    if expected_output is not None:
        _assert_close(out_np, expected_output, rtol, atol, f"{name}: eager output differs from expected")
    _check_counts(layer, name, expected_num_trainable_weights, expected_num_non_trainable_weights,
                  expected_num_non_trainable_variables, expected_num_seed_generators, stage="call")
    if expected_num_losses is not None:
        _check(len(layer.losses) == expected_num_losses,
               f"{name}: {len(layer.losses)} losses after the call, expected {expected_num_losses}")
    if expected_weights is not None:
        got = [(_short_name(v), tuple(v.shape)) for v in layer.weights]
        want = [(n, tuple(s)) for n, s in expected_weights]
        _check(got == want, f"{name}: weights (name, shape) in order are {got}, expected {want}")

    # 3./4. symbolic call and compute_output_shape --------------------------------------
    if run_symbolic_check:
        _check_symbolic(layer_cls, init_kwargs, shapes, input_data, call_kwargs, out_shapes, name,
                        run_unknown_batch_check)
        if not isinstance(shapes, dict):
            try:
                computed = layer.compute_output_shape(shapes)
            except NotImplementedError:
                computed = _MISSING
            if computed is not _MISSING:
                _check(_same_shapes(_as_shape_structure(computed), out_shapes),
                       f"{name}: compute_output_shape gives {computed}, the eager output has {out_shapes}")

    # 5. config and weights round trips -------------------------------------------------
    if run_serialization_check:
        _check_round_trip(layer, layer_cls, input_data, call_kwargs, out_np, name, custom_objects,
                          rtol, atol)

    # 6. one training step -------------------------------------------------------------
    if run_training_check:
        _check_training(layer_cls, init_kwargs, input_data, call_kwargs, name, seed)
    return layer


# -- pieces -------------------------------------------------------------------------
class LayerTestFailure(AssertionError):
    """A check of ``run_layer_test`` failed."""


def _check(condition, message):
    if not condition:
        raise LayerTestFailure(message)


def _is_shape(s):
    return isinstance(s, (tuple, list)) and all(d is None or isinstance(d, (int, np.integer)) for d in s)


def _random_data(input_shape, input_dtype, rng):
    def make(shape, dtype):
        dtype = backend.standardize_dtype(dtype)
        if dtype == "bool":
            return rng.random(shape) > 0.5
        if backend.is_float_dtype(dtype):
            return rng.standard_normal(shape).astype(dtype)
        return rng.integers(0, 4, size=shape).astype(dtype)

    if _is_shape(input_shape):
        return make(tuple(input_shape), input_dtype)
    if isinstance(input_shape, dict):
        return {k: make(tuple(s), input_dtype[k] if isinstance(input_dtype, dict) else input_dtype)
                for k, s in input_shape.items()}
    dtypes = input_dtype if isinstance(input_dtype, (list, tuple)) else [input_dtype] * len(input_shape)
    return [make(tuple(s), d) for s, d in zip(input_shape, dtypes)]


def _to_tensors(data):
    return tree.map_structure(backend.convert_to_tensor, data)


def _call(layer, data, call_kwargs):
    if isinstance(data, dict):
        return layer(**_to_tensors(data), **call_kwargs)
    return layer(_to_tensors(data), **call_kwargs)


def _to_numpy(x):
    return np.asarray(backend.convert_to_numpy(x))


def _short_name(v):
    return v.name.split("/")[-1]


def _as_shape_structure(s):
    if _is_shape(s):
        return tuple(None if d is None else int(d) for d in s)
    if isinstance(s, dict):
        return {k: _as_shape_structure(v) for k, v in s.items()}
    return [_as_shape_structure(v) for v in s]


def _same_shapes(a, b):
    if _is_shape(a) and _is_shape(b):
        return tuple(a) == tuple(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_shapes(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same_shapes(x, y) for x, y in zip(a, b))
    return False


def _assert_close(actual, expected, rtol, atol, message):
    actual_flat = [np.asarray(a) for a in tree.flatten(actual)]
    expected_flat = [np.asarray(e) for e in tree.flatten(expected)]
    _check(len(actual_flat) == len(expected_flat), f"{message}: output structures differ")
    for a, e in zip(actual_flat, expected_flat):
        try:
            np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)
        except AssertionError as err:
            raise LayerTestFailure(f"{message}\n{err}") from None


def _check_counts(layer, name, n_trainable, n_non_trainable, n_non_trainable_vars, n_seeds, stage):
    where = f"{name} after {stage}"
    if n_trainable is not None:
        got = len(layer.trainable_weights)
        _check(got == n_trainable, f"{where}: {got} trainable weights, expected {n_trainable}")
    if n_non_trainable is not None:
        got = len(layer.non_trainable_weights)
        _check(got == n_non_trainable, f"{where}: {got} non-trainable weights, expected {n_non_trainable}")
    if n_non_trainable_vars is not None:
        got = len(layer.non_trainable_variables)
        _check(got == n_non_trainable_vars,
               f"{where}: {got} non-trainable variables, expected {n_non_trainable_vars}")
    if n_seeds is not None:
        got = sum(len(sub._seed_generators) for sub in layer._flatten_layers())
        _check(got == n_seeds, f"{where}: {got} seed generators, expected {n_seeds}")


def _symbolic_inputs(shapes, data, drop_batch):
    from cornu.backend import KerasTensor  # noqa: PLC0415

    def make(shape, array):
        shape = tuple(shape)
        if drop_batch and shape:
            shape = (None,) + shape[1:]
        return KerasTensor(shape, dtype=backend.standardize_dtype(array.dtype))

    if isinstance(shapes, dict):
        return {k: make(shapes[k], data[k]) for k in shapes}
    if _is_shape(shapes):
        return make(shapes, data)
    return [make(s, d) for s, d in zip(shapes, data)]


def _check_symbolic(layer_cls, init_kwargs, shapes, data, call_kwargs, out_shapes, name, unknown_batch):
    variants = [False, True] if unknown_batch else [False]
    for drop_batch in variants:
        layer = layer_cls(**init_kwargs)
        inputs = _symbolic_inputs(shapes, data, drop_batch)
        if isinstance(inputs, dict):
            out = layer(**inputs, **call_kwargs)
        else:
            out = layer(inputs, **call_kwargs)
        got = tree.map_structure(lambda t: tuple(t.shape), out)
        want = out_shapes
        if drop_batch:
            want = tree.map_structure(lambda s: (None,) + tuple(s[1:]) if len(s) else s, out_shapes) \
                if not _is_shape(out_shapes) else ((None,) + tuple(out_shapes[1:]) if out_shapes else ())
        _check(_same_shapes(_as_shape_structure(got), _as_shape_structure(want)),
               f"{name}: symbolic output shape {got} (batch {'None' if drop_batch else 'known'}) "
               f"differs from the expected {want}")


def _check_round_trip(layer, layer_cls, data, call_kwargs, out_np, name, custom_objects, rtol, atol):
    config = layer.get_config()
    try:
        json.dumps(config)
    except TypeError as err:
        raise LayerTestFailure(f"{name}.get_config() is not JSON-serializable: {err}") from None
    revived = layer_cls.from_config(config)
    _check(revived.get_config() == config,
           f"{name}: from_config(get_config()).get_config() differs:\n{revived.get_config()}\nvs\n{config}")
    serialized = serialization.serialize_keras_object(layer)
    try:
        json.dumps(serialized)
    except TypeError as err:
        raise LayerTestFailure(f"{name}: serialize_keras_object output is not JSON-serializable: {err}") from None
    from cornu.layers.deserialize import deserialize_layer as _deserialize_layer  # noqa: PLC0415

    again = _deserialize_layer(serialized, custom_objects=custom_objects)
    _check(type(again) is type(layer), f"{name}: deserializing gave {type(again).__name__}")
    _check(again.get_config() == config, f"{name}: the deserialized layer's config differs")
    # Same weights -> same outputs.
    _call(revived, data, call_kwargs)
    _check(len(revived.weights) == len(layer.weights),
           f"{name}: the revived layer has {len(revived.weights)} weights, the original {len(layer.weights)}")
    try:
        revived.set_weights(layer.get_weights())
    except ValueError as err:
        raise LayerTestFailure(f"{name}: the revived layer cannot take the original's weights: {err}") from None
    for a, b in zip(revived.get_weights(), layer.get_weights()):
        _check(np.array_equal(a, b), f"{name}: set_weights(get_weights()) did not copy the weights")
    revived_out = tree.map_structure(_to_numpy, _call(revived, data, call_kwargs))
    _assert_close(revived_out, out_np, rtol, atol,
                  f"{name}: the revived layer with copied weights gives different outputs")


def _check_training(layer_cls, init_kwargs, data, call_kwargs, name, seed):
    from cornu import layers as _layers  # noqa: PLC0415
    from cornu import models as _models  # noqa: PLC0415

    layer = layer_cls(**init_kwargs)

    def symbolic(array, input_name=None):
        return _layers.Input(shape=array.shape[1:], dtype=backend.standardize_dtype(array.dtype),
                             name=input_name)

    if isinstance(data, dict):
        inputs = {k: symbolic(v, k) for k, v in data.items()}
        out = layer(**inputs, **call_kwargs)
    elif isinstance(data, np.ndarray):
        inputs = symbolic(data)
        out = layer(inputs, **call_kwargs)
    else:
        inputs = [symbolic(v) for v in data]
        out = layer(inputs, **call_kwargs)
    out = tree.flatten(out)[0]
    if len(out.shape) > 2:
        out = _layers.Flatten()(out)  # (b, ...) -> (b, features)
    elif len(out.shape) < 2:
        out = _layers.Lambda(lambda t: t[:, None] if len(t.shape) == 1 else t[None, None])(out)
    out = _layers.Dense(1)(out)
    model = _models.Model(inputs, out)
    model.compile(optimizer="sgd", loss="mse")
    batch = int(tree.flatten(data)[0].shape[0])
    y = np.random.default_rng(seed + 1).standard_normal((batch, 1)).astype("float32")
    before = [np.array(w) for w in _weights_numpy(layer.trainable_weights)]
    history = model.fit(data, y, batch_size=batch, epochs=1, verbose=0, shuffle=False)
    loss = history.history["loss"][0]
    _check(math.isfinite(float(loss)), f"{name}: the training step gave a non-finite loss {loss}")
    after = _weights_numpy(layer.trainable_weights)
    for w, b, a in zip(layer.trainable_weights, before, after):
        _check(not np.array_equal(b, a), f"{name}: trainable weight {w.name!r} did not change in training")


def _weights_numpy(weights):
    return [np.array(backend.convert_to_numpy(w.value)) for w in weights]


__all__ = ["run_layer_test", "LayerTestFailure"]
