import pytest
import sympy as sp

import derivations
from derivations.activations import SEED_004_DY, SEED_004_X, relu_layer


def test_relu_layer_reproduces_the_seed_exactly():
    relu = derivations.get("relu.forward_backward_example")
    y, dx = relu_layer(SEED_004_X, SEED_004_DY)
    assert y == relu.values["y"] and dx[1, 1] == 0 and dx[0, 0] == sp.Rational(9, 2)


def test_relu_layer_refuses_mismatched_shapes_and_kinks():
    with pytest.raises(ValueError, match="upstream"):
        relu_layer(SEED_004_X, sp.ones(2, 2))
    with pytest.raises(ValueError, match="inputs contains 0"):
        relu_layer(sp.zeros(2, 2), sp.ones(2, 2))


def test_softmax_gradient_fact_records_the_seed_sign_slip():
    derivation = derivations.get("loss.softmax_ce_gradient")
    assert any("minus" in f.statement and not f.holds for f in derivation.facts)
