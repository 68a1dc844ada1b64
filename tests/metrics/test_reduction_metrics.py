"""Mean, Sum and MeanMetricWrapper, sample-weight handling as in Keras 3."""
import numpy as np
import pytest

from cornu import metrics
from cornu import ops
from metrics_helpers import assert_close, rng


def ref_samplewise(values, weights, reduce):
    """Keras's per-sample reduction, written out in NumPy.

    Values with more axes than the weights are reduced over the extra
    trailing axes, weights broadcast and multiplied in, then everything is
    reduced to one value (and one weight) per sample.
    """
    v = np.asarray(values, dtype=np.float64)
    if weights is None:
        if v.ndim > 1:
            v = reduce(v.reshape(v.shape[0], -1), axis=1)
        return v, None
    w = np.asarray(weights, dtype=np.float64)
    # same-rank matching: a trailing axis of 1 is squeezed/expanded
    if v.ndim == w.ndim + 1 and v.shape[-1] == 1:
        w = w[..., None] if w.ndim == 1 else w
        v = v if w.ndim == v.ndim else v[..., 0]
    elif w.ndim == v.ndim + 1 and w.shape[-1] == 1:
        v = v[..., None] if v.ndim == 1 else v
        w = w if w.ndim == v.ndim else w[..., 0]
    if v.ndim > w.ndim:
        v = reduce(v, axis=tuple(range(w.ndim, v.ndim)))
    w = np.broadcast_to(w, v.shape)
    v = v * w
    if w.ndim > 1:
        w = reduce(w, axis=tuple(range(1, w.ndim)))
    if v.ndim > 1:
        v = reduce(v, axis=tuple(range(1, v.ndim)))
    return v, w


CASES = [
    ((6,), None),
    ((6,), (6,)),
    ((6, 3), None),
    ((6, 3), (6,)),
    ((6, 3), (6, 1)),
    ((6, 3), (6, 3)),
    ((6, 1), (6,)),
    ((6,), (6, 1)),
    ((6, 2, 3), (6, 2)),
    ((6, 3), ()),
    ((), ()),
    ((), None),
]


@pytest.mark.parametrize("values_shape, weight_shape", CASES)
def test_mean_and_sum_match_reference(values_shape, weight_shape):
    r = rng(1)
    mean, total = metrics.Mean(), metrics.Sum()
    num, den, tot = 0.0, 0.0, 0.0
    for _ in range(3):
        values = r.normal(size=values_shape).astype("float32")
        weights = None if weight_shape is None else r.uniform(0.1, 2.0, size=weight_shape).astype("float32")
        mean.update_state(values, sample_weight=weights)
        total.update_state(values, sample_weight=weights)
        v, w = ref_samplewise(values, weights, np.mean)
        num += v.sum()
        if w is not None:
            den += w.sum()
        else:
            den += v.shape[0] if v.ndim else 1
        tot += ref_samplewise(values, weights, np.sum)[0].sum()
    assert_close(mean.result(), num / den, rtol=1e-5)
    assert_close(total.result(), tot, rtol=1e-5)
    mean.reset_state()
    total.reset_state()
    assert_close(mean.result(), 0.0)
    assert_close(total.result(), 0.0)


def test_keras_examples_and_zero_count():
    m = metrics.Mean()
    assert_close(m.result(), 0.0)  # 0 / 0 -> 0
    m.update_state([1, 3, 5, 7])
    assert_close(m.result(), 4.0)
    m.reset_state()
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert_close(m.result(), 2.0)
    s = metrics.Sum()
    s.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert_close(s.result(), 4.0)
    # a scalar sample weight with a batch of rank 2 counts the batch once, as in Keras
    m = metrics.Mean()
    m.update_state(np.ones((4, 2)) * 3.0, sample_weight=2.0)
    m.update_state([[1.0, 1.0]])
    assert_close(m.count, 3.0)
    assert_close(m.result(), (3.0 * 2.0 + 1.0) / 3.0)


def test_mean_metric_wrapper_with_kwargs_and_weights():
    def power_error(y_true, y_pred, power=2.0):
        return ops.mean(ops.abs(ops.subtract(y_true, y_pred)) ** power, axis=-1)

    r = rng(2)
    m = metrics.MeanMetricWrapper(power_error, name="pe", power=3.0)
    per_sample, weights_all = [], []
    for _ in range(3):
        t = r.normal(size=(5, 4)).astype("float32")
        p = r.normal(size=(5, 4)).astype("float32")
        w = r.uniform(size=(5,)).astype("float32")
        m.update_state(t, p, sample_weight=w)
        per_sample.append(np.mean(np.abs(t - p) ** 3, axis=-1))
        weights_all.append(w)
    per_sample = np.concatenate(per_sample)
    weights_all = np.concatenate(weights_all)
    assert_close(m.result(), np.sum(per_sample * weights_all) / np.sum(weights_all), rtol=1e-5)
    assert m.get_config()["power"] == 3.0


def test_mean_metric_wrapper_config_round_trip_with_builtin_function():
    m = metrics.MeanMetricWrapper(metrics.mean_squared_error, name="my_mse")
    config = m.get_config()
    assert config["fn"] == "mean_squared_error"
    clone = metrics.MeanMetricWrapper.from_config(config)
    clone.update_state([[1.0, 2.0]], [[3.0, 2.0]])
    assert clone.name == "my_mse"
    assert_close(clone.result(), 2.0)


def test_mean_metric_wrapper_folds_in_a_keras_mask():
    from cornu import backend
    if backend.backend() != "torch":
        pytest.skip("only torch tensors can carry a `_keras_mask` attribute")
    y_pred = ops.convert_to_tensor(np.array([[1.0], [2.0], [5.0], [7.0]], "float32"))
    y_pred._keras_mask = ops.convert_to_tensor(np.array([True, True, False, True]))
    m = metrics.MeanAbsoluteError()
    m.update_state(np.zeros((4, 1), "float32"), y_pred, sample_weight=np.array([1.0, 3.0, 1.0, 1.0]))
    assert_close(m.result(), (1.0 + 6.0 + 7.0) / 5.0)
