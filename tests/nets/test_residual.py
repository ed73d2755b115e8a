"""Residual(body): y = x + body(x), its backward on the cache stack, against finite differences."""
import numpy as np
import pytest

import nets
from montecarlo.finite_diff import check_module

from .fd import assert_matches


def _block(rng, width=5):
    return nets.Residual(nets.Sequential(nets.Linear(width, width, rng=rng), nets.Tanh(),
                                         nets.Linear(width, width, rng=rng)))


def test_residual_adds_the_input_to_the_body_output():
    rng = np.random.default_rng(0)
    block, x = _block(rng), rng.normal(size=(4, 5))
    with nets.no_grad():
        assert np.allclose(block(x), x + block.body(x), rtol=0, atol=1e-15)


def test_residual_backward_matches_finite_differences():
    rng = np.random.default_rng(1)
    errors = check_module(_block(rng), rng.normal(size=(6, 5)), rng=rng, full=True)
    assert all(e.passed for e in errors), errors


def test_a_residual_block_called_twice_takes_two_backwards_and_adds_both_gradients():
    rng = np.random.default_rng(2)
    block, x, v = _block(rng), rng.normal(size=(3, 5)), rng.normal(size=(3, 5))

    def loss() -> float:
        with nets.no_grad():
            return float(np.sum(v * block(block(x))))

    block.zero_grad()
    y = block(block(x))
    assert y.shape == x.shape and block.pending_backwards == 2
    grad_x = block.backward(block.backward(v))
    assert block.pending_backwards == 0
    assert_matches(grad_x, loss, x, "x")
    for name, param in block.named_parameters():
        assert_matches(block.gradients()[name], loss, param, name)


def test_residual_names_its_parameters_under_body():
    names = [n for n, _ in _block(np.random.default_rng(3)).named_parameters()]
    assert names[0] == "body.0.weight" and len(names) == 4


def test_residual_refuses_a_body_that_changes_the_shape_and_a_non_module():
    rng = np.random.default_rng(4)
    with pytest.raises(ValueError, match="body"):
        nets.Residual(nets.Linear(5, 3, rng=rng))(rng.normal(size=(2, 5)))
    with pytest.raises(TypeError, match="body"):
        nets.Residual(lambda x: x)
