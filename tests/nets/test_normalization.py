"""BatchNorm1d, BatchNorm2d and LayerNorm: PyTorch's semantics, closed forms, bad input."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nets

AGREE = 1e-12


def _closed_form_train(x, axes, weight, bias, eps):
    mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    xhat = (x - mean) / np.sqrt(var + eps)
    return xhat * weight + bias, xhat, var


def _relative(a, b):
    return np.abs(a - b).max() / max(np.abs(a).max(), np.abs(b).max())


@pytest.mark.parametrize(("layer", "shape", "axes", "param_shape"), [
    (lambda: nets.BatchNorm1d(4), (10, 4), (0,), (1, 4)),
    (lambda: nets.BatchNorm1d(4), (6, 4, 7), (0, 2), (1, 4, 1)),
    (lambda: nets.BatchNorm2d(3), (5, 3, 4, 6), (0, 2, 3), (1, 3, 1, 1)),
    (lambda: nets.LayerNorm((4, 6)), (5, 3, 4, 6), (2, 3), (1, 1, 4, 6)),
])
def test_forward_and_backward_match_the_float64_closed_forms(layer, shape, axes, param_shape):
    rng = np.random.default_rng(0)
    layer = layer()
    for p in layer.parameters().values():
        p[...] = rng.normal(size=p.shape)
    weight, bias = layer.params["weight"].reshape(param_shape), layer.params["bias"].reshape(param_shape)
    x, dy = rng.normal(2.0, 3.0, shape), rng.normal(size=shape)
    y = layer(x)
    expected, xhat, var = _closed_form_train(x, axes, weight, bias, layer.eps)
    assert _relative(y, expected) < AGREE
    dx = layer.backward(dy)
    m = np.prod([shape[a] for a in axes])
    g = dy * weight
    closed = (m * g - g.sum(axis=axes, keepdims=True) - xhat * (g * xhat).sum(axis=axes, keepdims=True)) / (
        m * np.sqrt(var + layer.eps))
    assert _relative(dx, closed) < AGREE
    reduce = tuple(a for a in range(len(shape)) if param_shape[a] == 1)
    assert _relative(layer.grads["weight"], (dy * xhat).sum(axis=reduce).reshape(layer.params["weight"].shape)) < AGREE


def test_eval_mode_uses_running_statistics_and_matches_its_closed_form():
    rng = np.random.default_rng(1)
    bn = nets.BatchNorm1d(3)
    for _ in range(4):
        bn(rng.normal(1.0, 2.0, (8, 3)))
    bn.eval()
    x, dy = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    scale = 1 / np.sqrt(bn.buffers["running_var"] + bn.eps)
    assert _relative(bn(x), (x - bn.buffers["running_mean"]) * scale) < AGREE
    assert _relative(bn.backward(dy), dy * scale) < AGREE
    before = bn.buffers["running_mean"].copy()
    bn(x)
    assert np.array_equal(before, bn.buffers["running_mean"])


def test_running_statistics_follow_pytorchs_update():
    rng = np.random.default_rng(2)
    bn = nets.BatchNorm1d(2, momentum=0.3)
    x = rng.normal(size=(5, 2))
    bn(x)
    assert np.allclose(bn.buffers["running_mean"], 0.3 * x.mean(axis=0), rtol=0, atol=1e-15)
    assert np.allclose(bn.buffers["running_var"], 0.7 + 0.3 * x.var(axis=0, ddof=1), rtol=0, atol=1e-15)
    assert int(bn.buffers["num_batches_tracked"]) == 1


def test_momentum_none_gives_the_cumulative_average():
    rng = np.random.default_rng(3)
    bn = nets.BatchNorm1d(2, momentum=None)
    batches = [rng.normal(size=(4, 2)) for _ in range(5)]
    for batch in batches:
        bn(batch)
    assert np.allclose(bn.buffers["running_mean"], np.mean([b.mean(axis=0) for b in batches], axis=0), atol=1e-15)
    assert np.allclose(bn.buffers["running_var"], np.mean([b.var(axis=0, ddof=1) for b in batches], axis=0), atol=1e-15)


def test_without_running_stats_eval_uses_the_batch():
    rng = np.random.default_rng(4)
    bn = nets.BatchNorm1d(3, track_running_stats=False, affine=False).eval()
    x = rng.normal(size=(6, 3))
    assert _relative(bn(x), (x - x.mean(0)) / np.sqrt(x.var(0) + bn.eps)) < AGREE
    assert bn.params == {} and bn.buffers == {}


@settings(deadline=None, max_examples=25)
@given(st.integers(2, 6), st.integers(1, 5), st.sampled_from([np.float32, np.float64]))
def test_batchnorm_keeps_shape_and_dtype(n, c, dtype):
    x = np.random.default_rng(n * c).normal(size=(n, c)).astype(dtype)
    bn = nets.BatchNorm1d(c, dtype=dtype)
    y = bn(x)
    assert y.shape == x.shape and y.dtype == dtype and bn.backward(np.ones_like(y)).dtype == dtype


@pytest.mark.parametrize(("call", "name"), [
    (lambda: nets.BatchNorm1d(3)(np.zeros((4, 3, 2, 2))), "2D or 3D"),
    (lambda: nets.BatchNorm2d(3)(np.zeros((4, 3))), "4D"),
    (lambda: nets.BatchNorm1d(3)(np.zeros((4, 5))), "num_features=3"),
    (lambda: nets.BatchNorm1d(3)(np.zeros((1, 3))), "more than 1 value per channel"),
    (lambda: nets.BatchNorm2d(2)(np.zeros((1, 2, 1, 1))), "more than 1 value per channel"),
    (lambda: nets.BatchNorm1d(3, eps=0), "eps"), (lambda: nets.BatchNorm1d(3, eps=-1e-5), "eps"),
    (lambda: nets.BatchNorm1d(3, momentum=1.5), "momentum"), (lambda: nets.BatchNorm1d(3, momentum=-0.1), "momentum"),
    (lambda: nets.BatchNorm1d(0), "num_features"), (lambda: nets.LayerNorm((3, 0)), "normalized_shape"),
    (lambda: nets.LayerNorm(4)(np.zeros((2, 3))), "normalized_shape"),
])
def test_bad_input_raises_a_clear_error(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_nan_input_is_reported_and_does_not_reach_the_running_statistics():
    bn = nets.BatchNorm1d(2)
    x = np.ones((4, 2))
    x[1, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        bn(x)
    assert np.array_equal(bn.buffers["running_mean"], np.zeros(2)) and int(bn.buffers["num_batches_tracked"]) == 0


def test_a_single_example_is_fine_in_eval_mode():
    bn = nets.BatchNorm1d(3).eval()
    assert bn(np.ones((1, 3))).shape == (1, 3)


def test_folding_an_eval_batchnorm_into_the_linear_layer():
    rng = np.random.default_rng(5)
    linear, bn = nets.Linear(4, 3, rng=rng), nets.BatchNorm1d(3)
    bn.params["weight"][...], bn.params["bias"][...] = rng.normal(size=3), rng.normal(size=3)
    for _ in range(3):
        bn(linear(rng.normal(size=(8, 4))))
    bn.eval()
    x = rng.normal(size=(6, 4))
    assert _relative(nets.fold_batchnorm(linear, bn)(x), bn(linear(x))) < AGREE
    with pytest.raises(ValueError, match="features"):
        nets.fold_batchnorm(linear, nets.BatchNorm1d(5))
    with pytest.raises(TypeError, match="batchnorm"):
        nets.fold_batchnorm(linear, nets.LayerNorm(3))


def test_the_graph_draws_itself_as_dot_and_tikz():
    dot, tikz = nets.NORMALISATION_GRAPH.to_dot("bn"), nets.NORMALISATION_GRAPH.to_tikz()
    assert dot.startswith('digraph "bn"') and '"mean" -> "centred"' in dot
    assert r"\begin{tikzpicture}" in tikz and r"\draw[->] (xhat) -- (scaled);" in tikz


FUSED_LAYERS = [
    (lambda **kw: nets.BatchNorm1d(4, **kw), (10, 4)), (lambda **kw: nets.BatchNorm1d(4, **kw), (6, 4, 7)),
    (lambda **kw: nets.BatchNorm2d(3, **kw), (5, 3, 4, 6)), (lambda **kw: nets.LayerNorm((4, 6), **kw), (5, 3, 4, 6)),
    (lambda **kw: nets.LayerNorm(5, **kw), (7, 5)),
    (lambda **kw: nets.BatchNorm2d(3, affine=False, **kw), (2, 3, 2, 5)),
    (lambda **kw: nets.BatchNorm1d(4, track_running_stats=False, **kw), (3, 4, 2)),
    (lambda **kw: nets.LayerNorm(6, elementwise_affine=False, **kw), (3, 6)),
]


@pytest.mark.parametrize(("make", "shape"), FUSED_LAYERS)
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_the_fused_layer_matches_the_staged_graph_to_round_off(make, shape, mode):
    rng = np.random.default_rng(6)
    layer = make()
    for p in layer.parameters().values():
        p[...] = rng.normal(size=p.shape)
    for _ in range(3):  # running statistics away from their initial values
        layer(rng.normal(-1.0, 2.0, shape))
    layer.train(mode == "train")
    layer.clear_caches()
    layer.zero_grad()
    x, dy = rng.normal(2.0, 3.0, shape), rng.normal(size=shape)
    buffers = {name: b.copy() for name, b in layer.named_buffers()}
    staged = layer.staged(x, dy)
    assert all(np.array_equal(b, buffers[name]) for name, b in layer.named_buffers())
    assert layer.pending_backwards == 0 and all(not g.any() for g in layer.gradients().values())
    y = layer(x)
    dx = layer.backward(dy)
    assert _relative(y, staged.output) < AGREE
    assert _relative(dx, staged.grads["input"]) < AGREE
    assert set(staged.grads) == {"input"} | set(layer.params)
    for name in layer.params:
        assert _relative(layer.grads[name], staged.grads[name]) < AGREE


@pytest.mark.parametrize(("make", "shape"), FUSED_LAYERS[:4])
def test_float32_fused_layers_agree_with_the_float64_staged_graph(make, shape):
    rng = np.random.default_rng(7)
    exact, single = make(), make(dtype=np.float32)
    x, dy = rng.normal(2.0, 3.0, shape), rng.normal(size=shape)
    staged = exact.staged(x, dy)
    y = single(x.astype(np.float32))
    dx = single.backward(dy.astype(np.float32))
    assert y.dtype == dx.dtype == np.float32
    assert _relative(y, staged.output) < 1e-5 and _relative(dx, staged.grads["input"]) < 1e-5


def test_a_nan_gradient_is_reported_and_leaves_the_parameter_gradients_alone():
    bn = nets.BatchNorm1d(2)
    bn(np.arange(8.0).reshape(4, 2))
    dy = np.ones((4, 2))
    dy[2, 1] = np.inf
    with pytest.raises(ValueError, match="grad_output contains NaN or infinite"), np.errstate(invalid="ignore"):
        bn.backward(dy)
    assert not bn.grads["weight"].any()


def test_staged_checks_its_arguments_like_forward():
    with pytest.raises(ValueError, match="num_features=3"):
        nets.BatchNorm1d(3).staged(np.zeros((4, 5)))
    with pytest.raises(ValueError, match="grad_output has shape"):
        nets.LayerNorm(3).staged(np.zeros((4, 3)), np.zeros((3, 4)))


@pytest.mark.parametrize("layer", [nets.LayerNorm(3), nets.BatchNorm2d(3), nets.BatchNorm1d(3).eval()])
def test_a_nan_or_infinite_input_is_reported_by_every_normalisation(layer):
    x = np.ones((2, 3, 2, 2)) if isinstance(layer, nets.BatchNorm2d) else np.ones((4, 3))
    x.reshape(-1)[5] = np.inf
    with pytest.raises(ValueError, match="input contains NaN or infinite"), np.errstate(invalid="ignore"):
        layer(x)


@pytest.mark.parametrize(("make", "shape"), FUSED_LAYERS[:3] + FUSED_LAYERS[5:7])
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_batchnorm_split_over_threads_matches_the_staged_graph(make, shape, mode, monkeypatch):
    monkeypatch.setattr(nets.fused_norm, "PARALLEL_MIN", 1)
    threads = nets.fused_norm.get_num_threads()
    nets.fused_norm.set_num_threads(3)
    try:
        rng = np.random.default_rng(8)
        layer = make()
        layer(rng.normal(size=shape))
        layer.train(mode == "train")
        x, dy = rng.normal(2.0, 3.0, shape), rng.normal(size=shape)
        staged = layer.staged(x, dy)
        layer.clear_caches()
        layer.zero_grad()
        assert _relative(layer(x), staged.output) < AGREE
        assert _relative(layer.backward(dy), staged.grads["input"]) < AGREE
        for name in layer.params:
            assert _relative(layer.grads[name], staged.grads[name]) < AGREE
    finally:
        nets.fused_norm.set_num_threads(threads)
    with pytest.raises(ValueError, match="count"):
        nets.fused_norm.set_num_threads(0)
