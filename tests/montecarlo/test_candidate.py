import pytest
import sympy as sp

import montecarlo
from montecarlo.candidate import parse_candidate

n, v = sp.Symbol("n", positive=True, integer=True), sp.Symbol("v", positive=True)


def test_formulas_parse_into_the_claims_symbols():
    assert parse_candidate("n*v/2", [n, v]) == n * v / 2
    assert parse_candidate("2^n + sqrt(v) - pi", [n, v]) == 2**n + sp.sqrt(v) - sp.pi
    assert parse_candidate("0.5*n", [n, v]) == n / 2


@pytest.mark.parametrize("text", [
    "__import__('os').system('echo hacked')", "n.__class__", "(lambda: 1)()", "[n][0]", "'n'", "n if v else 1",
    "open('x')", "sqrt(x=n)", "n**100000", "",
])
def test_anything_but_a_formula_is_refused_without_running_it(text):
    with pytest.raises(ValueError):
        parse_candidate(text, [n, v])


def test_unknown_names_and_types_are_reported():
    with pytest.raises(ValueError, match="unknown name 'chi'"):
        parse_candidate("n*chi", [n, v])
    with pytest.raises(TypeError, match="candidate"):
        parse_candidate(3, [n, v])


def test_verify_refuses_symbols_that_are_not_the_claims():
    with pytest.raises(ValueError, match="symbols"):
        montecarlo.verify("init.he_variance", "2/m")
    with pytest.raises(ValueError, match="seed"):
        montecarlo.verify("init.he_variance", seed=-1)
