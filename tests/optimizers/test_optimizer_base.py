"""Base ``Optimizer`` behaviour: arguments, learning rate, variables, apply, EMA, accumulation, saving."""
import warnings

import numpy as np
import pytest

from cornu import backend
from cornu import ops
from cornu import optimizers
from cornu.optimizers import schedules

import optimizer_reference as ref


def var(values, name="w"):
    return backend.Variable(np.array(values, dtype="float32"), name=name)


def grads_for(*arrays):
    return [backend.convert_to_tensor(np.array(a, dtype="float32")) for a in arrays]


# -- construction -------------------------------------------------------------------

def test_unknown_keyword_raises_type_error_naming_it():
    with pytest.raises(TypeError, match="'bogus'"):
        optimizers.Adam(bogus=1)
    with pytest.raises(ValueError, match="not recognized"):  # Keras raises ValueError
        optimizers.SGD(momentun=0.9)


def test_only_one_clipping_argument():
    msg = "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set"
    with pytest.raises(ValueError, match=msg):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match=msg):
        optimizers.Adam(clipnorm=1.0, global_clipnorm=2.0)


def test_argument_validation():
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="beta_1"):
        optimizers.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="l1_regularization_strength"):
        optimizers.Ftrl(l1_regularization_strength=-1.0)
    with pytest.raises(ValueError, match="learning_rate_power"):
        optimizers.Ftrl(learning_rate_power=0.5)
    with pytest.raises(ValueError, match="ema_momentum"):
        optimizers.Adam(use_ema=True, ema_momentum=1.5)
    with pytest.raises(ValueError, match="ema_overwrite_frequency"):
        optimizers.Adam(use_ema=True, ema_overwrite_frequency=0.5)
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        optimizers.Adam(gradient_accumulation_steps=1)
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.Adam(learning_rate="fast")
    # Integer learning rates and momenta are accepted (Keras 2 code passes them).
    assert float(optimizers.SGD(learning_rate=1, momentum=0).learning_rate) == 1.0


def test_default_names_and_hyperparameters():
    assert optimizers.SGD().name == "SGD"
    assert optimizers.Adam().name == "adam"
    assert optimizers.RMSprop().name == "rmsprop"
    assert optimizers.AdamW().weight_decay == 0.004
    first, second = optimizers.Adagrad(), optimizers.Adagrad()
    assert first.name.startswith("adagrad") and second.name != first.name
    assert np.isclose(float(optimizers.SGD().learning_rate), 0.01)
    assert np.isclose(float(optimizers.Adam().learning_rate), 0.001)
    assert optimizers.Adam().epsilon == 1e-7
    assert optimizers.Adadelta().rho == 0.95
    assert optimizers.Lion().beta_2 == 0.99
    # Keras 2.2 spelled "use the backend epsilon" as epsilon=None.
    assert optimizers.Adam(epsilon=None).epsilon == backend.epsilon()


def test_legacy_lr_kwarg_warns_once_and_sets_rate():
    with pytest.warns(DeprecationWarning, match="`lr`") as record:
        opt = optimizers.SGD(lr=0.25)
    assert len(record) == 1
    assert np.isclose(float(opt.learning_rate), 0.25)
    assert "decay" not in opt.get_config()


def test_zero_decay_from_old_configs_is_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = optimizers.Adam(learning_rate=0.1, decay=0.0, jit_compile=True, is_legacy_optimizer=False)
    assert "decay" not in opt.get_config()
    with pytest.raises(ValueError, match="decay"):
        optimizers.Adam(decay=-1.0)


def test_legacy_decay_config_round_trip():
    with pytest.warns(DeprecationWarning):
        opt = optimizers.SGD(learning_rate=0.1, decay=0.01)
    config = opt.get_config()
    assert config["decay"] == 0.01
    with pytest.warns(DeprecationWarning):
        again = optimizers.SGD.from_config(config)
    assert again._legacy_decay == 0.01


def test_lr_attribute_alias_warns_once():
    opt = optimizers.SGD(learning_rate=0.1)
    with pytest.warns(DeprecationWarning, match="optimizer.lr") as record:
        assert np.isclose(float(opt.lr), 0.1)
        opt.lr = 0.2
    assert len(record) == 1
    assert np.isclose(float(opt.learning_rate), 0.2)


# -- learning rate -------------------------------------------------------------------

def test_learning_rate_variable_and_setter():
    opt = optimizers.Adam(learning_rate=0.5)
    lr = opt.learning_rate
    assert isinstance(lr, backend.Variable) and lr.dtype == "float32" and lr.name == "learning_rate"
    opt.learning_rate = 0.125
    assert opt.learning_rate is lr and float(lr) == 0.125
    opt.learning_rate = backend.convert_to_tensor(np.float32(0.25))
    assert float(lr) == 0.25


def test_learning_rate_schedule_is_evaluated_at_iterations_and_not_settable():
    schedule = schedules.InverseTimeDecay(1.0, decay_steps=1, decay_rate=1.0)
    opt = optimizers.SGD(learning_rate=schedule)
    w = var([1.0])
    assert np.isclose(float(ops.convert_to_numpy(opt.learning_rate)), 1.0)
    opt.apply(grads_for([1.0]), [w])  # uses lr(0) = 1
    assert np.isclose(float(ops.convert_to_numpy(opt.learning_rate)), 0.5)
    opt.apply(grads_for([1.0]), [w])  # uses lr(1) = 0.5
    np.testing.assert_allclose(w.numpy(), [1.0 - 1.0 - 0.5])
    assert len(opt.variables) == 1  # only the iteration counter
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1


def test_setting_a_schedule_untracks_the_rate_variable():
    opt = optimizers.SGD(learning_rate=0.1)
    assert [v.name for v in opt.variables] == ["iteration", "learning_rate"]
    opt.learning_rate = schedules.ExponentialDecay(0.1, 10, 0.5)
    assert [v.name for v in opt.variables] == ["iteration"]


def test_callable_learning_rate():
    opt = optimizers.SGD(learning_rate=lambda: 0.5)
    w = var([1.0, 2.0])
    opt.apply(grads_for([1.0, -1.0]), [w])
    np.testing.assert_allclose(w.numpy(), [0.5, 2.5])


# -- variables -----------------------------------------------------------------------

@pytest.mark.parametrize("cls, kwargs, slots", [
    (optimizers.SGD, {"momentum": 0.9}, ["a_momentum", "b_momentum"]),
    (optimizers.SGD, {}, []),
    (optimizers.Adam, {"amsgrad": True},
     ["a_momentum", "a_velocity", "b_momentum", "b_velocity", "a_velocity_hat", "b_velocity_hat"]),
    (optimizers.RMSprop, {"momentum": 0.5, "centered": True},
     ["a_velocity", "b_velocity", "a_momentum", "b_momentum", "a_average_gradient", "b_average_gradient"]),
    (optimizers.Adadelta, {}, ["a_accumulated_grad", "a_accumulated_delta_var",
                               "b_accumulated_grad", "b_accumulated_delta_var"]),
    (optimizers.Adamax, {}, ["a_momentum", "a_norm", "b_momentum", "b_norm"]),
    (optimizers.Nadam, {}, ["a_momentum", "a_velocity", "b_momentum", "b_velocity", "u_product"]),
    (optimizers.Ftrl, {}, ["a_accumulator", "a_linear", "b_accumulator", "b_linear"]),
    (optimizers.Adagrad, {}, ["a_accumulator", "b_accumulator"]),
    (optimizers.Lion, {}, ["a_momentum", "b_momentum"]),
    (optimizers.Lamb, {}, ["a_momentum", "a_velocity", "b_momentum", "b_velocity"]),
    (optimizers.Adafactor, {}, ["a", "a", "a_velocity", "b", "b", "b_velocity"]),
    (optimizers.Adam, {"use_ema": True, "gradient_accumulation_steps": 2},
     ["a_average", "b_average", "a_gradient_accumulator", "b_gradient_accumulator",
      "a_momentum", "a_velocity", "b_momentum", "b_velocity"]),
])
def test_variable_order_names_and_dtypes(cls, kwargs, slots):
    """``variables`` follow Keras 3's creation (= saving) order and naming."""
    opt = cls(**kwargs)
    a, b = var([1.0, 2.0], "a"), var([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], "b")
    opt.build([a, b])
    names = [v.name for v in opt.variables]
    assert names == ["iteration", "learning_rate"] + slots
    assert opt.variables[0].dtype == "int32" and opt.variables[1].dtype == "float32"
    assert all(not v.trainable for v in opt.variables)
    assert opt.variables[0].path == f"{opt.name}/iteration"
    if cls is optimizers.Adafactor:
        assert [tuple(v.shape) for v in opt.variables[2:]] == [(), (), (2,), (3,), (2,), (3, 2)]
    elif slots and not kwargs.get("use_ema"):
        assert tuple(opt.variables[2].shape) == (2,)


def test_build_is_idempotent_and_apply_without_variables_requires_build():
    opt = optimizers.Adam()
    with pytest.raises(ValueError, match="must already be built"):
        opt.apply(grads_for([1.0]))
    w = var([1.0])
    opt.build([w])
    count = len(opt.variables)
    opt.build([w])
    assert len(opt.variables) == count
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply(grads_for([1.0]), [var([2.0], "other")])
    with pytest.raises(ValueError, match="one-to-one"):
        opt.apply(grads_for([1.0], [2.0]))


def test_none_gradients_are_skipped_with_a_warning():
    opt = optimizers.SGD(learning_rate=0.5)
    a, b = var([1.0], "a"), var([2.0], "b")
    with pytest.warns(UserWarning, match="Gradients do not exist for variables"):
        opt.apply([None, backend.convert_to_tensor(np.array([1.0], "float32"))], [a, b])
    np.testing.assert_allclose(a.numpy(), [1.0])
    np.testing.assert_allclose(b.numpy(), [1.5])
    assert int(opt.iterations) == 1
    with pytest.raises(ValueError, match="No gradients provided"):
        opt.apply([None, None], [a, b])


def test_empty_gradient_list_is_a_no_op():
    opt = optimizers.SGD()
    opt.apply([], [])
    assert int(opt.iterations) == 0


def test_constraint_applied_after_update():
    w = var([1.0, -1.0, 0.05])
    w.constraint = lambda x: ops.clip(x, -0.5, 0.5)
    optimizers.SGD(learning_rate=0.1).apply(grads_for([1.0, 1.0, 1.0]), [w])
    np.testing.assert_allclose(w.numpy(), [0.5, -0.5, -0.05], rtol=1e-6)


def test_overwrite_with_gradient_variables():
    w, s = var([1.0, 2.0], "w"), var([3.0], "scale")
    s.overwrite_with_gradient = True
    opt = optimizers.Adam(learning_rate=0.1, weight_decay=0.5)
    opt.apply(grads_for([1.0, 1.0], [7.0]), [w, s])
    np.testing.assert_allclose(s.numpy(), [7.0])
    assert [v.name for v in opt.variables] == ["iteration", "learning_rate", "w_momentum", "w_velocity"]


def test_exclude_from_weight_decay():
    a, b, c = var([1.0], "kernel"), var([1.0], "bias"), var([1.0], "gamma")
    opt = optimizers.SGD(learning_rate=0.5, weight_decay=0.1)
    opt.exclude_from_weight_decay(var_list=[c], var_names=["bias"])
    opt.apply(grads_for([0.0], [0.0], [0.0]), [a, b, c])
    np.testing.assert_allclose([a.numpy()[0], b.numpy()[0], c.numpy()[0]], [1 - 0.05, 1.0, 1.0], rtol=1e-6)


def test_weight_decay_is_applied_before_the_update():
    # Adam's update does not depend on w, so w1 = w0 * (1 - wd * lr) - adam_step.
    w0, g, lr, wd = 2.0, 0.3, 0.1, 0.2
    w = var([w0])
    optimizers.Adam(learning_rate=lr, weight_decay=wd).apply(grads_for([g]), [w])
    expected = ref.run_reference(ref.AdamRef(), [np.array([w0])], [[np.array([g])]], lambda k: lr,
                                 weight_decay=wd)[0][0][0]
    np.testing.assert_allclose(w.numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(expected, [w0 * (1 - wd * lr) - lr * g / (abs(g) + 1e-7)], rtol=1e-6)


# -- EMA and gradient accumulation ------------------------------------------------

def test_ema_and_overwrite_frequency():
    lr, m, freq = 0.1, 0.9, 3
    rng = np.random.default_rng(1)
    grads = [rng.normal(size=3).astype("float32") for _ in range(6)]
    w = var([1.0, 2.0, 3.0])
    opt = optimizers.SGD(learning_rate=lr, use_ema=True, ema_momentum=m, ema_overwrite_frequency=freq)
    expected_w, average = np.array([1.0, 2.0, 3.0]), None
    for k, g in enumerate(grads):
        opt.apply([g], [w])
        expected_w = expected_w - lr * g
        average = expected_w.copy() if k == 0 else m * average + (1 - m) * expected_w
        if (k + 1) % freq == 0:
            expected_w = average.copy()
        np.testing.assert_allclose(w.numpy(), expected_w, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(opt.variables[2].numpy(), average, rtol=1e-5, atol=1e-6)


def test_ema_finalize_variable_values():
    w = var([1.0, 2.0])
    opt = optimizers.SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.5)
    opt.apply(grads_for([1.0, 1.0]), [w])
    opt.apply(grads_for([1.0, 1.0]), [w])
    # averages: after step 1 = [0.9, 1.9]; after step 2 = 0.5 * avg + 0.5 * [0.8, 1.8]
    opt.finalize_variable_values([w])
    np.testing.assert_allclose(w.numpy(), [0.85, 1.85], rtol=1e-6)


def test_gradient_accumulation_matches_mean_of_micro_batches():
    steps, lr = 3, 0.05
    rng = np.random.default_rng(2)
    micro = [rng.normal(size=(2, 2)).astype("float32") for _ in range(9)]
    w = var(np.ones((2, 2)))
    opt = optimizers.Adam(learning_rate=lr, gradient_accumulation_steps=steps, weight_decay=0.1)
    mean_grads = [[np.mean(micro[i:i + steps], axis=0)] for i in range(0, 9, steps)]
    history = ref.run_reference(ref.AdamRef(), [np.ones((2, 2))], mean_grads, lambda k: lr,
                                weight_decay=0.1)
    for k, g in enumerate(micro):
        opt.apply([g], [w])
        done = (k + 1) // steps
        expected = np.ones((2, 2)) if done == 0 else history[done - 1][0][0]
        np.testing.assert_allclose(w.numpy(), expected, rtol=1e-5, atol=1e-6)
        assert int(ops.convert_to_numpy(opt.iterations)) == done
        assert int(opt._iterations) == k + 1
        accumulator = opt._accumulated_gradients[0].numpy()
        pending = micro[done * steps:k + 1]
        np.testing.assert_allclose(accumulator, np.sum(pending, axis=0) if pending else 0.0,
                                   rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(opt._momentums[0].numpy(), history[-1][1][0], rtol=1e-5, atol=1e-7)


# -- saving and stateless use ------------------------------------------------------

def test_save_and_load_own_variables():
    w = var([1.0, 2.0])
    opt = optimizers.Adam(learning_rate=0.1)
    opt.apply(grads_for([0.5, -0.5]), [w])
    store = {}
    opt.save_own_variables(store)
    assert sorted(store) == ["0", "1", "2", "3"]
    assert store["0"] == 1 and np.isclose(store["1"], 0.1)

    other_w = var([1.0, 2.0])
    other = optimizers.Adam(learning_rate=0.5)
    other.build([other_w])
    other.load_own_variables(store)
    for a, b in zip(opt.variables, other.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    unbuilt = optimizers.Adam()
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        unbuilt.load_own_variables(store)


def test_get_and_set_weights():
    w = var([1.0, 2.0])
    opt = optimizers.RMSprop(learning_rate=0.1)
    with pytest.raises(ValueError, match="not yet been built"):
        opt.set_weights([])
    opt.apply(grads_for([0.5, -0.5]), [w])
    weights = opt.get_weights()
    assert len(weights) == 3
    weights[2] = weights[2] * 2
    opt.set_weights(weights)
    np.testing.assert_allclose(opt.variables[2].numpy(), weights[2])
    with pytest.raises(ValueError, match="not compatible"):
        opt.set_weights([np.zeros(()), np.zeros(()), np.zeros(5)])


def test_stateless_apply_matches_apply():
    a = var([1.0, 2.0])
    b = var([1.0, 2.0])
    opt_a, opt_b = optimizers.Nadam(learning_rate=0.1), optimizers.Nadam(learning_rate=0.1)
    opt_a.build([a])
    opt_b.build([b])
    g = grads_for([0.3, -0.7])
    opt_a.apply(g)
    opt_vars = [v.value for v in opt_b.variables]
    new_trainable, new_opt = opt_b.stateless_apply(opt_vars, g, [b.value])
    np.testing.assert_allclose(b.numpy(), [1.0, 2.0])  # untouched
    np.testing.assert_allclose(ops.convert_to_numpy(new_trainable[0]), a.numpy(), rtol=1e-6)
    for value, v in zip(new_opt, opt_a.variables):
        np.testing.assert_allclose(ops.convert_to_numpy(value), v.numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="optimizer_variables"):
        opt_b.stateless_apply(opt_vars[:-1], g, [b.value])


def test_loss_scale_optimizer_puts_the_inner_ema_averages_in_at_the_end_of_fit():
    import cornu
    from cornu import layers

    x = np.random.default_rng(0).standard_normal((32, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    inner = optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5)
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(1)])
    model.compile(optimizer=optimizers.LossScaleOptimizer(inner), loss="mse")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    averages = [a for a in inner._model_variables_moving_average if a is not None]
    assert averages
    for weight, average in zip(model.trainable_variables, averages):
        np.testing.assert_array_equal(weight.numpy(), average.numpy())
