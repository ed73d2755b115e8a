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


@pytest.mark.parametrize(("kwargs", "name"), [({"lr": -1}, "lr"), ({"lr": 0.1, "momentum": -0.5}, "momentum"),
                                              ({"lr": 0.1, "nesterov": True}, "Nesterov")])
def test_bad_hyperparameters_are_refused(kwargs, name):
    with pytest.raises(ValueError, match=name):
        nets.optim.SGD(_one_parameter(), **kwargs)


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
