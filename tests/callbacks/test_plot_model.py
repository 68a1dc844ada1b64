"""plot_model / model_to_dot: DOT structure (names, edges, shared layers, multi-input) and real image files."""
import builtins
import os
import shutil

import numpy as np
import pytest

import cornu
from cornu import layers

pydot = pytest.importorskip("pydot")
from cornu.visualization import model_to_dot, plot_model  # noqa: E402

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` program absent")


def _two_input_shared():
    a = layers.Input((4,), name="input_a")
    b = layers.Input((4,), name="input_b")
    shared = layers.Dense(3, activation="relu", name="shared")
    merged = layers.Concatenate(name="concat")([shared(a), shared(b)])
    out = layers.Dense(1, activation="sigmoid", name="head")(merged)
    return cornu.Model([a, b], out, name="siamese")


def _edges_by_name(dot):
    names = {}

    def collect(graph):
        for node in graph.get_nodes():
            label = node.get("label") or ""
            if "<b>" in label:
                names[node.get_name()] = label.split("<b>")[1].split(" (")[0].split("</b>")[0]
        for sub in graph.get_subgraphs():
            collect(sub)

    collect(dot)
    edges = []

    def collect_edges(graph):
        for e in graph.get_edges():
            edges.append((names[e.get_source()], names[e.get_destination()]))
        for sub in graph.get_subgraphs():
            collect_edges(sub)

    collect_edges(dot)
    return sorted(edges), names


def test_dot_has_every_layer_and_the_right_edges():
    model = _two_input_shared()
    dot = model_to_dot(model, show_shapes=True, show_dtype=True, show_layer_activations=True, show_trainable=True)
    edges, names = _edges_by_name(dot)
    assert sorted(names.values()) == sorted(layer.name for layer in model.layers)
    assert edges == sorted([("input_a", "shared"), ("input_b", "shared"), ("shared", "concat"),
                            ("shared", "concat"), ("concat", "head")])
    source = dot.to_string()
    for layer in model.layers:
        assert f"{layer.name} ({type(layer).__name__})" in source
    assert "Output shape: (None, 1)" in source and "Input shape: multiple" in source  # shared -> multiple
    assert "Activation: sigmoid" in source and "Trainable: True" in source and "Output dtype: float32" in source
    assert "rankdir=TB" in source.replace(" ", "")


def test_sequential_and_nested_expansion():
    inner = cornu.Sequential([layers.Input((3,)), layers.Dense(2, name="inner_a"), layers.Dense(2, name="inner_b")],
                             name="inner")
    x = layers.Input((3,), name="x")
    y = layers.Dense(1, name="final")(inner(x))
    model = cornu.Model(x, y)
    collapsed, names = _edges_by_name(model_to_dot(model))
    assert collapsed == [("inner", "final"), ("x", "inner")]
    expanded, names = _edges_by_name(model_to_dot(model, expand_nested=True, show_layer_names=True))
    assert expanded == sorted([("x", "inner_a"), ("inner_a", "inner_b"), ("inner_b", "final")])
    seq = cornu.Sequential([layers.Input((3,)), layers.Dense(2, name="d1"), layers.Dense(1, name="d2")])
    edges, names = _edges_by_name(model_to_dot(seq, rankdir="LR"))
    assert edges == [("d1", "d2")] and sorted(names.values()) == ["d1", "d2"]
    no_names = model_to_dot(seq, show_layer_names=False).to_string()
    assert "<b>Dense</b>" in no_names and "d1" not in no_names


@needs_dot
@pytest.mark.parametrize("ext", ["png", "svg", "pdf"])
def test_plot_model_writes_images(tmp_path, ext):
    model = _two_input_shared()
    path = tmp_path / "sub" / f"model.{ext}"
    plot_model(model, to_file=str(path), show_shapes=True, dpi=96)
    data = path.read_bytes()
    if ext == "png":
        pil = pytest.importorskip("PIL.Image")
        image = pil.open(path)
        image.load()
        width, height = image.size
        assert 150 < width < 3000 and 200 < height < 4000 and height > width * 0.8  # top-to-bottom graph
        pixels = np.asarray(image.convert("L"))
        assert pixels.min() < 80 and pixels.max() > 200  # text on a light background
    elif ext == "svg":
        text = data.decode()
        assert "<svg" in text and "shared (Dense)" in text and "concat (Concatenate)" in text
    else:
        assert data.startswith(b"%PDF") and len(data) > 1000


def test_clear_errors_when_pydot_or_graphviz_missing(monkeypatch, tmp_path):
    model = _two_input_shared()
    real_import = builtins.__import__

    def no_pydot(name, *args, **kwargs):
        if name == "pydot":
            raise ImportError("No module named 'pydot'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pydot)
    with pytest.raises(ImportError, match=r"install pydot"):
        plot_model(model, to_file=str(tmp_path / "m.png"))
    monkeypatch.setattr(builtins, "__import__", real_import)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ImportError, match=r"install graphviz \(the `dot` program"):
        plot_model(model, to_file=str(tmp_path / "m.png"))
    assert not os.path.exists(tmp_path / "m.png")
