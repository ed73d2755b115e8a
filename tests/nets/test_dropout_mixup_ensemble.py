"""nets.Dropout (PyTorch's p = drop probability), mixup sampling, the small classifier and Ensemble."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import nets
from nets.mixup import fit_classifier, mixup_pairs, one_hot, per_example_loss, softmax_classifier


@settings(deadline=None, max_examples=25)
@given(p=st.floats(0.0, 1.0), shape=st.lists(st.integers(1, 5), min_size=1, max_size=3),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2**16))
def test_dropout_output_is_zero_or_scaled_by_one_over_keep(p, shape, dtype, seed):
    layer = nets.Dropout(p, generator=np.random.default_rng(seed))
    x = np.random.default_rng(seed + 1).normal(size=shape).astype(dtype) + 3
    y = layer(x)
    assert y.dtype == dtype and y.shape == x.shape
    if p == 1.0:
        assert not y.any()
    else:
        kept = y != 0
        np.testing.assert_allclose(y[kept], x[kept] / dtype(1 - p), rtol=1e-6)


def test_dropout_backward_uses_each_forwards_own_mask_in_reverse_order():
    layer = nets.Dropout(0.5, generator=np.random.default_rng(0))
    x = np.ones((4, 6))
    y1, y2 = layer(x), layer(x)
    upstream = np.arange(24.0).reshape(4, 6)
    np.testing.assert_array_equal(layer.backward(upstream), upstream * y2)
    np.testing.assert_array_equal(layer.backward(upstream), upstream * y1)


def test_dropout_is_the_identity_in_eval_mode_and_with_p_zero():
    x = np.random.default_rng(1).normal(size=(3, 4))
    assert np.array_equal(nets.Dropout(0.0)(x), x)
    layer = nets.Dropout(0.9).eval()
    assert np.array_equal(layer(x), x)
    assert np.array_equal(layer.backward(x), x)


def test_dropout_drops_with_probability_p_not_the_keep_probability():
    layer = nets.Dropout(0.8, generator=np.random.default_rng(2))
    dropped = (layer(np.ones(200_000)) == 0).mean()
    assert abs(dropped - 0.8) < 0.01  # sd 0.0009: 11 sd away from failing
    assert layer.keep == pytest.approx(0.2)


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan"), float("inf")])
def test_dropout_refuses_a_probability_outside_zero_one(p):
    with pytest.raises(ValueError, match="p"):
        nets.Dropout(p)


def test_dropout_refuses_a_non_number_and_a_non_generator():
    with pytest.raises(TypeError, match="p"):
        nets.Dropout(True)
    with pytest.raises(TypeError, match="generator"):
        nets.Dropout(0.5, generator=np.random.RandomState(0))


def test_mixup_pairs_mix_inputs_and_targets_with_the_same_lambda():
    rng = np.random.default_rng(3)
    inputs, labels = nets.data.gaussian_blobs(10, 3, 2, rng=rng)
    targets = one_hot(labels, 3)
    batch = mixup_pairs(inputs, targets, 50, 0.4, rng=np.random.default_rng(4))
    lam = batch.lam[:, None]
    np.testing.assert_allclose(batch.inputs, lam * inputs[batch.first] + (1 - lam) * inputs[batch.second])
    np.testing.assert_allclose(batch.targets, lam * targets[batch.first] + (1 - lam) * targets[batch.second])
    np.testing.assert_allclose(batch.targets.sum(axis=1), 1)
    again = mixup_pairs(inputs, targets, 50, 0.4, rng=np.random.default_rng(4))
    assert np.array_equal(again.lam, batch.lam)


@pytest.mark.parametrize(("name", "kwargs"), [("alpha", {"alpha": 0.0}), ("size", {"size": 0}),
                                               ("alpha", {"alpha": float("nan")})])
def test_mixup_pairs_refuse_bad_arguments_by_name(name, kwargs):
    inputs, targets = np.zeros((4, 2)), one_hot(np.array([0, 1, 0, 1]), 2)
    arguments = {"size": 5, "alpha": 0.4, **kwargs}
    with pytest.raises(ValueError, match=name):
        mixup_pairs(inputs, targets, arguments["size"], arguments["alpha"], rng=np.random.default_rng(0))


def test_the_classifier_trains_on_synthetic_blobs():
    rng = np.random.default_rng(5)
    inputs, labels = nets.data.gaussian_blobs(60, 3, 2, rng=rng, separation=4.0)
    targets = one_hot(labels, 3)
    model = softmax_classifier(2, 3, rng=rng)
    before = per_example_loss(model, inputs, targets).mean()
    fit_classifier(model, inputs, targets, steps=100)
    assert per_example_loss(model, inputs, targets).mean() < 0.5 * before


def test_ensemble_averages_outputs_and_splits_the_gradient():
    rng = np.random.default_rng(6)
    members = [nets.Linear(3, 2, rng=rng) for _ in range(4)]
    ensemble = nets.Ensemble(members)
    x, upstream = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    with nets.no_grad():
        reference = np.mean([m(x) for m in members], axis=0)
    np.testing.assert_allclose(ensemble(x), reference)
    dx = ensemble.backward(upstream)
    np.testing.assert_allclose(dx, sum(upstream / 4 @ m.weight for m in members))
    np.testing.assert_allclose(members[0].grads["weight"], (upstream / 4).T @ x)
    assert set(ensemble.parameters()) == {f"{k}.{n}" for k in range(4) for n in ("weight", "bias")}


def test_ensemble_refuses_no_members_and_non_modules():
    with pytest.raises(ValueError, match="members"):
        nets.Ensemble([])
    with pytest.raises(TypeError, match="members"):
        nets.Ensemble([np.zeros(2)])


@settings(deadline=None, max_examples=25)
@given(n=st.integers(1, 8), features=st.integers(1, 4), classes=st.integers(2, 5), size=st.integers(1, 20),
       alpha=st.floats(0.05, 5.0), seed=st.integers(0, 2**16))
def test_mixup_pairs_shapes_and_lambda_range(n, features, classes, size, alpha, seed):
    rng = np.random.default_rng(seed)
    inputs = rng.normal(size=(n, features))
    targets = one_hot(rng.integers(0, classes, n), classes)
    batch = mixup_pairs(inputs, targets, size, alpha, rng=rng)
    assert batch.inputs.shape == (size, features) and batch.targets.shape == (size, classes)
    assert np.all((batch.lam >= 0) & (batch.lam <= 1))
    np.testing.assert_allclose(batch.targets.sum(axis=1), 1)
