"""nets.train: the loop records losses and per-layer gradient rms, freezes by name, refuses bad input."""
import numpy as np
import pytest

import nets
from nets.train import deep_mlp, evaluate, gradient_rms, teacher_task, train, weight_names


def _task(rng, n=64):
    teacher = [rng.standard_normal((8, 4))]
    return teacher_task(n, features=4, classes=3, teacher=teacher, readout=rng.standard_normal((3, 8)), rng=rng)


def test_train_records_one_loss_and_one_gradient_rms_per_weight_layer_and_step():
    rng = np.random.default_rng(0)
    x, y = _task(rng)
    model = deep_mlp(3, 8, in_features=4, classes=3, residual=True, rng=rng)
    record = train(model, x, y, steps=30, batch_size=16, lr=0.1, rng=rng)
    assert record.losses.shape == (30,) and record.gradient_rms.shape == (30, 5)
    assert record.layers == weight_names(model) and record.layers[0] == "0.weight"
    assert record.losses[-5:].mean() < record.losses[:5].mean()


def test_gradient_rms_is_the_frobenius_norm_over_the_square_root_of_the_size():
    rng = np.random.default_rng(1)
    model = nets.Sequential(nets.Linear(3, 2, rng=rng))
    model.gradients()["0.weight"][...] = [[3.0, 0, 0], [0, 4.0, 0]]
    assert gradient_rms(model, ["0.weight"])[0] == pytest.approx(5 / np.sqrt(6))


def test_frozen_parameters_do_not_move_and_the_others_do():
    rng = np.random.default_rng(2)
    x, y = _task(rng)
    model = deep_mlp(2, 8, in_features=4, classes=3, residual=False, rng=rng, batchnorm=False)
    before = {k: v.copy() for k, v in model.parameters().items()}
    train(model, x, y, steps=10, batch_size=16, lr=0.1, rng=rng, frozen=("0.weight", "0.bias"))
    after = model.parameters()
    assert np.array_equal(after["0.weight"], before["0.weight"]) and np.array_equal(after["0.bias"], before["0.bias"])
    assert not np.array_equal(after["2.0.weight"], before["2.0.weight"])


def test_evaluate_returns_loss_and_accuracy_and_restores_the_mode():
    rng = np.random.default_rng(3)
    x, y = _task(rng)
    model = deep_mlp(1, 8, in_features=4, classes=3, residual=True, rng=rng)
    loss, accuracy = evaluate(model, x, y)
    assert loss > 0 and 0 <= accuracy <= 1 and model.training


def test_train_refuses_bad_input_naming_the_argument():
    rng = np.random.default_rng(4)
    x, y = _task(rng, n=16)
    model = deep_mlp(1, 8, in_features=4, classes=3, residual=True, rng=rng)
    with pytest.raises(ValueError, match="batch_size"):
        train(model, x, y, steps=1, batch_size=32, lr=0.1, rng=rng)
    with pytest.raises(ValueError, match="labels"):
        train(model, x, y.astype(float), steps=1, batch_size=8, lr=0.1, rng=rng)
    with pytest.raises(ValueError, match="frozen"):
        train(model, x, y, steps=1, batch_size=8, lr=0.1, rng=rng, frozen=("nope",))
    with pytest.raises(TypeError, match="steps"):
        train(model, x, y, steps=1.5, batch_size=8, lr=0.1, rng=rng)
    with pytest.raises(ValueError, match="depth"):
        deep_mlp(0, 8, in_features=4, classes=3, residual=True, rng=rng)
