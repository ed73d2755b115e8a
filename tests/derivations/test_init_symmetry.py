import pytest

import derivations
from derivations.init_symmetry import overflow_depth, underflow_depth


def test_overflow_and_underflow_depths_of_the_seed_chains():
    assert overflow_depth(1.2, "float32") == 487
    assert overflow_depth(1.2, "float64") == 3894
    assert underflow_depth(0.5, "float32") == 150
    assert underflow_depth(0.5, "float64") == 1075


def test_a_larger_input_overflows_sooner():
    assert overflow_depth(1.2, "float32", x=1e6) < overflow_depth(1.2, "float32")


@pytest.mark.parametrize(("call", "name"), [
    (lambda: overflow_depth(0.5), "c must exceed 1"), (lambda: underflow_depth(2), "c must lie"),
    (lambda: overflow_depth(1.2, "float16"), "dtype"), (lambda: underflow_depth(-1), "c must"),
])
def test_bad_input_is_named(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_zero_init_outputs_one_half_and_only_the_output_layer_learns():
    zero = derivations.get("init.zero_init_symmetry")
    assert zero.target == 1 / 2 or str(zero.target) == "1/2"
    assert zero.values["hidden_without_gradient"] == 4


def test_node_statistics_prediction_is_constant_under_he():
    import sympy as sp
    node = derivations.get("init.node_statistics")
    n, v, chi0, k = (node.symbol(s) for s in ("n", "v", "chi_0", "k"))
    assert sp.simplify(node.target.subs(v, 2 / n) - 2 * chi0) == 0
