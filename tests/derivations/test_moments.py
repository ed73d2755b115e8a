import pytest
import sympy as sp

from derivations.moments import Expectation, MomentModel, Variance, exchangeable, iid

n = sp.Symbol("n", positive=True, integer=True)
v, chi = sp.symbols("v chi", positive=True)
mu, m = sp.symbols("mu m", real=True)
i = sp.Symbol("i", integer=True, positive=True)
w, x = sp.IndexedBase("w"), sp.IndexedBase("x")
a = sp.Sum(w[i] * x[i], (i, 1, n))


def test_sum_of_n_iid_products_has_variance_n_v_chi():
    model = MomentModel(iid(w, mean=0, variance=v), exchangeable(x, moments={1: mu, 2: chi}))
    assert sp.simplify(model.variance(a) - n * v * chi) == 0
    assert model.expect(a) == 0


def test_a_planted_weight_mean_changes_the_derived_variance():
    model = MomentModel(iid(w, mean=m, variance=v), exchangeable(x, moments={1: mu, 2: chi}))
    result = model.variance(a)
    assert sp.simplify(result - n * v * chi) != 0
    assert sp.simplify(result.subs(m, 0) - n * v * chi) == 0
    assert any("x_{1} x_{2}" in s.name for s in result.free_symbols)


def test_iid_inputs_remove_the_correlation_term():
    model = MomentModel(iid(w, mean=m, variance=v), iid(x, moments={1: mu, 2: chi}))
    expected = n * (v * chi + m**2 * chi - m**2 * mu**2)
    assert sp.simplify(model.variance(a) - expected) == 0


def test_sum_over_partitions_counts_falling_factorials():
    model = MomentModel(iid(x, mean=0, variance=1, moments={4: 3}))
    fourth = model.expect(sp.Sum(x[i], (i, 1, n)) ** 4)
    assert sp.simplify(fourth - (3 * n + 3 * n * (n - 1))) == 0


def test_evaluate_replaces_unevaluated_expectations():
    model = MomentModel(iid(w, mean=0, variance=v), iid(x, mean=mu, variance=chi - mu**2))
    assert sp.simplify(model.evaluate(Variance(a)) - n * v * chi) == 0
    assert model.evaluate(Expectation(w[1] ** 2)) == v


def test_ambiguous_member_labels_are_refused():
    j = sp.Symbol("j", integer=True)
    model = MomentModel(iid(w, mean=0, variance=v))
    with pytest.raises(ValueError, match="coincide"):
        model.expect(w[i] * w[j])


def test_nested_sums_are_refused():
    j = sp.Symbol("j", integer=True, positive=True)
    model = MomentModel(iid(w, mean=0, variance=v))
    with pytest.raises(ValueError, match="nested"):
        model.expect(sp.Sum(w[i] * sp.Sum(w[j], (j, 1, n)), (i, 1, n)))
