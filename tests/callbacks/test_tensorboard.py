"""TensorBoard: event files read back by TensorBoard's own reader and served by the real server."""
import io
import json
import os
import urllib.parse

import numpy as np
import pytest
from callback_helpers import WeightsRecorder

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing import event_accumulator  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

import cornu  # noqa: E402
from cornu import callbacks, layers  # noqa: E402

EPOCHS, BATCH, N = 3, 16, 48  # 3 training batches per epoch


def _model():
    inp = layers.Input((5,), dtype="int32", name="tokens")
    h = layers.Embedding(10, 3, name="emb")(inp)
    h = layers.Flatten(name="flat")(h)
    h = layers.Dense(4, activation="relu", name="hidden")(h)
    out = layers.Dense(1, activation="sigmoid", name="out")(h)
    model = cornu.Model(inp, out, name="tb_model")
    rng = np.random.RandomState(0)
    model.set_weights([rng.randn(*w.shape).astype("float32") * 0.3 for w in model.get_weights()])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"], run_eagerly=True)
    return model


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    logdir = tmp_path_factory.mktemp("tb") / "logs"
    rng = np.random.RandomState(1)
    x = rng.randint(0, 10, (N + 16, 5)).astype("int32")
    y = (x.sum(axis=1, keepdims=True) > 22).astype("float32")
    model = _model()
    recorder = WeightsRecorder()
    batch_logs = []
    tb = callbacks.TensorBoard(str(logdir), histogram_freq=1, write_images=True, update_freq=2, embeddings_freq=1,
                               embeddings_metadata={"emb": "meta.tsv"})
    keep = callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: batch_logs.append(dict(logs)))
    history = model.fit(x[:N], y[:N], epochs=EPOCHS, batch_size=BATCH, verbose=0, shuffle=False,
                        validation_data=(x[N:], y[N:]), callbacks=[keep, recorder, tb])
    return dict(logdir=logdir, model=model, history=history.history, weights=recorder.weights,
                batch_logs=batch_logs)


def _accumulator(folder):
    acc = event_accumulator.EventAccumulator(str(folder), size_guidance={event_accumulator.TENSORS: 0})
    acc.Reload()
    return acc


def _series(acc, tag):
    return [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]


def test_epoch_scalars_equal_history(run):
    h = run["history"]
    train, val = _accumulator(run["logdir"] / "train"), _accumulator(run["logdir"] / "validation")
    for tag, key, acc in (("epoch_loss", "loss", train), ("epoch_accuracy", "accuracy", train),
                          ("epoch_loss", "val_loss", val), ("epoch_accuracy", "val_accuracy", val)):
        series = _series(acc, tag)
        assert [s for s, _ in series] == list(range(EPOCHS))
        np.testing.assert_array_equal([v for _, v in series], np.float32(h[key]))
    lr = _series(train, "epoch_learning_rate")
    np.testing.assert_allclose([v for _, v in lr], [0.001] * EPOCHS, rtol=1e-6)
    assert not any(t.startswith("epoch_val") for t in val.Tags()["tensors"])


def test_batch_scalars_every_update_freq_batches(run):
    train = _accumulator(run["logdir"] / "train")
    series = _series(train, "batch_loss")
    assert [s for s, _ in series] == [2, 4, 6, 8]  # global batch counter, 1-based
    expected = [run["batch_logs"][step - 1]["loss"] for step in (2, 4, 6, 8)]
    np.testing.assert_array_equal([v for _, v in series], np.float32(expected))
    val = _accumulator(run["logdir"] / "validation")
    evals = _series(val, "evaluation_loss_vs_iterations")
    assert [s for s, _ in evals] == [3, 6, 9]  # optimizer iterations at each evaluation
    np.testing.assert_array_equal([v for _, v in evals], np.float32(run["history"]["val_loss"]))


def test_weight_histograms_match_numpy(run):
    train = _accumulator(run["logdir"] / "train")
    tags = set(train.Tags()["tensors"])
    for name in ("emb/embeddings", "hidden/kernel", "hidden/bias", "out/kernel", "out/bias"):
        assert f"{name}/histogram" in tags
    for epoch in range(EPOCHS):
        kernel = run["weights"][epoch][1].astype(np.float64)  # hidden/kernel after this epoch
        step, buckets = _series(train, "hidden/kernel/histogram")[epoch]
        assert step == epoch and buckets.shape == (30, 3)
        counts, edges = np.histogram(kernel, bins=30, range=(kernel.min(), kernel.max()))
        np.testing.assert_allclose(buckets[:, 0], edges[:-1], rtol=1e-6)
        np.testing.assert_allclose(buckets[:, 1], edges[1:], rtol=1e-6)
        np.testing.assert_array_equal(buckets[:, 2], counts)


def test_weight_images(run):
    pil = pytest.importorskip("PIL.Image")
    train = _accumulator(run["logdir"] / "train")
    _, content = _series(train, "hidden/kernel/image")[-1]
    width, height = int(content[0]), int(content[1])
    kernel = run["weights"][-1][1]  # (15, 4): taller than wide, shown transposed
    assert (height, width) == (4, 15)
    image = np.asarray(pil.open(io.BytesIO(content[2])))
    expected = np.round((kernel.T - kernel.min()) / (kernel.max() - kernel.min()) * 255)
    np.testing.assert_array_equal(image.astype(int), expected.astype(int))
    _, bias = _series(train, "hidden/bias/image")[-1]
    assert (int(bias[0]), int(bias[1])) == (1, 4)  # a bias is one column
    assert "out/bias/image" not in train.Tags()["tensors"]  # a single value has no picture


def test_keras_graph_summary(run):
    train = _accumulator(run["logdir"] / "train")
    (step, content), = _series(train, "keras")
    assert step == 0
    config = json.loads(content.item().decode() if isinstance(content.item(), bytes) else content.item())
    assert config == json.loads(run["model"].to_json())
    names = [layer["config"]["name"] for layer in config["config"]["layers"]]
    assert names == ["tokens", "emb", "flat", "hidden", "out"]


def test_projector_files(run):
    from google.protobuf import text_format
    from tensorboard.plugins.projector import projector_config_pb2

    config = projector_config_pb2.ProjectorConfig()
    text_format.Parse((run["logdir"] / "projector_config.pbtxt").read_text(), config)
    (info,) = config.embeddings
    assert info.tensor_name == "emb/embeddings" and info.metadata_path == "meta.tsv"
    assert list(info.tensor_shape) == [10, 3]
    table = np.loadtxt(run["logdir"] / info.tensor_path, delimiter="\t", dtype=np.float32)
    np.testing.assert_array_equal(table, run["weights"][-1][0])


def test_argument_checks(tmp_path):
    with pytest.raises(ValueError, match="update_freq"):
        callbacks.TensorBoard(str(tmp_path), update_freq="sometimes")
    with pytest.warns(UserWarning, match="profiling"):
        callbacks.TensorBoard(str(tmp_path), profile_batch=2)
    with pytest.warns(DeprecationWarning, match="write_grads"):
        callbacks.TensorBoard(str(tmp_path), write_grads=True)
    model = _model()
    with pytest.raises(ValueError, match="Unrecognized `Embedding` layer names"):
        callbacks.TensorBoard(str(tmp_path), embeddings_freq=1, embeddings_metadata={"nope": "m.tsv"}).set_model(model)


# -- the real TensorBoard server ------------------------------------------------------------
@pytest.fixture(scope="module")
def server(run):
    from tensorboard_screenshot import tensorboard_server

    with tensorboard_server(run["logdir"]) as base:
        yield base


def test_server_serves_scalars_graph_and_projector(run, server):
    from tensorboard_screenshot import get, get_json, wait_for_scalars

    assert sorted(get_json(server + "/data/runs")) == ["train", "validation"]
    h = run["history"]
    for run_name, key in (("train", "loss"), ("validation", "val_loss"), ("validation", "val_accuracy")):
        tag = "epoch_" + key.removeprefix("val_")
        series = wait_for_scalars(server, run_name, tag, EPOCHS)
        assert [p[1] for p in series] == list(range(EPOCHS))
        np.testing.assert_array_equal(np.float32([p[2] for p in series]), np.float32(h[key]))
    query = urllib.parse.urlencode({"run": "train", "tag": "keras", "conceptual": "true"})
    graph = get(f"{server}/data/plugin/graphs/graph?{query}").decode()
    for name in ("emb", "flat", "hidden", "out"):
        assert f'name: "tb_model/{name}"' in graph
    assert 'input: "tb_model/hidden"' in graph  # the edge hidden -> out
    query = urllib.parse.urlencode({"run": ".", "name": "emb/embeddings"})
    tensor = np.frombuffer(get(f"{server}/data/plugin/projector/tensor?{query}"), dtype=np.float32)
    np.testing.assert_array_equal(tensor.reshape(10, 3), run["weights"][-1][0])


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="headless Chromium (/usr/bin/chromium) absent")
def test_scalars_page_screenshot(run, server, tmp_path):
    pil = pytest.importorskip("PIL.Image")
    from tensorboard_screenshot import screenshot, wait_for_scalars

    wait_for_scalars(server, "train", "epoch_loss", EPOCHS)
    out = screenshot(f"{server}/?darkMode=false#scalars&tagFilter=epoch_loss", str(tmp_path / "scalars.png"))
    image = np.asarray(pil.open(out).convert("RGB")).astype(int)
    assert image.shape == (900, 1280, 3)
    header = image[:60, :, :].reshape(-1, 3)  # TensorBoard's orange app bar
    assert np.mean(np.all(np.abs(header - [245, 124, 0]) < 40, axis=1)) > 0.5
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50  # a rendered page, not a blank one
