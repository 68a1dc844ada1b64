"""Metric updates traced as pure functions (jax.jit under a StatelessScope)."""
import numpy as np
import pytest

from cornu import backend
from cornu import metrics
from metrics_helpers import assert_close, is_jax, rng, to_np


def _cases():
    """(factory, y_true batches, y_pred batches, sample weights or None)."""
    r = rng(51)
    n = 12
    binary_t = [r.integers(0, 2, size=(n, 1)).astype("float32") for _ in range(2)]
    binary_p = [r.uniform(size=(n, 1)).astype("float32") for _ in range(2)]
    multi_t = [r.integers(0, 2, size=(n, 3)).astype("float32") for _ in range(2)]
    multi_p = [r.uniform(size=(n, 3)).astype("float32") for _ in range(2)]
    sparse_t = [r.integers(0, 3, size=(n,)).astype("int32") for _ in range(2)]
    real_t = [r.normal(size=(n, 3)).astype("float32") for _ in range(2)]
    real_p = [r.normal(size=(n, 3)).astype("float32") for _ in range(2)]
    w = [r.uniform(0.1, 1.0, size=(n,)).astype("float32") for _ in range(2)]
    return [
        (metrics.BinaryAccuracy, binary_t, binary_p, w),
        (lambda: metrics.SparseTopKCategoricalAccuracy(k=2), sparse_t, multi_p, w),
        (metrics.RootMeanSquaredError, real_t, real_p, None),
        (metrics.Hinge, multi_t, real_p, w),
        (lambda: metrics.Precision(thresholds=[0.3, 0.6]), multi_t, multi_p, w),
        (lambda: metrics.Recall(top_k=1, class_id=2), multi_t, multi_p, None),
        (lambda: metrics.AUC(num_thresholds=20), binary_t, binary_p, w),
        (lambda: metrics.AUC(curve="PR", multi_label=True), multi_t, multi_p, w),
        (lambda: metrics.F1Score(average="weighted", threshold=0.5), multi_t, multi_p, w),
        (metrics.R2Score, real_t, real_p, w),
        (lambda: metrics.MeanIoU(num_classes=3), sparse_t, sparse_t[::-1], w),
    ]


def _eager(factory, ts, ps, ws):
    m = factory()
    for i in range(2):
        m.update_state(ts[i], ps[i], sample_weight=None if ws is None else ws[i])
    return m.result()


def _built(factory, ts, ps):
    m = factory()
    if not m.built:  # what the trainer does before tracing the first step
        m.build(ts[0].shape, ps[0].shape)
    return m


@pytest.mark.skipif(not is_jax(), reason="jax.jit tracing is specific to the jax engine")
@pytest.mark.parametrize("index", range(11))
def test_update_and_result_trace_under_jax_jit(index):
    import jax

    factory, ts, ps, ws = _cases()[index]
    expected = _eager(factory, ts, ps, ws)
    m = _built(factory, ts, ps)
    variables = m.variables

    def pure_step(state, y_true, y_pred, sample_weight):
        with backend.StatelessScope(zip(variables, state)) as scope:
            m.update_state(y_true, y_pred, sample_weight=sample_weight)
            result = m.result()
        return [scope.get_current_value(v) for v in variables], result

    step = jax.jit(pure_step)
    state = [v.value for v in variables]
    for i in range(2):
        state, result = step(state, ts[i], ps[i], None if ws is None else ws[i])
    assert_close(result, expected, rtol=1e-5, atol=1e-6)
    # the traced steps never touched the metric's own (zero-initialized) variables
    assert all(not np.any(to_np(v)) for v in variables)


@pytest.mark.skipif(not is_jax(), reason="jax.jit tracing is specific to the jax engine")
def test_make_step_function_writes_metric_state_back():
    factory, ts, ps, ws = _cases()[6]  # AUC
    expected = _eager(factory, ts, ps, ws)
    m = _built(factory, ts, ps)

    def step_fn(data):
        y_true, y_pred, sample_weight = data
        m.update_state(y_true, y_pred, sample_weight=sample_weight)
        return {"auc": m.result()}

    run = backend.make_step_function(step_fn, m.variables, jit_compile=True)
    for i in range(2):
        logs = run((ts[i], ps[i], ws[i]))
    assert_close(logs["auc"], expected, rtol=1e-5)
    assert_close(m.result(), expected, rtol=1e-5)  # variables were written back
    m.reset_state()
    assert_close(m.result(), 0.0)


@pytest.mark.parametrize("index", [0, 3, 4, 6, 8, 9])
def test_stateless_update_matches_eager_on_every_engine(index):
    factory, ts, ps, ws = _cases()[index]
    expected = _eager(factory, ts, ps, ws)
    m = _built(factory, ts, ps)
    state = [v.value for v in m.variables]
    for i in range(2):
        state = m.stateless_update_state(state, ts[i], ps[i],
                                         sample_weight=None if ws is None else ws[i])
    assert_close(m.stateless_result(state), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("factory", [
    lambda: metrics.F1Score(average="macro"),
    metrics.R2Score,
    lambda: metrics.AUC(multi_label=True),
])
def test_unbuilt_shape_dependent_metric_refuses_to_build_inside_a_step(factory):
    m = factory()
    y = np.ones((4, 3), "float32")
    with pytest.raises(RuntimeError, match="build"):
        with backend.StatelessScope():
            m.update_state(y, y)
    assert not m.built
    m.update_state(y, y)  # eagerly it builds itself
    assert m.built


def test_micro_f1_needs_no_build_and_still_checks_rank():
    m = metrics.F1Score(average="micro")
    assert m.built
    with backend.StatelessScope():
        m.update_state(np.ones((4, 3)), np.ones((4, 3)))
    with pytest.raises(ValueError, match="2D"):
        m.update_state(np.ones((4,)), np.ones((4,)))
