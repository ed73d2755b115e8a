"""Modules called several times before backward: a stack of caches, gradients that accumulate, misuse."""
import numpy as np
import pytest

import nets

from .fd import assert_matches


def test_a_weight_shared_linear_applied_twice_matches_finite_differences():
    rng = np.random.default_rng(0)
    layer = nets.Linear(3, 3, rng=rng)
    x, v = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))

    def loss() -> float:
        with nets.no_grad():
            return float(np.sum(v * layer(np.tanh(layer(x)))))

    h = layer(x)
    a = np.tanh(h)
    layer(a)
    assert layer.pending_backwards == 2
    layer.zero_grad()
    da = layer.backward(v)  # the second call first
    dx = layer.backward(da * (1 - a**2))
    assert layer.pending_backwards == 0
    assert_matches(dx, loss, x, "input")
    for name, param in layer.parameters().items():
        assert_matches(layer.grads[name], loss, param, name)


def test_two_independent_calls_accumulate_both_gradients_in_reverse_order():
    rng = np.random.default_rng(1)
    model = nets.Sequential(nets.Linear(3, 4, rng=rng), nets.Tanh(), nets.Linear(4, 2, rng=rng))
    x1, x2 = rng.normal(size=(5, 3)), rng.normal(size=(2, 3))
    v1, v2 = rng.normal(size=(5, 2)), rng.normal(size=(2, 2))

    def loss() -> float:
        with nets.no_grad():
            return float(np.sum(v1 * model(x1)) + np.sum(v2 * model(x2)))

    model(x1)
    model(x2)
    model.zero_grad()
    dx2 = model.backward(v2)
    dx1 = model.backward(v1)
    assert_matches(dx1, loss, x1, "x1")
    assert_matches(dx2, loss, x2, "x2")
    for name, param in model.parameters().items():
        assert_matches(model.gradients()[name], loss, param, name)


def test_a_batchnorm_called_twice_before_backward_gets_each_batchs_gradient():
    rng = np.random.default_rng(2)
    bn = nets.BatchNorm1d(3)
    bn.weight[...], bn.bias[...] = rng.normal(size=3), rng.normal(size=3)
    x1, x2 = rng.normal(1.0, 2.0, (5, 3)), rng.normal(size=(4, 3))
    v1, v2 = rng.normal(size=(5, 3)), rng.normal(size=(4, 3))

    def loss() -> float:
        with nets.no_grad():
            return float(np.sum(v1 * bn(x1)) + np.sum(v2 * bn(x2)))

    bn(x1)
    bn(x2)
    bn.zero_grad()
    dx2, dx1 = bn.backward(v2), bn.backward(v1)
    assert_matches(dx1, loss, x1, "x1")
    assert_matches(dx2, loss, x2, "x2")
    assert_matches(bn.grads["weight"], loss, bn.weight, "weight")


def test_backward_with_no_forward_left_raises():
    layer = nets.Linear(2, 2, rng=np.random.default_rng(3))
    with pytest.raises(RuntimeError, match="no forward left"):
        layer.backward(np.ones((1, 2)))
    layer(np.ones((1, 2)))
    layer.backward(np.ones((1, 2)))
    with pytest.raises(RuntimeError, match="Linear.backward called with no forward left"):
        layer.backward(np.ones((1, 2)))


def test_a_gradient_of_the_wrong_shape_names_both_shapes_and_keeps_the_cache():
    layer = nets.Linear(2, 3, rng=np.random.default_rng(4))
    layer(np.ones((4, 2)))
    layer(np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"grad_output has shape \(4, 3\).*returned shape \(5, 3\)"):
        layer.backward(np.ones((4, 3)))
    assert layer.pending_backwards == 2
    assert layer.backward(np.ones((5, 3))).shape == (5, 2)
    assert layer.backward(np.ones((4, 3))).shape == (4, 2)


@pytest.mark.parametrize("module", [nets.ReLU(), nets.BatchNorm1d(2), nets.LayerNorm(2),
                                    nets.Sequential(nets.Linear(2, 2), nets.ReLU())])
def test_every_module_checks_the_gradient_shape(module):
    module(np.arange(6.0).reshape(3, 2))
    with pytest.raises(ValueError, match="grad_output has shape"):
        module.backward(np.ones((2, 2)))


def test_a_loss_backward_twice_after_one_forward_raises():
    loss = nets.MSELoss()
    loss(np.ones(3), np.zeros(3))
    loss.backward()
    with pytest.raises(RuntimeError, match="no forward left"):
        loss.backward()


def test_no_grad_keeps_no_cache_and_restores_the_mode():
    layer = nets.Linear(2, 2, rng=np.random.default_rng(5))
    assert nets.is_grad_enabled()
    with nets.no_grad():
        assert not nets.is_grad_enabled()
        y = layer(np.ones((1, 2)))
        with nets.no_grad():
            pass
        assert not nets.is_grad_enabled()
    assert nets.is_grad_enabled() and y.shape == (1, 2) and layer.pending_backwards == 0
    with pytest.raises(RuntimeError, match="no_grad"):
        layer.backward(np.ones((1, 2)))
    with pytest.raises(KeyError), nets.no_grad():
        raise KeyError("inside")
    assert nets.is_grad_enabled()


def test_no_grad_still_updates_batchnorm_running_statistics():
    bn = nets.BatchNorm1d(2)
    with nets.no_grad():
        bn(np.array([[1.0, 2.0], [3.0, 6.0]]))
    assert bn.pending_backwards == 0 and int(bn.num_batches_tracked) == 1
    assert np.allclose(bn.running_mean, [0.2, 0.4])


def test_clear_caches_empties_a_container_and_its_children():
    model = nets.Sequential(nets.Linear(2, 2), nets.Tanh())
    for _ in range(3):
        model(np.ones((1, 2)))
    assert model.pending_backwards == 3 and model[1].pending_backwards == 3
    model.clear_caches()
    assert model.pending_backwards == 0 and model[0].pending_backwards == 0 and model[1].pending_backwards == 0
