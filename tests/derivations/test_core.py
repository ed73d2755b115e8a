import pytest
import sympy as sp

import derivations
from derivations import Derivation, DerivationError, Fact, Step, equal

x, y = sp.symbols("x y", positive=True)


def test_equal_decides_identities_and_differences():
    assert equal((x + y) ** 2, x**2 + 2 * x * y + y**2)
    assert not equal((x + y) ** 2, x**2 + y**2)
    assert equal(sp.Matrix([x, 1]), sp.Matrix([x, 1]))
    assert not equal(sp.Matrix([x, 1]), sp.Matrix([x, 2]))


def test_equal_falls_back_to_exact_evaluation_for_transcendental_identities():
    assert equal(sp.gamma(x + 1), x * sp.gamma(x))
    assert not equal(sp.gamma(x + 1), sp.gamma(x))


def _toy(steps, expected=None, facts=()):
    return Derivation(id="toy.claim", title="toy", source="test", checks="S", symbols=(x,), assumptions=(),
                      steps=steps, result=sp.Eq(sp.Symbol("r"), steps[-1].expr), expected=expected, facts=list(facts))


def test_check_names_the_first_broken_link():
    toy = _toy([Step((x + 1) ** 2, ""), Step(x**2 + 2 * x + 1, "expand"), Step(x**2 + 1, "a slip")])
    with pytest.raises(DerivationError, match="link 2 \\(a slip\\)"):
        toy.check()


def test_check_rejects_an_expected_form_that_differs():
    with pytest.raises(DerivationError, match="expected form"):
        _toy([Step(2 * x, "")], expected=3 * x).check()


def test_check_rejects_a_fact_that_fails():
    with pytest.raises(DerivationError, match="fact 'wrong'"):
        _toy([Step(2 * x, "")], facts=[Fact("wrong", x, 2 * x)]).check()


def test_latex_aligns_steps_with_reasons():
    text = _toy([Step((x + 1) ** 2, ""), Step(x**2 + 2 * x + 1, "expand")]).latex()
    assert r"\begin{align*}" in text and r"\overset{(1)}{=}" in text and r"\item[(1)] expand" in text


def test_unknown_claim_id_is_a_value_error_naming_the_argument():
    with pytest.raises(ValueError, match="claim_id 'init.nope'"):
        derivations.get("init.nope")
    with pytest.raises(TypeError, match="claim_id"):
        derivations.get(3)


def test_catalog_is_keyed_by_the_ids_of_claims_md():
    ids = list(derivations.catalog())
    assert "init.preact_var" in ids and len(ids) == len(set(ids))
    assert derivations.catalog()["init.preact_var"] is derivations.get("init.preact_var")


def test_equal_handles_explicit_and_symbolic_matrices():
    assert equal(sp.ImmutableMatrix([x**2 - y**2]), sp.ImmutableMatrix([(x - y) * (x + y)]))
    n = sp.Symbol("n", positive=True, integer=True)
    A, w = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("w", n, 1)
    assert equal((A * w).T * (A * w), w.T * (A.T * A) * w)
    assert not equal((A * w).T * (A * w), w.T * A * w)


def test_a_planted_false_inequality_over_an_unknown_density_fails_check():
    u = sp.Symbol("u", real=True)
    p = sp.Function("p")
    planted = Fact("int_0^1 p + int_1^2 p != int_0^2 p",
                   sp.Integral(p(u), (u, 0, 1)) + sp.Integral(p(u), (u, 1, 2)), sp.Integral(p(u), (u, 0, 2)),
                   holds=False)
    with pytest.raises(DerivationError, match="no witness"):
        _toy([Step(2 * x, "")], facts=[planted]).check()


def test_a_fact_claimed_false_passes_with_a_witness():
    assert _toy([Step(2 * x, "")], facts=[Fact("x^2 != x", x**2, x, holds=False)]).check() == 2


def test_accepts_returns_a_comparison_that_is_truthy_only_when_equal():
    toy = _toy([Step(2 * x, "")])
    assert toy.accepts(x + x) and toy.accepts(x + x).equal
    verdict = toy.accepts(3 * x)
    assert not verdict and verdict.different and "x" in verdict.witness
