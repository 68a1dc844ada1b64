"""Legacy ``.h5`` files cornu writes for graphs calling nested models use Keras 2's node format
(what ``tf_keras`` itself writes: nested-model calls numbered from 1), and cornu reads them back."""
import json

import h5py
import numpy as np

import cornu
from cornu import layers, saving

from saving_helpers import FIXTURES, Dense, fixture_inputs, predict


def _model_config(path):
    with h5py.File(path, "r") as f:
        return json.loads(f.attrs["model_config"])


def nested_model():
    """A shared nested Functional called twice, a nested Sequential called twice (one call an output),
    and a Functional nesting that same Sequential; one output (Keras 2's checker compares one array)."""
    a, b = cornu.Input((3,), name="a"), cornu.Input((3,), name="b")
    fi = cornu.Input((3,))
    inner_f = cornu.Model(fi, Dense(4, activation="tanh", name="fd")(fi), name="inner_f")
    inner_s = cornu.Sequential([cornu.Input((4,)), Dense(2, name="sd")], name="inner_s")
    deep_in = cornu.Input((4,))
    deep = cornu.Model(deep_in, inner_s(Dense(4, name="dd")(deep_in)), name="deep")
    ha, hb = inner_f(a), inner_f(b)
    x = layers.Concatenate(name="cat")([inner_s(ha), deep(hb)])
    out = layers.Concatenate(name="out")([Dense(1, name="head")(x), inner_s(hb)])
    model = cornu.Model([a, b], out, name="outer")
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    return model, [rng.normal(size=(5, 3)).astype("float32") for _ in range(2)]


def test_resaved_keras2_nested_file_has_keras2s_own_graph_config(tmp_path):
    """tf_keras 2.21 wrote ``shared_nested.h5``; cornu's re-save has the same nodes and outputs."""
    source = FIXTURES / "keras2" / "shared_nested.h5"
    model = saving.load_model(source, compile=False)
    model.save(tmp_path / "again.h5")
    theirs, ours = _model_config(source)["config"], _model_config(tmp_path / "again.h5")["config"]
    assert {e["name"]: e["inbound_nodes"] for e in ours["layers"]} == \
        {e["name"]: e["inbound_nodes"] for e in theirs["layers"]}
    assert ours["input_layers"] == theirs["input_layers"] and ours["output_layers"] == theirs["output_layers"]
    again = saving.load_model(tmp_path / "again.h5")
    x = fixture_inputs("keras2", "shared_nested")
    np.testing.assert_allclose(predict(again, x), predict(model, x), rtol=1e-6, atol=1e-6)


def test_nested_models_are_numbered_as_keras2_does(tmp_path):
    model, xs = nested_model()
    model.save(tmp_path / "m.h5")
    config = _model_config(tmp_path / "m.h5")["config"]
    nodes = {e["name"]: e["inbound_nodes"] for e in config["layers"]}
    assert nodes["inner_f"] == [[["a", 0, 0, {}]], [["b", 0, 0, {}]]]
    # Keras 2: node 0 of a nested model is its own graph; its calls are nodes 1, 2...
    assert nodes["inner_s"] == [[["inner_f", 1, 0, {}]], [["inner_f", 2, 0, {}]]]
    assert nodes["deep"] == [[["inner_f", 2, 0, {}]]]
    assert nodes["cat"] == [[["inner_s", 1, 0, {}], ["deep", 1, 0, {}]]]
    assert nodes["out"] == [[["head", 0, 0, {}], ["inner_s", 2, 0, {}]]]
    deep = next(e for e in config["layers"] if e["name"] == "deep")
    deep_layers = {e["name"]: e["inbound_nodes"] for e in deep["config"]["layers"]}
    assert deep_layers["inner_s"] == [[["dd", 0, 0, {}]]]
    again = saving.load_model(tmp_path / "m.h5")
    np.testing.assert_allclose(predict(again, xs), predict(model, xs), rtol=1e-6, atol=1e-6)


def test_graphs_keras2_cannot_express_stay_in_keras3s_format(tmp_path):
    inner = cornu.Sequential([cornu.Input((2,)), Dense(2, name="d")], name="inner")
    x = cornu.Input((2,), name="x")
    model = cornu.Model(x, inner(x) + 1.0)  # an op node with a constant: no Keras 2 node list for it
    model.save(tmp_path / "m.h5")
    config = _model_config(tmp_path / "m.h5")["config"]
    assert all(isinstance(node, dict) for e in config["layers"] for node in e["inbound_nodes"])
    assert config["output_layers"][0][1] == 0
    data = np.ones((1, 2), "float32")
    np.testing.assert_allclose(predict(saving.load_model(tmp_path / "m.h5"), data), predict(model, data))
