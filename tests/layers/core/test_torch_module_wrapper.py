"""``layers.TorchModuleWrapper``: a ``torch.nn.Module`` as a layer (torch engine only).

References: the wrapped module itself (or a deep copy) run with plain PyTorch,
and ``fixtures/keras315_torch_module_wrapper.keras`` written by real Keras 3.15.1 on
its torch backend (generator: ``fixtures/make_torch_module_wrapper_fixture.py``).
"""
import base64
import copy
import io
import os
import pathlib
import pickle

import numpy as np
import pytest

import cornu as keras
from cornu import layers
from cornu.serialization import SafeModeScope

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
ON_TORCH = keras.backend.backend() == "torch"
torch_only = pytest.mark.skipif(not ON_TORCH, reason="TorchModuleWrapper needs the torch engine")
if ON_TORCH:
    import torch


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


# -- the other engine ---------------------------------------------------------------------------
@pytest.mark.skipif(ON_TORCH, reason="checks the error off the torch engine")
def test_other_engines_refuse_with_a_clear_error():
    with pytest.raises(ValueError, match="only available on the torch engine"):
        layers.TorchModuleWrapper(object())
    config = {"name": "w", "module": "AAAA", "output_shape": None}
    with pytest.raises(ValueError, match="only available on the torch engine"):
        layers.TorchModuleWrapper.from_config(config)
    with SafeModeScope(False), pytest.raises(ValueError, match="only available on the torch engine"):
        layers.deserialize({"module": "keras.layers", "class_name": "TorchModuleWrapper",
                            "config": config, "registered_name": None})


# -- torch ------------------------------------------------------------------------------------
@torch_only
def test_weights_are_the_module_tensors_and_forward_matches_torch():
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    layer = layers.TorchModuleWrapper(module, name="wrap")
    assert layer.built
    assert [v.name for v in layer.trainable_weights] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert [v.name for v in layer.non_trainable_weights] == ["1.running_mean", "1.running_var",
                                                             "1.num_batches_tracked"]
    assert layer.count_params() == 12 + 3 + 3 + 3 + 3 + 3 + 1
    assert all(v._value is t for v, t in zip(layer.trainable_weights, module.parameters()))
    x = _rand(6, 4)
    module.eval()
    expected = module(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(_np(layer(x, training=False)), expected, rtol=1e-6)
    # set_weights writes into the module's own tensors
    new = [np.full(w.shape, 0.5, w.dtype) for w in layer.get_weights()]
    layer.set_weights(new)
    np.testing.assert_array_equal(module[0].weight.detach().numpy(), np.full((3, 4), 0.5, "float32"))
    assert int(module[1].num_batches_tracked) == 0  # int64 buffer rounded from 0.5 -> 0


@torch_only
def test_training_flag_sets_train_and_eval_mode():
    torch.manual_seed(0)
    module = torch.nn.BatchNorm1d(3)
    layer = layers.TorchModuleWrapper(module)
    x = _rand(8, 3) * 3 + 1
    out = _np(layer(x, training=True))
    mean, var = x.mean(0), x.var(0)
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-5), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(module.running_mean.numpy(), 0.1 * mean, rtol=1e-5)
    assert module.training
    out = _np(layer(x, training=False))
    assert not module.training
    rm, rv = module.running_mean.numpy(), module.running_var.numpy()
    np.testing.assert_allclose(out, (x - rm) / np.sqrt(rv + 1e-5), rtol=1e-5)


class _TrainingAware(torch.nn.Module if ON_TORCH else object):
    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.tensor(2.0))

    def forward(self, x, training=False):
        return x * self.scale + (1.0 if training else 0.0)


@torch_only
def test_training_is_passed_to_a_forward_that_accepts_it():
    layer = layers.TorchModuleWrapper(_TrainingAware())
    x = np.ones((2, 2), "float32")
    np.testing.assert_allclose(_np(layer(x, training=True)), np.full((2, 2), 3.0))
    np.testing.assert_allclose(_np(layer(x, training=False)), np.full((2, 2), 2.0))


@torch_only
def test_fit_trains_the_module_like_a_plain_torch_sgd_step():
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))
    reference = copy.deepcopy(module)
    model = keras.Sequential([keras.Input((4,)), layers.TorchModuleWrapper(module)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    x, y = _rand(8, 4, seed=1), _rand(8, 2, seed=2)
    loss = model.train_on_batch(x, y)
    ref_loss = torch.mean((reference(torch.from_numpy(x)) - torch.from_numpy(y)) ** 2)
    ref_loss.backward()
    with torch.no_grad():
        for p in reference.parameters():
            p -= 0.1 * p.grad
    assert float(np.asarray(loss).reshape(-1)[0]) == pytest.approx(ref_loss.item(), rel=1e-5)
    for ours, theirs in zip(module.parameters(), reference.parameters()):
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-6)
    hist = model.fit(x, y, epochs=3, batch_size=4, verbose=0)
    assert hist.history["loss"][-1] < ref_loss.item()


@torch_only
def test_functional_use_infers_output_shape_or_takes_it():
    inputs = keras.Input((None, 6))
    conv_in = layers.Permute((2, 1))(inputs)
    out = layers.TorchModuleWrapper(torch.nn.Conv1d(6, 4, 3))(conv_in)
    assert tuple(out.shape) == (None, 4, None)
    given = layers.TorchModuleWrapper(torch.nn.Linear(6, 2), output_shape=(None, 2))
    assert tuple(given(keras.Input((6,))).shape) == (None, 2)
    assert given.compute_output_shape((None, 6)) == (None, 2)
    assert layers.TorchModuleWrapper(torch.nn.Linear(6, 2)).compute_output_shape((None, 6)) == (None, 2)


@torch_only
def test_lazy_module_is_built_by_its_first_call():
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.LazyLinear(3), torch.nn.ReLU())
    layer = layers.TorchModuleWrapper(module)
    assert not layer.built and layer.weights == []
    model = keras.Sequential([keras.Input((5,)), layer])
    assert layer.built
    assert [tuple(v.shape) for v in layer.trainable_weights] == [(3, 5), (3,)]
    assert model.count_params() == 18
    x = _rand(4, 5)
    np.testing.assert_allclose(_np(model(x)), module(torch.from_numpy(x)).detach().numpy(), rtol=1e-6)
    model.compile(optimizer="sgd", loss="mse")
    before = module[0].weight.detach().clone()
    model.train_on_batch(x, np.zeros((4, 3), "float32"))
    assert not torch.equal(before, module[0].weight.detach())


@torch_only
def test_save_and_load_round_trip_needs_safe_mode_off(tmp_path):
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    model = keras.Sequential([keras.Input((3,)), layers.TorchModuleWrapper(module, name="wrap")])
    x = _rand(5, 3)
    model(_rand(8, 3, seed=3), training=True)  # running statistics move
    expected = _np(model.predict(x, verbose=0))
    path = tmp_path / "m.keras"
    model.save(path)
    with pytest.raises(Exception, match="safe"):
        keras.saving.load_model(path)
    loaded = keras.saving.load_model(path, safe_mode=False)
    np.testing.assert_allclose(_np(loaded.predict(x, verbose=0)), expected, rtol=1e-6)
    loaded_module = loaded.get_layer("wrap").module
    assert loaded_module is not module
    np.testing.assert_array_equal(loaded_module[1].running_mean.numpy(), module[1].running_mean.numpy())
    # layers.deserialize follows the same rule
    config = layers.serialize(model.get_layer("wrap"))
    with pytest.raises(ValueError, match="safe_mode=False"):
        layers.deserialize(config)
    with SafeModeScope(False):
        again = layers.deserialize(config)
    np.testing.assert_allclose(_np(again(x, training=False)), _np(model.get_layer("wrap")(x, training=False)))


@torch_only
def test_file_written_by_keras_loads_with_safe_mode_off():
    path = FIXTURES / "keras315_torch_module_wrapper.keras"
    assert path.stat().st_size < 20_000
    data = np.load(FIXTURES / "keras315_torch_module_wrapper.npz")
    with pytest.raises(Exception, match="safe mode"):
        keras.saving.load_model(path)
    model = keras.saving.load_model(path, safe_mode=False)
    wrapper = model.get_layer("wrapped")
    assert isinstance(wrapper, layers.TorchModuleWrapper)
    assert isinstance(wrapper.module[0], torch.nn.Linear)
    assert int(wrapper.module[1].num_batches_tracked) == 1  # Keras' training call, restored from the file
    np.testing.assert_allclose(_np(model.predict(data["x"], verbose=0)), data["y"], rtol=1e-5, atol=1e-6)


class _Payload:
    def __reduce__(self):
        return (open, ("PICKLE_RAN", "w"))


def _config_with(blob):
    return {"name": "evil", "module": base64.b64encode(blob).decode("ascii"), "output_shape": None}


@torch_only
def test_even_with_safe_mode_off_only_module_classes_are_unpickled(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    buffer = io.BytesIO()
    torch.save(_Payload(), buffer)
    blobs = {"bare pickle": pickle.dumps(_Payload()), "torch.save archive": buffer.getvalue()}
    for what, blob in blobs.items():
        with SafeModeScope(False), pytest.raises(ValueError, match="refused"):
            layers.TorchModuleWrapper.from_config(_config_with(blob))
        assert not os.path.exists(tmp_path / "PICKLE_RAN"), what
    with pytest.raises(ValueError, match="safe_mode=False"):  # safe mode: refused before decoding
        layers.TorchModuleWrapper.from_config(_config_with(blobs["torch.save archive"]))


@torch_only
@pytest.mark.parametrize("bad", [3, "linear", None])
def test_bad_module_argument(bad):
    with pytest.raises(ValueError, match="must be a `torch.nn.Module`"):
        layers.TorchModuleWrapper(bad)


@torch_only
def test_bad_output_shape_argument():
    with pytest.raises(ValueError, match="output_shape"):
        layers.TorchModuleWrapper(torch.nn.Identity(), output_shape=3)
