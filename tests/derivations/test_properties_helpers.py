"""Property-based and hostile-input tests of the public derivation helpers.

Every helper answers a number it is given exactly (He: v·n = 2, LeCun: v·n = 1, Glorot:
v·(n_in + n_out) = 2, the pre-activation variance n·v·χ, the product variance, the recursion's
gain 1/2 for ReLU), keeps a symbol symbolic, and refuses anything else with a TypeError or a
ValueError naming the argument: a string is never parsed (``sympify`` would evaluate it), NaN,
infinities, complex numbers and non-positive widths are refused, NumPy scalars are numbers.
"""
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import derivations
from derivations import (
    compare, he_variance, lecun_variance, linear_unit_variance, overflow_depth, preact_variance, product_variance,
    underflow_depth, variance_recursion, xavier_variance,
)
from derivations.init_symmetry import IEEE_LIMITS

FAST = settings(max_examples=25, deadline=None)
positive_ints = st.integers(min_value=1, max_value=10**30)
positive_rationals = st.fractions(min_value=Fraction(1, 10**6), max_value=10**6).filter(lambda f: f > 0)
positive_numbers = st.one_of(positive_ints, positive_rationals.map(lambda f: sp.Rational(f.numerator, f.denominator)))
reals = st.one_of(st.integers(-10**6, 10**6), st.fractions(-100, 100).map(lambda f: sp.Rational(f.numerator, f.denominator)))


@FAST
@given(positive_numbers)
def test_he_variance_times_the_fan_in_is_two(n):
    assert sp.simplify(he_variance(n) * n) == 2
    assert sp.simplify(he_variance(1, n, mode="fan_out") * n) == 2


@FAST
@given(positive_numbers, reals)
def test_leaky_he_variance_is_two_over_one_plus_slope_squared(n, slope):
    assert sp.simplify(he_variance(n, negative_slope=slope) * n * (1 + sp.sympify(slope) ** 2)) == 2


@FAST
@given(positive_numbers, positive_numbers)
def test_lecun_and_glorot_variances(n_in, n_out):
    assert sp.simplify(lecun_variance(n_in) * n_in) == 1
    assert sp.simplify(linear_unit_variance(n_in) * n_in) == 1
    assert sp.simplify(xavier_variance(n_in, n_out) * (n_in + n_out)) == 2


@FAST
@given(positive_numbers, positive_numbers, positive_numbers)
def test_preact_variance_and_the_recursion_are_products(n, v, chi):
    assert sp.simplify(preact_variance(n, v, chi) - n * v * chi) == 0
    assert sp.simplify(variance_recursion(n, v, chi) - n * v * chi / 2) == 0


@FAST
@given(reals, positive_numbers, reals, positive_numbers)
def test_product_variance_is_the_moment_formula(mean_w, var_w, mean_a, var_a):
    expected = sp.sympify(mean_w) ** 2 * var_a + sp.sympify(mean_a) ** 2 * var_w + var_w * var_a
    assert sp.simplify(product_variance(mean_w, var_w, mean_a, var_a) - expected) == 0


@FAST
@given(st.fractions(min_value=Fraction(101, 100), max_value=10).map(lambda f: sp.Rational(f.numerator, f.denominator)),
       st.sampled_from(sorted(IEEE_LIMITS)))
def test_overflow_depth_is_the_first_depth_beyond_the_largest_float(c, dtype):
    largest, _ = IEEE_LIMITS[dtype]
    depth = overflow_depth(c, dtype)
    assert c**depth > largest >= c ** (depth - 1)


@FAST
@given(st.fractions(min_value=Fraction(1, 10), max_value=Fraction(99, 100)).map(
    lambda f: sp.Rational(f.numerator, f.denominator)), st.sampled_from(sorted(IEEE_LIMITS)))
def test_underflow_depth_is_the_first_depth_at_or_below_half_the_smallest_subnormal(c, dtype):
    _, smallest = IEEE_LIMITS[dtype]
    depth = underflow_depth(c, dtype)
    assert c**depth <= smallest / 2 < c ** (depth - 1)


def test_a_tiny_float_is_read_as_the_decimal_it_prints_not_rounded_to_zero():
    assert overflow_depth(2, x=1e-300) == overflow_depth(2, x=sp.Rational(1, 10**300)) > overflow_depth(2)
    assert underflow_depth(0.5, x=1e-300) == underflow_depth(sp.Rational(1, 2), x=sp.Rational(1, 10**300))
    with pytest.raises(ValueError, match="c must exceed 1"):
        overflow_depth(1e-300)


def test_a_start_beyond_the_range_overflows_at_depth_zero():
    assert overflow_depth(2, x=10**400) == 0
    assert underflow_depth(0.5, x=sp.Rational(1, 10**400)) == 0


@pytest.mark.parametrize("value", [np.int64(3), np.float64(2.5), np.float32(0.5), np.int8(7)])
def test_numpy_scalars_are_numbers(value):
    assert sp.simplify(he_variance(value) * value - 2) == 0 or abs(float(he_variance(value)) * float(value) - 2) < 1e-12


HELPERS = {
    "he_variance n_in": (lambda x: he_variance(x), "n_in"),
    "he_variance n_out": (lambda x: he_variance(1, x, mode="fan_out"), "n_out"),
    "he_variance negative_slope": (lambda x: he_variance(3, negative_slope=x), "negative_slope"),
    "xavier_variance": (lambda x: xavier_variance(x, 3), "n_in"),
    "lecun_variance": (lambda x: lecun_variance(x), "n_in"),
    "preact_variance n_in": (lambda x: preact_variance(x, 1, 1), "n_in"),
    "preact_variance weight_mean": (lambda x: preact_variance(2, 1, 1, weight_mean=x), "weight_mean"),
    "product_variance mean_w": (lambda x: product_variance(x, 1, 1, 1), "mean_w"),
    "product_variance var_a": (lambda x: product_variance(0, 1, 0, x), "var_a"),
    "variance_recursion depth": (lambda x: variance_recursion(2, 1, 1, depth=x), "depth"),
    "variance_recursion negative_slope": (lambda x: variance_recursion(2, 1, 1, negative_slope=x), "negative_slope"),
    "linear_unit_variance": (lambda x: linear_unit_variance(x), "d_x"),
    "overflow_depth c": (lambda x: overflow_depth(x), "c"),
    "overflow_depth x": (lambda x: overflow_depth(2, x=x), "x"),
    "underflow_depth x": (lambda x: underflow_depth(0.5, x=x), "x"),
}
class Opaque:
    """A plain object with a repr that is the same in every process (xdist workers must collect the same ids)."""

    def __repr__(self) -> str:
        return "<opaque object>"


NOT_NUMBERS = ["3", "__import__('os').system('echo executed')", "init.he_variance", "", [1], (1,), {},
               np.array([2.0]), sp.Matrix([1, 2]), sp.true, True, 1 + 2j, Opaque()]
NOT_REAL = [float("nan"), float("inf"), -float("inf"), sp.nan, sp.oo, -sp.oo, sp.zoo, sp.I, 2 + sp.I]


@pytest.mark.parametrize("helper", list(HELPERS))
@pytest.mark.parametrize("value", NOT_NUMBERS, ids=repr)
def test_a_value_that_is_not_a_number_is_a_type_error_naming_the_argument(helper, value, capfd):
    function, name = HELPERS[helper]
    with pytest.raises(TypeError, match=name):
        function(value)
    assert "executed" not in capfd.readouterr().out  # a string is never evaluated


@pytest.mark.parametrize("helper", list(HELPERS))
@pytest.mark.parametrize("value", NOT_REAL, ids=repr)
def test_nan_infinity_and_complex_values_are_value_errors_naming_the_argument(helper, value):
    function, name = HELPERS[helper]
    with pytest.raises(ValueError, match=name) as error:
        function(value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("helper", ["he_variance n_in", "he_variance n_out", "xavier_variance", "lecun_variance",
                                    "preact_variance n_in", "linear_unit_variance", "overflow_depth c"])
@pytest.mark.parametrize("value", [0, -1, -0.0, sp.Rational(-1, 3), sp.Symbol("q", negative=True)], ids=repr)
def test_a_width_or_scale_that_is_not_positive_is_a_value_error(helper, value):
    function, name = HELPERS[helper]
    with pytest.raises(ValueError, match=name):
        function(value)


@pytest.mark.parametrize("value", [-1, 2.5, sp.Rational(1, 3), sp.Symbol("q", negative=True), sp.sqrt(2)], ids=repr)
def test_depth_must_be_a_non_negative_integer(value):
    with pytest.raises(ValueError, match="depth"):
        variance_recursion(2, 1, 1, depth=value)


def test_huge_and_tiny_values_answer_at_once_and_exactly():
    assert he_variance(10**400) == sp.Rational(2, 10**400)
    assert preact_variance(2, 1, 1, weight_mean=1e-300).has(sp.Float)  # symbolic algebra, number substituted last
    assert lecun_variance(sp.Rational(1, 10**300)) == 10**300


def test_symbols_stay_symbolic():
    q = sp.Symbol("q", positive=True)
    assert he_variance(q) == 2 / q and xavier_variance(q, q) == 1 / q
    depth = sp.Symbol("L", integer=True, nonnegative=True)
    assert variance_recursion(q, depth=depth).has(depth)


expressions = st.recursive(
    st.one_of(st.integers(-50, 50).map(sp.Integer), st.sampled_from(sp.symbols("a b", positive=True))),
    lambda inner: st.one_of(st.tuples(inner, inner).map(lambda t: t[0] + t[1]),
                            st.tuples(inner, inner).map(lambda t: t[0] * t[1]),
                            st.tuples(inner, st.integers(0, 3)).map(lambda t: t[0] ** t[1]),
                            inner.map(sp.exp), inner.map(sp.sqrt)),
    max_leaves=8)


@settings(max_examples=30, deadline=None)
@given(expressions)
def test_compare_of_an_expression_with_itself_is_equal(expr):
    assert compare(expr, expr).equal


@settings(max_examples=30, deadline=None)
@given(expressions, st.integers(1, 9))
def test_compare_of_an_expression_with_itself_plus_a_constant_is_different_with_a_witness(expr, shift):
    outcome = compare(expr, expr + shift)
    assert not outcome.equal
    if outcome.different:
        assert outcome.left != outcome.right


@pytest.mark.parametrize("value", [3 + 2j, "n", None, Opaque(), np.array([1.0])], ids=repr)
def test_compare_refuses_what_is_not_an_expression_naming_the_side(value):
    with pytest.raises(TypeError, match="left side"):
        compare(value, 1)
    with pytest.raises(TypeError, match="right side"):
        compare(1, value)


@pytest.mark.parametrize("claim_id", [0, None, 1.5, b"init.he_variance", ["init.he_variance"], sp.Symbol("x")], ids=repr)
def test_info_and_get_refuse_an_id_that_is_not_a_string(claim_id):
    for function in (derivations.info, derivations.get):
        with pytest.raises(TypeError, match="claim_id"):
            function(claim_id)


@settings(max_examples=25, deadline=None)
@given(st.one_of(st.text(max_size=40), st.sampled_from(derivations.claim_ids())))
def test_info_and_get_answer_any_string_with_a_record_or_one_value_error(text):
    """(A known id's ``get`` builds the derivation, which other tests do: only ``info`` is asked here.)"""
    if text in set(derivations.claim_ids()):
        assert derivations.info(text).id == text
        return
    for function in (derivations.info, derivations.get):
        with pytest.raises(ValueError, match="claim_id") as error:
            function(text)
        assert text not in derivations.catalog() and len(str(error.value).splitlines()) <= 1 + text.count("\n")


def test_equal_is_compare_equal():
    a = sp.Symbol("a", positive=True)
    assert derivations.equal((a + 1) ** 2, a**2 + 2 * a + 1)
    assert not derivations.equal(a, a + 1)
    assert math.isclose(float(he_variance(4.0)), 0.5)


@pytest.mark.parametrize("value", [sp.oo, -sp.oo, sp.zoo, sp.I, sp.pi, sp.E, sp.Integer(10) ** 1000, sp.Rational(1, 3),
                                   sp.exp(sp.Symbol("a", positive=True)) ** 64], ids=str)
def test_compare_of_a_special_value_with_itself_is_equal(value):
    assert compare(value, value).equal


def test_nan_is_not_proved_equal_to_itself():
    assert not compare(sp.nan, sp.nan).equal


@pytest.mark.parametrize("value", [0, 1.5, "Normal('x', 0, 1)", None, sp.Symbol("x"), [1]], ids=repr)
def test_relu_second_moment_refuses_what_is_not_a_random_expression(value, capfd):
    with pytest.raises((TypeError, ValueError), match="distribution"):
        derivations.relu_second_moment(value)
    assert capfd.readouterr().out == ""


@settings(max_examples=5, deadline=None)
@given(st.integers(1, 20))
def test_relu_second_moment_of_a_centred_normal_is_half_its_variance(sigma):
    from sympy.stats import Normal
    assert sp.simplify(derivations.relu_second_moment(Normal("x", 0, sigma)) - sp.Integer(sigma) ** 2 / 2) == 0


@pytest.mark.parametrize("expr, point, error", [
    ("__import__('os').system('echo executed')", {}, TypeError), (sp.Symbol("x"), {sp.Symbol("x"): "1"}, TypeError),
    (sp.Symbol("x"), {sp.Symbol("x"): None}, TypeError), (sp.Symbol("x"), {sp.Symbol("x"): float("nan")}, ValueError),
    (sp.Symbol("x"), {sp.Symbol("x"): float("inf")}, ValueError),
], ids=["a string is not evaluated", "str value", "None value", "nan value", "inf value"])
def test_bounded_value_refuses_a_string_and_bad_points_without_running_anything(expr, point, error, capfd):
    from derivations.equality import bounded_value
    with pytest.raises(error):
        bounded_value(expr, point)
    assert "executed" not in capfd.readouterr().out


@FAST
@given(st.integers(-10**6, 10**6), st.integers(1, 10**6))
def test_bounded_value_is_exact_for_rational_points_of_any_number_type(p, q):
    from derivations.equality import bounded_value
    x = sp.Symbol("x")
    for value in (sp.Rational(p, q), np.int64(p), p):
        assert bounded_value(x**2 + 1, {x: value}) == sp.Rational(value) ** 2 + 1 if not isinstance(value, np.integer) \
            else bounded_value(x**2 + 1, {x: value}) == p**2 + 1


@pytest.mark.parametrize("candidate", ["__import__('os').system('echo executed')", b"2/n", ["2/n"], None, True],
                         ids=repr)
def test_accepts_refuses_what_is_not_sympy_so_a_claims_own_test_never_evaluates_a_string(candidate, capfd):
    derivation = derivations.get("bn.input_gradient")  # a claim with its own equivalence test, which sympifies
    with pytest.raises(TypeError, match="candidate"):
        derivation.accepts(candidate)
    assert "executed" not in capfd.readouterr().out


@pytest.mark.parametrize("text", ["__import__('os').system('echo executed')", "open(0)", "n.__class__", "eval('1')",
                                  "exec", "(lambda: 1)()", "[x for x in (1,)]", "'n'", "sqrt(n, evaluate=False)"])
def test_catalogue_expression_refuses_code_before_parse_expr_evaluates_it(text, capfd):
    from derivations.diagnosis import catalogue_expression
    with pytest.raises(ValueError, match="catalogue formula|not a formula"):
        catalogue_expression("init.preact_var", text)
    assert "executed" not in capfd.readouterr().out


def test_diagnose_and_explicit_refuse_a_string_which_sympify_would_evaluate(capfd):
    from derivations.diagnosis import diagnose
    from derivations.ugrnn import explicit
    code = "__import__('os').system('echo executed')"
    with pytest.raises(TypeError, match="candidate"):
        diagnose(sp.Symbol("n"), code)
    with pytest.raises(TypeError, match="target"):
        diagnose(code, sp.Symbol("n"))
    with pytest.raises(TypeError, match="expr"):
        explicit(code)
    assert "executed" not in capfd.readouterr().out
