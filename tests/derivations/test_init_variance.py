"""REPL helpers of derivations.init_variance: derived values, planted assumptions, bad input."""
import math

import pytest
import sympy as sp
from sympy.stats import Exponential, Laplace, Normal, Uniform

import derivations
from derivations import (he_variance, lecun_variance, preact_variance, product_variance, relu_second_moment,
                         variance_recursion, xavier_variance)


def test_he_variance_is_two_over_fan_in_and_follows_the_slope_and_mode():
    n = sp.Symbol("n", positive=True)
    assert he_variance(256) == sp.Rational(1, 128)
    assert sp.simplify(he_variance(n, negative_slope=sp.Rational(1, 10)) - 2 / (n * sp.Rational(101, 100))) == 0
    assert he_variance(10, 40, mode="fan_out") == sp.Rational(1, 20)


def test_he_variance_keeps_preactivation_variance_constant():
    n = 37
    assert variance_recursion(n, he_variance(n), 5) == 5


def test_fixed_std_shrinks_or_blows_up_geometrically():
    assert math.isclose(float(variance_recursion(256, 1e-4, depth=50)), 0.0128**50, rel_tol=1e-9)
    assert math.isclose(float(variance_recursion(256, 1, depth=3)), 128.0**3, rel_tol=1e-12)


def test_relu_second_moment_is_half_the_variance_for_symmetric_families():
    s = sp.Symbol("s", positive=True)
    for X, variance in ((Normal("a", 0, s), s**2), (Laplace("a", 0, s), 2 * s**2), (Uniform("a", -s, s), s**2 / 3)):
        assert sp.simplify(relu_second_moment(X) - variance / 2) == 0


def test_relu_second_moment_gives_the_true_value_for_a_skewed_variable():
    assert sp.simplify(relu_second_moment(Exponential("e", 1) - 1) - 2 / sp.E) == 0


def test_a_planted_leaky_slope_changes_the_recursion():
    assert variance_recursion(10, 1, 1) == 5
    assert sp.nsimplify(variance_recursion(10, 1, 1, negative_slope=sp.Rational(1, 2))) == sp.Rational(25, 4)


def test_preact_variance_with_a_weight_mean_is_not_n_v_chi():
    n, v, chi = sp.symbols("n v chi", positive=True)
    assert sp.simplify(preact_variance(weight_mean=sp.Rational(1, 3)) - n * v * chi) != 0


def test_xavier_and_lecun_values():
    assert xavier_variance(20, 60) == sp.Rational(1, 40)
    assert lecun_variance(7) == sp.Rational(1, 7)
    assert sp.simplify(product_variance(0, 2, 0, 3) - 6) == 0


@pytest.mark.parametrize(("call", "name"), [
    (lambda: he_variance(0), "n_in"), (lambda: he_variance(-3), "n_in"), (lambda: he_variance(float("nan")), "n_in"),
    (lambda: he_variance(3, mode="fan"), "mode"), (lambda: he_variance(3, mode="fan_out"), "n_out"),
    (lambda: xavier_variance(3, -1), "n_out"), (lambda: lecun_variance(0), "n_in"),
    (lambda: preact_variance(4, -0.5), "weight_variance"), (lambda: preact_variance(4, 1, -2), "second_moment"),
    (lambda: variance_recursion(4, 1, -1), "alpha_prev"), (lambda: product_variance(var_w=-1), "var_w"),
    (lambda: derivations.linear_unit_variance(0), "d_x"), (lambda: he_variance("n"), "n_in"),
])
def test_bad_input_is_a_value_or_type_error_naming_the_argument(call, name):
    with pytest.raises((ValueError, TypeError), match=name):
        call()


def test_shifted_relu_answer_increases_the_variance_and_differs_at_finite_width():
    d = sp.Symbol("d", positive=True, integer=True)
    large = derivations.shifted_relu_variance(d)
    assert sp.simplify(large * d - 2 * sp.pi / (sp.pi - 1)) == 0
    assert large.subs(d, 4) > derivations.linear_unit_variance(4)
    assert derivations.shifted_relu_variance(4, finite_width=True) == sp.Rational(16, 23)
