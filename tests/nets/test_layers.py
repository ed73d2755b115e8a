"""Shapes, dtypes, PyTorch semantics and bad input of the nets layers."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nets

shapes = st.tuples(st.integers(1, 5), st.integers(1, 4))


@settings(deadline=None, max_examples=30)
@given(shapes, st.integers(1, 6), st.integers(1, 6), st.sampled_from([np.float32, np.float64]))
def test_linear_maps_any_leading_shape_and_keeps_the_dtype(lead, fan_in, fan_out, dtype):
    rng = np.random.default_rng(0)
    layer = nets.Linear(fan_in, fan_out, rng=rng, dtype=dtype)
    x = rng.standard_normal(lead + (fan_in,)).astype(dtype)
    y = layer(x)
    assert y.shape == lead + (fan_out,) and y.dtype == dtype
    dx = layer.backward(np.ones_like(y))
    assert dx.shape == x.shape and dx.dtype == dtype
    assert layer.params["weight"].shape == (fan_out, fan_in) and layer.grads["bias"].shape == (fan_out,)


@settings(deadline=None, max_examples=30)
@given(st.sampled_from([nets.ReLU, nets.LeakyReLU, nets.ELU, nets.Tanh, nets.Sigmoid]), shapes,
       st.sampled_from([np.float32, np.float64]))
def test_activations_keep_shape_and_dtype(layer_type, shape, dtype):
    x = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    layer = layer_type()
    y = layer(x)
    assert y.shape == x.shape and y.dtype == dtype and layer.backward(np.ones_like(y)).dtype == dtype


def test_linear_computes_x_weight_transpose_plus_bias_and_accumulates_gradients():
    layer = nets.Linear(2, 3, rng=np.random.default_rng(0))
    x = np.array([[1.0, 2.0]])
    assert np.allclose(layer(x), x @ layer.params["weight"].T + layer.params["bias"])
    layer.backward(np.ones((1, 3)))
    layer(x)
    layer.backward(np.ones((1, 3)))
    assert np.allclose(layer.grads["bias"], 2.0)
    layer.zero_grad()
    assert not layer.grads["bias"].any()


def test_linear_default_init_is_pytorchs_uniform_bound():
    layer = nets.Linear(400, 300, rng=np.random.default_rng(0))
    bound = 1 / math.sqrt(400)
    assert np.abs(layer.params["weight"]).max() <= bound and np.abs(layer.params["weight"]).max() > 0.99 * bound


@pytest.mark.parametrize(("call", "error", "name"), [
    (lambda: nets.Linear(0, 3), ValueError, "in_features"), (lambda: nets.Linear(2.5, 3), TypeError, "in_features"),
    (lambda: nets.Linear(2, 3)(np.ones((4, 3))), ValueError, "input has 3 features"),
    (lambda: nets.Linear(2, 3)(np.array([[np.nan, 1.0]])), ValueError, "input contains NaN"),
    (lambda: nets.Linear(2, 3)([[1.0, 2.0]]), TypeError, "input must be a numpy.ndarray"),
    (lambda: nets.Linear(2, 3)(np.ones((1, 2), dtype=int)), TypeError, "float32 or float64"),
    (lambda: nets.ReLU().backward(np.ones(3)), RuntimeError, "before forward"),
    (lambda: nets.LeakyReLU(float("nan")), ValueError, "negative_slope"),
    (lambda: nets.Sequential(nets.ReLU(), "relu"), TypeError, "modules\\[1\\]"),
    (lambda: nets.SoftmaxCrossEntropy()(np.zeros((2, 3)), np.array([0, 3])), ValueError, "class indices"),
    (lambda: nets.SoftmaxCrossEntropy()(np.zeros((2, 3)), np.full((2, 3), 0.5)), ValueError, "soft target"),
    (lambda: nets.SoftmaxCrossEntropy("none"), ValueError, "reduction"),
    (lambda: nets.MSELoss()(np.zeros(3), np.zeros(4)), ValueError, "target"),
])
def test_bad_input_raises_a_clear_error_naming_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_sequential_names_parameters_like_pytorch_and_switches_mode():
    model = nets.Sequential(nets.Linear(2, 3), nets.ReLU(), nets.Linear(3, 1))
    assert list(model.parameters()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert list(model.gradients()) == list(model.parameters())
    assert model.eval() is model and not model[0].training
    assert model.train().training and model[2].training


def test_softmax_cross_entropy_is_stable_and_matches_its_formula():
    loss = nets.SoftmaxCrossEntropy()
    logits = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    value = loss(logits, np.array([0, 2]))
    expected = (0.0 + (np.log(np.exp([1.0, 2.0, 3.0]).sum()) - 3.0)) / 2
    assert math.isfinite(value) and value == pytest.approx(expected, rel=1e-12)


def test_mse_gradient_is_two_differences_over_count():
    loss = nets.MSELoss()
    assert loss(np.array([1.0, 3.0]), np.array([0.0, 0.0])) == 5.0
    assert np.allclose(loss.backward(), [1.0, 3.0])


def test_manual_seed_makes_default_initialisation_reproducible():
    nets.manual_seed(5)
    first = nets.Linear(3, 3).params["weight"].copy()
    nets.manual_seed(5)
    assert np.array_equal(first, nets.Linear(3, 3).params["weight"])
