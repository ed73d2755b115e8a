import numpy as np
import pytest

import nets


def _one_parameter(value=1.0):
    layer = nets.Linear(1, 1, bias=False)
    layer.params["weight"][...] = value
    return layer


def _step(optimiser, layer, grad):
    layer.grads["weight"][...] = grad
    optimiser.step()
    return float(layer.params["weight"][0, 0])


def test_plain_sgd_steps_against_the_gradient():
    layer = _one_parameter()
    assert _step(nets.optim.SGD(layer, lr=0.1), layer, 2.0) == pytest.approx(0.8)


def test_momentum_buffer_starts_at_the_first_gradient_as_pytorch():
    layer = _one_parameter()
    sgd = nets.optim.SGD(layer, lr=0.1, momentum=0.9, dampening=0.5)
    assert _step(sgd, layer, 1.0) == pytest.approx(0.9)            # b = g = 1
    assert _step(sgd, layer, 1.0) == pytest.approx(0.9 - 0.1 * 1.4)  # b = 0.9 + 0.5 = 1.4


def test_nesterov_and_weight_decay():
    layer = _one_parameter(2.0)
    sgd = nets.optim.SGD(layer, lr=0.1, momentum=0.5, weight_decay=0.1, nesterov=True)
    # g = 1 + 0.1*2 = 1.2; b = 1.2; d = 1.2 + 0.5*1.2 = 1.8
    assert _step(sgd, layer, 1.0) == pytest.approx(2.0 - 0.18)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"lr": -1}, "lr"), ({"lr": float("nan")}, "lr"), ({"lr": 0.1, "momentum": -0.5}, "momentum"),
    ({"lr": 0.1, "momentum": 1.0}, "momentum"), ({"lr": 0.1, "momentum": float("nan")}, "momentum"),
    ({"lr": 0.1, "weight_decay": -1e-3}, "weight_decay"), ({"lr": 0.1, "dampening": 1.5}, "dampening"),
    ({"lr": 0.1, "nesterov": True}, "nesterov"), ({"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": True},
                                                 "nesterov")])
def test_bad_hyperparameters_are_refused(kwargs, name):
    with pytest.raises(ValueError, match=name):
        nets.optim.SGD(_one_parameter(), **kwargs)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"lr": -1, "momentum": 0.9}, "lr"), ({"lr": 0.1, "momentum": 1.2}, "momentum"),
    ({"lr": 0.1, "momentum": 0.9, "weight_decay": float("nan")}, "weight_decay"),
    ({"lr": 0.1, "momentum": 0.9, "convention": "nesterov"}, "convention"),
    ({"lr": 0.1, "momentum": 0.9, "buffer_start": float("inf")}, "buffer_start"),
    ({"lr": 0.1, "momentum": 0.9, "buffer_start": "zero"}, "buffer_start"),
    ({"lr": 0.1, "momentum": 0.9, "buffer_start": {"bias": 0.0}}, "buffer_start")])
def test_data_momentum_refuses_bad_hyperparameters(kwargs, name):
    with pytest.raises(ValueError, match=name):
        nets.optim.DataMomentumSGD(_one_parameter(), **kwargs)


def test_data_momentum_refuses_a_non_number():
    with pytest.raises(TypeError, match="lr"):
        nets.optim.DataMomentumSGD(_one_parameter(), lr="0.1", momentum=0.9)


@pytest.mark.parametrize(("convention", "damping"), [("pytorch", 1.0), ("average", 0.1)])
def test_data_momentum_averages_the_data_gradient_only(convention, damping):
    layer = _one_parameter(2.0)
    sgd = nets.optim.DataMomentumSGD(layer, lr=0.1, momentum=0.9, weight_decay=0.5, convention=convention,
                                     buffer_start=0.3)
    v = 0.9 * 0.3 + damping * 1.0
    theta = 2.0 - 0.1 * (v + 0.5 * 2.0)
    assert _step(sgd, layer, 1.0) == pytest.approx(theta)
    v = 0.9 * v + damping * 1.0
    assert _step(sgd, layer, 1.0) == pytest.approx(theta - 0.1 * (v + 0.5 * theta))


def test_data_momentum_first_gradient_start_takes_g_alone():
    layer = _one_parameter(2.0)
    sgd = nets.optim.DataMomentumSGD(layer, lr=0.1, momentum=0.9, weight_decay=0.5, buffer_start="first_gradient")
    assert _step(sgd, layer, 1.0) == pytest.approx(2.0 - 0.1 * (1.0 + 1.0))


def test_sgd_matches_torch_step_by_step_with_every_option():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    for options in ({"momentum": 0.9, "dampening": 0.3, "weight_decay": 0.05},
                    {"momentum": 0.8, "nesterov": True, "weight_decay": 0.01}, {}):
        layer = nets.Linear(3, 2, rng=rng)
        theirs = [torch.tensor(p.copy(), requires_grad=True) for p in layer.parameters().values()]
        ours = nets.optim.SGD(layer, lr=0.05, **options)
        reference = torch.optim.SGD(theirs, lr=0.05, **options)
        for _ in range(5):
            grads = [rng.standard_normal(p.shape) for p in layer.parameters().values()]
            for g, name, t in zip(grads, layer.parameters(), theirs):
                layer.grads[name][...] = g
                t.grad = torch.tensor(g)
            ours.step()
            reference.step()
        for p, t in zip(layer.parameters().values(), theirs):
            np.testing.assert_allclose(p, t.detach().numpy(), rtol=1e-14, atol=1e-15)


def test_training_a_small_classifier_lowers_the_loss():
    rng = np.random.default_rng(0)
    x, y = nets.data.gaussian_blobs(200, 3, 5, rng=rng)
    model = nets.Sequential(nets.Linear(5, 16, rng=rng), nets.ReLU(), nets.Linear(16, 3, rng=rng))
    loss, sgd = nets.SoftmaxCrossEntropy(), nets.optim.SGD(model, lr=0.1, momentum=0.9)
    first = loss(model(x), y)
    for _ in range(100):
        sgd.zero_grad()
        loss(model(x), y)
        model.backward(loss.backward())
        sgd.step()
    assert loss(model(x), y) < 0.5 * first
