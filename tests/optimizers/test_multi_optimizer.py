"""``OptimizerMap`` lookups and ``MultiOptimizer`` dispatch, state, config and saving."""
import numpy as np
import pytest

import cornu
from cornu import backend, callbacks, ops, optimizers
from cornu.optimizers import MultiOptimizer, OptimizerMap


def variable(value, path):
    v = backend.Variable(np.asarray(value, "float32"), name=path.split("/")[-1])
    v._path = path
    return v


def test_optimizer_map_lookup_rules():
    sgd, adam, rms = optimizers.SGD(), optimizers.Adam(), optimizers.RMSprop()
    omap = OptimizerMap(default_optimizer=rms)
    omap["encoder/layer_0/dense"] = adam
    omap["encoder/.*"] = sgd
    omap["decoder"] = adam
    assert omap["encoder/layer_0/dense"] is adam  # an exact key wins over patterns
    assert omap["encoder/layer_0/attention/query"] is sgd
    assert omap["decoder"] is adam
    assert omap["decoder/layer_0/dense"] is rms  # patterns match the whole path only
    assert omap(variable([1.0], "encoder/x/kernel")) is sgd
    assert len(omap) == 3 and list(omap) == ["encoder/layer_0/dense", "encoder/.*", "decoder"]
    omap["enc.*"] = rms
    with pytest.raises(ValueError, match="multiple optimizers.*encoder/y"):
        omap["encoder/y"]
    del omap["enc.*"]
    assert omap["encoder/y"] is sgd


@pytest.mark.parametrize("key, value, words", [
    ("decoder", "adam_instance", "already exists"),
    (3, "adam_instance", "key must be a string"),
    ("x", "not an optimizer", "must be a cornu Optimizer"),
    ("x", "loss_scale", "LossScaleOptimizer"),
    ("x", "multi", "MultiOptimizer"),
])
def test_optimizer_map_bad_entries(key, value, words):
    adam = optimizers.Adam()
    omap = OptimizerMap(optimizers.SGD(), {"decoder": adam})
    value = {"adam_instance": adam, "loss_scale": optimizers.LossScaleOptimizer(optimizers.SGD()),
             "multi": MultiOptimizer(OptimizerMap(optimizers.SGD()))}.get(value, value)
    with pytest.raises(ValueError, match=words):
        omap[key] = value


def test_constructor_errors():
    with pytest.raises(TypeError, match="OptimizerMap.*default_optimizer.*Received"):
        OptimizerMap("sgd")
    with pytest.raises(TypeError, match="OptimizerMap.*optimizer_map.*dict"):
        OptimizerMap(optimizers.SGD(), [("a", optimizers.Adam())])
    with pytest.raises(TypeError, match="MultiOptimizer.*optimizer_map.*Received"):
        MultiOptimizer("adam")
    bad = MultiOptimizer(lambda v: "sgd")
    with pytest.raises(ValueError, match="MultiOptimizer.*variable 'a/w'.*Optimizer"):
        bad.build([variable([1.0], "a/w")])


def test_dispatch_matches_the_inner_optimizers_run_alone():
    rng = np.random.default_rng(0)
    w1, w2, w3 = rng.normal(size=(2, 3)), rng.normal(size=(3,)), rng.normal(size=(3, 2))
    grads = [[rng.normal(size=w.shape).astype("float32") for w in (w1, w2, w3)] for _ in range(3)]
    multi_vars = [variable(w1, "enc/kernel"), variable(w2, "enc/bias"), variable(w3, "head/kernel")]
    sgd, adam = optimizers.SGD(0.1, momentum=0.9, name="sgd"), optimizers.Adam(0.05, name="adam")
    multi = MultiOptimizer(OptimizerMap(sgd, {"head/.*": adam}), name="multi")
    alone_vars = [variable(w1, "enc/kernel"), variable(w2, "enc/bias"), variable(w3, "head/kernel")]
    sgd_alone, adam_alone = optimizers.SGD(0.1, momentum=0.9), optimizers.Adam(0.05)
    velocity = [np.zeros_like(w1), np.zeros_like(w2)]
    expected = [w1.copy(), w2.copy()]
    for g in grads:
        multi.apply([ops.convert_to_tensor(x) for x in g], multi_vars)
        sgd_alone.apply([ops.convert_to_tensor(x) for x in g[:2]], alone_vars[:2])
        adam_alone.apply([ops.convert_to_tensor(g[2])], alone_vars[2:])
        for i in range(2):  # SGD momentum, NumPy: v = mu v - lr g; w += v
            velocity[i] = 0.9 * velocity[i] - 0.1 * g[i]
            expected[i] = expected[i] + velocity[i]
    for a, b in zip(multi_vars, alone_vars):
        np.testing.assert_allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(b), rtol=1e-6, atol=1e-7)
    for v, e in zip(multi_vars[:2], expected):
        np.testing.assert_allclose(ops.convert_to_numpy(v), e, rtol=1e-5, atol=1e-6)
    assert [int(ops.convert_to_numpy(o.iterations)) for o in (multi, sgd, adam)] == [3, 3, 3]
    assert multi.optimizers == [adam, sgd]  # map values first, then the default (Keras's order)
    assert [v.path for v in multi.variables] == [
        "multi/iteration", "multi/learning_rate",
        "adam/iteration", "adam/learning_rate", "adam/head_kernel_momentum", "adam/head_kernel_velocity",
        "sgd/iteration", "sgd/learning_rate", "sgd/enc_kernel_momentum", "sgd/enc_bias_momentum"]
    weights = multi.get_weights()
    assert len(weights) == 10
    multi.set_weights([np.zeros_like(w) for w in weights])
    assert int(ops.convert_to_numpy(sgd.iterations)) == 0


def test_learning_rate_is_per_optimizer_and_loss_scale_is_shared():
    inner = optimizers.SGD(0.1, loss_scale_factor=4.0)
    multi = MultiOptimizer(OptimizerMap(inner), loss_scale_factor=8.0)
    with pytest.raises(AttributeError, match="sub-optimizers"):
        multi.learning_rate
    with pytest.raises(AttributeError, match="sub-optimizers"):
        multi.learning_rate = 0.5
    assert inner.loss_scale_factor == 8.0
    multi.loss_scale_factor = 2.0
    assert inner.loss_scale_factor == 2.0
    v = variable([1.0, 2.0], "w")
    multi.apply([ops.convert_to_tensor(np.array([2.0, 2.0], "float32"))], [v])  # inner unscales: g = 1
    np.testing.assert_allclose(ops.convert_to_numpy(v), [0.9, 1.9], rtol=1e-6)


def test_config_round_trip():
    multi = MultiOptimizer(OptimizerMap(optimizers.SGD(0.1, momentum=0.5, name="s"),
                                        {"head/.*": optimizers.Adam(0.01, name="a")}), name="m")
    config = optimizers.serialize(multi)
    assert config["class_name"] == "MultiOptimizer"
    assert config["config"]["optimizer_map"]["class_name"] == "OptimizerMap"
    assert set(config["config"]) == {"optimizer_map", "loss_scale_factor", "name"}
    again = optimizers.deserialize(config)
    assert isinstance(again, MultiOptimizer) and again.name == "m"
    assert [type(o).__name__ for o in again.optimizers] == ["Adam", "SGD"]
    assert optimizers.serialize(again) == config


def _model():
    cornu.utils.set_random_seed(0)
    return cornu.Sequential([cornu.Input((4,)), cornu.layers.Dense(5, activation="tanh", name="enc"),
                             cornu.layers.Dense(2, name="out")])


def test_fit_save_load_resume_and_swap_ema(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 4)).astype("float32"), rng.normal(size=(16, 2)).astype("float32")
    model = _model()
    ema_inner = optimizers.Adam(0.01, use_ema=True)
    model.compile(optimizer=MultiOptimizer(OptimizerMap(optimizers.SGD(0.1, momentum=0.9),
                                                        {".*out/.*": ema_inner})), loss="mse")
    model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0, validation_data=(x, y),
              callbacks=[callbacks.SwapEMAWeights()])
    path = tmp_path / "multi.keras"
    model.save(path)
    loaded = cornu.saving.load_model(path)
    assert isinstance(loaded.optimizer, MultiOptimizer)
    assert len(loaded.optimizer.variables) == len(model.optimizer.variables) == 14
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(ops.convert_to_numpy(a), ops.convert_to_numpy(b))
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(b), rtol=1e-5, atol=1e-6)
