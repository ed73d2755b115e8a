import keyword

import pytest
import sympy as sp

import derivations
import montecarlo
from montecarlo.candidate import MAX_DEPTH, MAX_TOWER, parse_candidate
from montecarlo.verify import candidate_symbols, example_candidate

n, v = sp.Symbol("n", positive=True, integer=True), sp.Symbol("v", positive=True)
x = sp.Symbol("x", real=True)


def test_formulas_parse_into_the_claims_symbols():
    assert parse_candidate("n*v/2", [n, v]) == n * v / 2
    assert parse_candidate("2^n + sqrt(v) - pi", [n, v]) == 2**n + sp.sqrt(v) - sp.pi
    assert parse_candidate("0.5*n", [n, v]) == n / 2
    assert parse_candidate("-n", [n, v]) == -n


@pytest.mark.parametrize("text", [
    "__import__('os').system('echo hacked')", "n.__class__", "(lambda: 1)()", "[n][0]", "'n'", "n if v else 1",
    "open('x')", "sqrt(x=n)", "n**100000", "", "[[1, 2], [3]]", "[1, [2]]", "where(n, 1, 2)", "Piecewise(1, 2)",
    "[1, 2] + 1", "sqrt([1, 2])",
])
def test_anything_but_a_formula_is_refused_without_running_it(text):
    with pytest.raises(ValueError):
        parse_candidate(text, [n, v])


def test_unknown_names_and_types_are_reported():
    with pytest.raises(ValueError, match="unknown name 'chi'"):
        parse_candidate("n*chi", [n, v])
    with pytest.raises(TypeError, match="candidate"):
        parse_candidate(3, [n, v])


def test_vectors_and_matrices_parse_as_columns_and_rows():
    assert parse_candidate("[n, v]", [n, v]) == sp.ImmutableMatrix([n, v])
    assert parse_candidate("[[1, n], [v, 2]]", [n, v]) == sp.ImmutableMatrix([[1, n], [v, 2]])
    assert parse_candidate("Matrix([[1, n], [v, 2]])", [n, v]).shape == (2, 2)
    assert parse_candidate("2*[n, v]", [n, v]) == sp.ImmutableMatrix([2 * n, 2 * v])


def test_where_and_piecewise_give_the_same_piecewise_form():
    a = parse_candidate("where(x > 0, 1, exp(x))", [x])
    b = parse_candidate("Piecewise((1, x > 0), (exp(x), True))", [x])
    assert a == b == sp.Piecewise((1, x > 0), (sp.exp(x), True))
    assert parse_candidate("where(0 < x and x < 1, x, 0)", [x]).args[0][1] == sp.And(x > 0, x < 1)


@pytest.mark.parametrize("text, message", [
    ("n**n**n**n", "tower"), ("n" + "**-n" * 60, "tower"), ("-" * 300 + "n", "nested"),
    ("sqrt(" * 60 + "n" + ")" * 60, "nested"), ("(" * 300 + "n" + ")" * 300, "nested|formula"), ("1" * 40, "digits"), ("+".join(["n"] * 900), "nested|parts"),
])
def test_size_depth_digits_and_towers_are_bounded_with_one_line(text, message):
    with pytest.raises(ValueError, match=message) as error:
        parse_candidate(text, [n, v])
    assert "\n" not in str(error.value)
    assert MAX_TOWER >= 2 and MAX_DEPTH >= 20


def test_every_symbol_of_every_claim_can_be_typed():
    for claim_id in derivations.catalog():
        for symbol in candidate_symbols(claim_id):
            assert symbol.name.isidentifier() and not keyword.iskeyword(symbol.name), (claim_id, symbol.name)
            assert parse_candidate(symbol.name, candidate_symbols(claim_id)) == symbol


def test_every_claims_example_candidate_is_proved_equal_to_its_target():
    for claim_id in derivations.catalog():
        expression = parse_candidate(example_candidate(claim_id), candidate_symbols(claim_id))
        assert derivations.get(claim_id).accepts(expression).equal, claim_id


def test_verify_refuses_symbols_that_are_not_the_claims():
    with pytest.raises(ValueError, match="symbols"):
        montecarlo.verify("init.he_variance", "2/m")
    with pytest.raises(ValueError, match="seed"):
        montecarlo.verify("init.he_variance", seed=-1)
