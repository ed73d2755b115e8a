"""Checks of inverted dropout (seeds 001, 004 §4), with seed 004's p = keep probability.

nets.Dropout takes PyTorch's drop probability: ``nets.Dropout(1 - p)``. The per-unit identities
E[M h / p] = h and V[M h / p] = h²(1 − p)/p are tested at keep probabilities 0.8 and 0.3 (where
1/p and the misread 1/(1 − p) differ by a factor 4 and 0.43). Seed 004's own three-layer ReLU
net (dropout after each hidden layer) shows where the per-unit match stops: its expected training
output, computed exactly by enumerating the 2^10 first-layer masks (the second layer's mask
enters the linear output layer linearly, so it averages out exactly), differs from its test output;
the Monte-Carlo mean of nets' training forward passes is tested against the exact expectation.
"""
from __future__ import annotations

import functools
import itertools

import numpy as np

import nets
from ..evidence import Evidence
from ..finite_diff import relative_error
from .base import Case, declare

__all__ = ["seed004_net", "exact_training_expectation", "predict_output", "KEEP", "HIDDEN"]

AGREE = 1e-12
KEEP, HIDDEN, FEATURES = 0.6, 10, 4
POINTS = ({"p": 0.8, "h": 1.7}, {"p": 0.3, "h": -0.6})


def _kept_or_dropped(p: float, kept_value):
    """Draws M·kept_value(value) with the mask M = [U < p], U from ``rng.random``: a variable with two
    values, 0 (dropped) and kept_value(value) (kept). Its ``tally`` makes the same draws from the same
    random numbers and returns them as the two values and how many draws took each (the kept count is
    counted, not drawn from a Binomial), which is all their power sums need."""
    def draw(rng, size, value):
        return (rng.random(size) < p) * kept_value(value)

    def tally(rng, size, value):
        kept = np.count_nonzero(rng.random(size) < p)
        return (0.0, kept_value(value)), (size - kept, kept)
    draw.tally = tally
    return draw


def _masked(point):
    """M h s with the scale s the value under test (1/p when right): h·s is one rounding, as (M·h)·s was."""
    return _kept_or_dropped(point["p"], lambda scale: point["h"] * scale)


def _masked_at_point(point):
    """M h / p at the point's own p (the value under test is the variance, not a parameter of the draws)."""
    return _kept_or_dropped(point["p"], lambda value: point["h"] / point["p"])


declare("dropout.inverted_scaling", "M", cases=[
    Case(f"E[s M h] = h with the scale s, keep p = {pt['p']}, h = {pt['h']}", pt, _masked(pt),
         claimed=lambda value, pt=pt: pt["h"]) for pt in POINTS
] + [
    Case(f"V[M h / p] = h^2 (1 - p)/p, keep p = {pt['p']}, h = {pt['h']}", pt, _masked_at_point(pt),
         statistic="variance", value_key="training_variance") for pt in POINTS
])


def _layer_draw(point):
    def draw(rng, size, value):
        layer = nets.Dropout(1 - point["p"], generator=rng)
        return layer(np.full(size, float(point["h"])))
    return draw


@functools.lru_cache(maxsize=None)
def seed004_net(activation: str = "relu"):
    """Seed 004's dropout_train/predict net: Linear-ReLU-Dropout-Linear-ReLU-Dropout-Linear, keep
    probability KEEP (nets.Dropout(1 - KEEP)), and one input x (1, FEATURES); fixed weights (part of
    the check's definition). ``activation`` "identity" drops the ReLUs (a linear net)."""
    rng = np.random.default_rng(2021)
    layers = [nets.Linear(FEATURES, HIDDEN, rng=rng), nets.Linear(HIDDEN, HIDDEN, rng=rng), nets.Linear(HIDDEN, 1, rng=rng)]
    layers[1].params["bias"][...] = rng.normal(0, 0.5, HIDDEN)
    x = rng.normal(0, 1.5, (1, FEATURES))
    act = nets.ReLU if activation == "relu" else (lambda: nets.Sequential())
    model = nets.Sequential(layers[0], act(), nets.Dropout(1 - KEEP), layers[1], act(), nets.Dropout(1 - KEEP),
                            layers[2])
    return model, x


def exact_training_expectation(activation: str = "relu") -> float:
    """E over the masks of the training output, by enumerating the first layer's 2^HIDDEN masks."""
    model, x = seed004_net(activation)
    first, act1, _, second, act2, _, last = model
    with nets.no_grad():
        hidden = act1(first(x))[0]
        total = 0.0
        for mask in itertools.product((0.0, 1.0), repeat=HIDDEN):
            mask = np.array(mask)
            kept = int(mask.sum())
            probability = KEEP**kept * (1 - KEEP) ** (HIDDEN - kept)
            total += probability * float(last(act2(second((hidden * mask / KEEP)[None, :])))[0, 0])
    return total


def predict_output(activation: str = "relu") -> float:
    """The output of seed 004's net in eval mode (its predict)."""
    model, x = seed004_net(activation)
    model.eval()
    with nets.no_grad():
        out = float(model(x)[0, 0])
    model.train()
    return out


def _net_draw(rng, size, value):
    """``size`` training forward passes of seed 004's net on its input, each with fresh masks."""
    model, x = seed004_net()
    for module in model:
        if isinstance(module, nets.Dropout):
            module.generator = rng
    model.train()
    with nets.no_grad():
        return model(np.repeat(x, size, axis=0))[:, 0]


def _gap_run(derivation, rng, seed):
    expected, test = exact_training_expectation(), predict_output()
    linear_expected, linear_test = exact_training_expectation("identity"), predict_output("identity")
    gap = expected - test
    layer = nets.Dropout(0.25, generator=rng)
    x, upstream = rng.normal(size=(6, 5)), rng.normal(size=(6, 5))
    y = layer(x)
    scaled_mask = (y != 0) / layer.keep
    grad = layer.backward(upstream)
    layer.eval()
    return [
        Evidence(derivation.id, "N", "seed 004's ReLU net: exact E[training output] - test output (2^10 masks)",
                 abs(gap) > 1e-3 * abs(test), estimator="gap", estimate=gap, seed=seed,
                 details={"expected_training_output": expected, "test_output": test, "relative_gap": gap / abs(test),
                          "note": "matching the expectation per unit does not carry through a ReLU"}),
        Evidence(derivation.id, "N", "the same net without ReLUs (linear): E[training output] = test output",
                 relative_error(np.array(linear_expected), np.array(linear_test)) <= AGREE,
                 estimator="relative error", estimate=relative_error(np.array(linear_expected), np.array(linear_test)),
                 threshold=AGREE, seed=seed),
        Evidence(derivation.id, "N", "nets.Dropout(0.25): y = x m / 0.75 and backward = upstream m / 0.75 (same mask)",
                 bool(np.array_equal(y, x * scaled_mask) and np.array_equal(grad, upstream * scaled_mask)),
                 estimator="exact", seed=seed),
        Evidence(derivation.id, "N", "nets.Dropout in eval mode is the identity", bool(np.array_equal(layer(x), x)),
                 estimator="exact", seed=seed),
    ]


declare("dropout.inverted_scaling", "N", cases=[
    Case(f"nets.Dropout({1 - pt['p']:.1f}) in training: mean of y = h", pt, _layer_draw(pt), value_key=None,
         claimed=lambda value, pt=pt: pt["h"]) for pt in POINTS
] + [
    Case(f"nets.Dropout({1 - pt['p']:.1f}) in training: variance h^2 (1 - p)/p", pt, _layer_draw(pt),
         statistic="variance", value_key="training_variance") for pt in POINTS
] + [
    Case("seed 004's three-layer ReLU net, keep 0.6: mean training output = the exact expectation (not the test "
         "output)", {}, _net_draw, value_key=None, claimed=lambda value: exact_training_expectation(), cost=40),
], run=_gap_run)
