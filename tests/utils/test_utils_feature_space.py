"""keras.utils.FeatureSpace: encodings checked against NumPy definitions (and against the
component layers for hashes), dict/concat modes, scalar calls, functional models, errors,
config and .keras round trips, and a FeatureSpace file written by real Keras 3.15.1."""
import pathlib

import numpy as np
import pytest

import cornu
from cornu import backend, layers
from cornu.utils import FeatureSpace

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "feature_space_keras.keras"
RAW = {"f": np.array([0.0, 1.0, 2.0, 5.0, 7.0]),
       "s": np.array(["x", "y", "x", "z", "x"]),
       "i": np.array([3, 3, 8, 3, 8])}


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


def _one_hot(idx, depth):
    return np.eye(depth, dtype="float32")[np.asarray(idx).reshape(-1)]


def test_concat_mode_matches_the_definitions():
    fs = FeatureSpace({"f": "float_normalized", "s": "string_categorical", "i": "integer_categorical"},
                      crosses=[("s", "i")], crossing_dim=8, output_mode="concat")
    fs.adapt(RAW)
    out = _np(fs(RAW))
    f = RAW["f"]
    normalized = ((f - f.mean()) / np.sqrt(f.var()))[:, None]
    s_idx = np.array([{"x": 1, "y": 3, "z": 2}.get(v, 0) for v in RAW["s"]])  # by count, then token descending
    i_idx = np.array([{3: 1, 8: 2}[v] for v in RAW["i"]])
    cross = _np(layers.HashedCrossing(8)([s_idx[:, None], i_idx[:, None]])).reshape(-1)
    expected = np.concatenate([normalized, _one_hot(i_idx, 3), _one_hot(s_idx, 4), _one_hot(cross, 8)], axis=1)
    assert out.dtype == np.float32 and out.shape == (5, 1 + 3 + 4 + 8)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    single = _np(fs({"f": 2.0, "s": "z", "i": 8}))
    assert single.shape == (16,)
    np.testing.assert_allclose(single[:8], np.concatenate([[(2.0 - f.mean()) / np.sqrt(f.var())], [0, 0, 1],
                                                            [0, 0, 1, 0]]), rtol=1e-5)


def test_dict_mode_int_outputs_rescaling_discretization_and_hashing():
    fs = FeatureSpace({"r": FeatureSpace.float_rescaled(scale=0.5, offset=1.0),
                       "d": FeatureSpace.float_discretized(num_bins=None, bin_boundaries=[1.0, 4.0]),
                       "h": FeatureSpace.string_hashed(num_bins=5, output_mode="int"),
                       "p": "float"},
                      crosses=[FeatureSpace.cross(("d", "h"), crossing_dim=6, output_mode="int")], output_mode="dict")
    data = {"r": RAW["f"], "d": RAW["f"], "h": RAW["s"], "p": RAW["f"]}
    out = fs(data)
    assert sorted(out) == ["d", "d_X_h", "h", "p", "r"]
    np.testing.assert_allclose(_np(out["r"]), RAW["f"][:, None] * 0.5 + 1.0)
    np.testing.assert_allclose(_np(out["p"]), RAW["f"][:, None])
    np.testing.assert_array_equal(_np(out["d"]), _one_hot(np.digitize(RAW["f"], [1.0, 4.0]), 3))
    hashed = _np(layers.Hashing(num_bins=5)(RAW["s"][:, None]))
    np.testing.assert_array_equal(_np(out["h"]), hashed)
    cross = _np(layers.HashedCrossing(6)([np.digitize(RAW["f"], [1.0, 4.0])[:, None], hashed]))
    np.testing.assert_array_equal(_np(out["d_X_h"]), cross)
    scalar = fs({"r": 2.0, "d": 2.0, "h": "x", "p": 1.0})
    assert _np(scalar["r"]).shape == (1,) and _np(scalar["d"]).tolist() == [0.0, 1.0, 0.0]


def test_integer_hashed_and_custom_feature():
    fs = FeatureSpace({"n": FeatureSpace.integer_hashed(num_bins=4),
                       "t": FeatureSpace.feature(dtype="string", preprocessor=layers.StringLookup(
                           vocabulary=["x", "y"]), output_mode="one_hot")})
    out = _np(fs({"n": RAW["i"], "t": RAW["s"]}))
    hashed = _np(layers.Hashing(num_bins=4)(RAW["i"][:, None]))
    t_idx = np.array([{"x": 1, "y": 2}.get(v, 0) for v in RAW["s"]])
    np.testing.assert_array_equal(out, np.concatenate([_one_hot(hashed, 4), _one_hot(t_idx, 3)], axis=1))


def test_functional_model_from_the_encoded_features_trains():
    fs = FeatureSpace({"f": "float_normalized", "s": "string_categorical", "i": "integer_categorical"},
                      crosses=[("s", "i")], crossing_dim=4)
    fs.adapt(RAW)
    inputs = fs.get_inputs()
    assert sorted(inputs) == ["f", "i", "s"] and inputs["s"].dtype == "string"
    encoded = fs.get_encoded_features()
    assert tuple(encoded.shape) == (None, 1 + 3 + 4 + 4)
    model = cornu.Model(inputs, layers.Dense(1)(encoded))
    model.compile(optimizer="adam", loss="mse")
    x = {k: v[:, None] for k, v in RAW.items()}
    history = model.fit(x, np.arange(5.0), epochs=2, batch_size=5, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    direct = _np(fs(RAW))
    dense = model.layers[-1]
    kernel, bias = (_np(w) for w in dense.weights)
    np.testing.assert_allclose(_np(model.predict(x, verbose=0)), direct @ kernel + bias, rtol=1e-4, atol=1e-5)


def test_adapt_on_an_iterable_of_dict_batches():
    batches = [({k: v[:3] for k, v in RAW.items()}, np.zeros(3)), ({k: v[3:] for k, v in RAW.items()}, np.zeros(2))]
    a = FeatureSpace({"f": "float_normalized", "s": "string_categorical"})
    a.adapt(batches)
    b = FeatureSpace({"f": "float_normalized", "s": "string_categorical"})
    b.adapt(RAW)
    np.testing.assert_allclose(_np(a(RAW)), _np(b(RAW)), rtol=1e-6)


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="features"):
        FeatureSpace({})
    with pytest.raises(ValueError, match="Invalid feature type for feature 'a'"):
        FeatureSpace({"a": "floaty"})
    with pytest.raises(ValueError, match="unknown features"):
        FeatureSpace({"a": "float"}, crosses=[("a", "b")])
    with pytest.raises(ValueError, match="output_mode"):
        FeatureSpace({"a": "float"}, output_mode="list")
    with pytest.raises(ValueError, match="output_mode"):
        FeatureSpace.cross(("a", "b"), 4, output_mode="multi_hot")
    fs = FeatureSpace({"f": "float_normalized"})
    with pytest.raises(ValueError, match="adapt"):
        fs({"f": RAW["f"]})
    fs.adapt({"f": RAW["f"]})
    with pytest.raises(ValueError, match="only be called with a dict"):
        fs(RAW["f"])
    with pytest.raises(ValueError, match="misses features"):
        fs({"g": RAW["f"]})
    with pytest.raises(ValueError, match="adapt"):
        fs.adapt([1, 2, 3])
    bad = FeatureSpace({"s": FeatureSpace.string_hashed(4, output_mode="int")}, output_mode="concat")
    with pytest.raises(ValueError, match="Cannot concatenate features because feature 's'"):
        bad({"s": RAW["s"]})


def test_config_and_keras_file_round_trip(tmp_path):
    fs = FeatureSpace({"f": "float_normalized", "s": "string_categorical", "i": "integer_categorical",
                       "d": "float_discretized"}, crosses=[("s", "i")], crossing_dim=8, num_discretization_bins=3)
    data = dict(RAW, d=np.array([0.5, 3.0, 1.0, 9.0, 4.0]))
    fs.adapt(data)
    config = fs.get_config()
    assert set(config) == {"features", "output_mode", "crosses", "crossing_dim", "hashing_dim",
                           "num_discretization_bins"}
    assert config["features"]["s"]["class_name"] == "Feature"
    clone = FeatureSpace.from_config(config)
    assert sorted(clone.features) == sorted(fs.features) and clone.crosses[0].name == "s_X_i"
    path = tmp_path / "fs.keras"
    fs.save(path)
    loaded = cornu.saving.load_model(path)  # found under keras.utils, as Keras does
    assert isinstance(loaded, FeatureSpace)
    np.testing.assert_allclose(_np(loaded(data)), _np(fs(data)), rtol=1e-6)


def test_loads_a_feature_space_saved_by_keras():
    loaded = cornu.saving.load_model(FIXTURE)
    x = np.array([-1.0, 0.5, 1.5, 3.0])
    out = _np(loaded({"a": x, "b": x, "c": x, "d": x}))
    expected = np.concatenate([x[:, None], 2 * x[:, None] + 1, (x[:, None] - 2.0) / 2.0,
                               _one_hot(np.digitize(x, [0.0, 1.0, 2.0]), 4)], axis=1)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
