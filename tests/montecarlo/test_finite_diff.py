"""Every nets layer passes the finite-difference check in float64; a planted wrong backward fails."""
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import nets
from montecarlo.finite_diff import RTOL, check_loss, check_module, gradient_error

LAYERS = {
    "Linear": lambda rng: nets.Linear(5, 4, rng=rng),
    "Linear without bias": lambda rng: nets.Linear(5, 4, bias=False, rng=rng),
    "ReLU": lambda rng: nets.ReLU(), "LeakyReLU": lambda rng: nets.LeakyReLU(0.2), "ELU": lambda rng: nets.ELU(0.7),
    "Tanh": lambda rng: nets.Tanh(), "Sigmoid": lambda rng: nets.Sigmoid(),
    "Sequential MLP": lambda rng: nets.Sequential(nets.Linear(5, 6, rng=rng), nets.Tanh(), nets.Linear(6, 3, rng=rng),
                                                  nets.ELU(), nets.Linear(3, 2, rng=rng)),
}


def _input(rng, shape):
    x = rng.standard_normal(shape)
    return x + np.sign(x) * 0.05  # away from the kinks of relu-like layers


@pytest.mark.parametrize("name", list(LAYERS))
def test_nets_layer_backward_matches_finite_differences(name):
    rng = np.random.default_rng(0)
    layer = LAYERS[name](rng)
    in_features = 5
    for shape, full in (((3, in_features), True), ((40, in_features), False)):
        for error in check_module(layer, _input(rng, shape), rng=rng, full=full):
            assert error.passed, f"{name} {error.name} {error.mode}: {error.relative_error:.2e}"
            assert error.relative_error < 1e-7


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_losses_backward_matches_finite_differences(reduction):
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((4, 3))
    assert check_loss(nets.SoftmaxCrossEntropy(reduction), logits, rng.integers(0, 3, 4), rng=rng).passed
    assert check_loss(nets.SoftmaxCrossEntropy(reduction), logits, rng.dirichlet(np.ones(3), 4), rng=rng).passed
    assert check_loss(nets.MSELoss(reduction), logits, rng.standard_normal((4, 3)), rng=rng).passed


class _ForgetsTheBiasGradient(nets.Linear):
    def backward(self, grad_output):
        dx = super().backward(grad_output)
        self.grads["bias"] *= 0
        return dx


class _ScalesTheInputGradient(nets.Linear):
    def backward(self, grad_output):
        dx = super().backward(grad_output)
        return dx * 1.001


class _TanhWithoutTheSquare(nets.Tanh):
    def _derivative(self, cache):
        return 1 - cache.output


@pytest.mark.parametrize("layer", [_ForgetsTheBiasGradient(4, 3), _ScalesTheInputGradient(4, 3),
                                   _TanhWithoutTheSquare()], ids=["no bias grad", "0.1% input grad", "tanh slip"])
def test_a_planted_wrong_backward_fails_the_check(layer):
    rng = np.random.default_rng(2)
    for full in (True, False):
        errors = check_module(layer, _input(rng, (6, 4)), rng=rng, full=full)
        assert not all(e.passed for e in errors)
        assert max(e.relative_error for e in errors) > 100 * RTOL


def test_gradient_error_refuses_float32_and_shape_mismatch():
    x = np.zeros(3, dtype=np.float32)
    with pytest.raises(TypeError, match="float64"):
        gradient_error(lambda: 0.0, x, x, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="shape"):
        gradient_error(lambda: 0.0, np.zeros(3), np.zeros(4), rng=np.random.default_rng(0))


@settings(deadline=None, max_examples=20)
@given(st.sampled_from(["Linear", "Tanh", "Sigmoid", "ELU", "LeakyReLU"]), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_backward_matches_finite_differences_for_any_batch_and_seed(name, batch, seed):
    rng = np.random.default_rng(seed)
    layer = LAYERS[name](rng)
    for error in check_module(layer, _input(rng, (batch, 5)), rng=rng):
        assert error.passed, f"{name} {error.name}: {error.relative_error:.2e}"


@settings(deadline=None, max_examples=15)
@given(st.integers(2, 7), st.integers(1, 4), st.integers(0, 2**32 - 1))
@example(2, 3, 177)  # two nearly equal values in a channel: sigma 0.03 against x 2.6 (Richardson's case)
def test_batchnorm_backward_matches_finite_differences_for_any_batch(batch, channels, seed):
    rng = np.random.default_rng(seed)
    layer = nets.BatchNorm1d(channels)
    layer.params["weight"][...] = rng.normal(size=channels)
    for error in check_module(layer, rng.normal(0.0, 3.0, (batch, channels)), rng=rng):
        assert error.passed, f"{error.name}: {error.relative_error:.2e}"


def test_a_directional_move_in_place_rounds_as_the_expression_does():
    from montecarlo.finite_diff import _move

    rng = np.random.default_rng(5)
    original, u = rng.standard_normal(1000) * 3.0, rng.standard_normal(1000)
    flat = np.empty(1000)
    for t in (6.055454452393343e-06, -3.0277272261966714e-06, 0.1):
        _move(flat, original, t, u)
        assert np.array_equal(flat, original + t * u)
