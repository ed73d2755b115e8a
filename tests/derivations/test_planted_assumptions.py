"""Plant a changed assumption in a derivation's model and see the derived result change.

A derivation that ignored its assumptions would give the same answer under a planted one; each
test here changes one (the weight mean, the symmetry of the weights or of the density, the leaky
slope, the batch size, where epsilon sits) and asserts that the result, or a link of the chain,
no longer holds.
"""
import dataclasses

import pytest
import sympy as sp
from sympy.stats import Exponential

import derivations
from derivations.batchnorm_backward import _expand_summary, batch_gradients, eps, input_gradient_closed_form, \
    symbolic_batch_gradient
from derivations.core import DerivationError, Step
from derivations.densities import a, normal_form, ratio_to_variance, relu
from derivations.init_variance import _weight_model, preactivation
from derivations.moments import Expectation, MomentModel, exchangeable, iid


def _with(claim_id: str, **changes):
    return dataclasses.replace(derivations.get(claim_id), **changes)


def test_a_weight_mean_breaks_the_preact_var_chain_and_lets_the_input_mean_in():
    weight_mean = sp.Symbol("w0", positive=True)
    planted = _with("init.preact_var", evaluate=_weight_model(weight_mean).evaluate)
    with pytest.raises(DerivationError, match="link"):
        planted.check()
    assert _weight_model(weight_mean).variance(preactivation).has(sp.Symbol("mu", real=True))


def test_a_weight_mean_gives_the_preactivation_a_mean():
    weight_mean = sp.Symbol("w0", positive=True)
    with pytest.raises(DerivationError):
        _with("init.preact_mean", evaluate=_weight_model(weight_mean).evaluate).check()


def test_skewed_weights_break_the_symmetry_chain():
    n, mu, chi = (derivations.get("init.preact_symmetric").symbol(s) for s in ("n", "mu", "chi"))
    w, x = sp.IndexedBase("w"), sp.IndexedBase("x")
    skewed = MomentModel(iid(w, moments={1: 0, 3: sp.Symbol("s3", positive=True)}),
                         exchangeable(x, moments={1: mu, 2: chi, 3: sp.Symbol("k3", positive=True)}))
    with pytest.raises(DerivationError, match="same distribution"):
        _with("init.preact_symmetric", evaluate=skewed.evaluate).check()
    assert skewed.expect(preactivation**3) != 0 and n in skewed.expect(preactivation**3).free_symbols


def test_a_skewed_density_changes_the_relu_second_moment():
    derivation = derivations.get("init.relu_second_moment")
    assert sp.simplify(derivation.values["exponential"] - 2 / sp.E) == 0
    assert sp.simplify(derivations.relu_second_moment(Exponential("e", 1) - 1) - sp.Rational(1, 2)) != 0
    with pytest.raises(ValueError, match="not linear in the density|not a fixed multiple"):
        ratio_to_variance(Expectation(relu(a) ** 2), symmetric_density=False)


def test_dropping_the_symmetry_rule_breaks_the_relu_chain():
    derivation = derivations.get("init.relu_second_moment")
    unsymmetric = [Step(s.expr, s.reason, normal_form if s.rule is not None else None) for s in derivation.steps[:-1]]
    with pytest.raises(DerivationError, match="symmetry"):
        _with("init.relu_second_moment", steps=unsymmetric).check()


def test_a_leaky_slope_changes_he_and_the_recursion():
    n, slope = sp.Symbol("n", positive=True), sp.Symbol("s", positive=True)
    assert sp.simplify(derivations.he_variance(n, negative_slope=slope) - 2 / n) != 0
    assert derivations.variance_recursion(10, 1, 1, negative_slope=sp.Rational(1, 2)) != \
        derivations.variance_recursion(10, 1, 1)


def test_the_batch_size_enters_the_biased_running_variance():
    train_eval = derivations.get("bn.train_eval")
    B, s2 = train_eval.symbol("B"), train_eval.symbol("s2")
    biased = train_eval.values["biased"]
    assert biased.subs(B, 4) != biased.subs(B, 8) and sp.simplify(biased - s2) != 0
    assert sp.simplify(train_eval.values["unbiased"] - s2) == 0


def test_epsilon_outside_the_root_changes_the_input_gradient():
    planted = symbolic_batch_gradient(lambda variance: sp.sqrt(variance) + eps)["result"]
    assert not derivations.equal(planted, input_gradient_closed_form())
    assert derivations.equal(symbolic_batch_gradient()["result"], input_gradient_closed_form())


def test_the_symbolic_gradient_matches_a_batch_of_three_only_at_m_3():
    derivation = derivations.get("bn.input_gradient")
    m = derivation.symbol("m")
    batch_of_three = batch_gradients(3)["x1"]
    assert derivations.equal(_expand_summary(derivation.target, 3), batch_of_three)
    assert not derivations.equal(_expand_summary(derivation.target.subs(m, m + 1), 3), batch_of_three)
