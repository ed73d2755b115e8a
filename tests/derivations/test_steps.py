"""A student's chain checked link by link: valid, invalid with a witness, cannot tell; all bounded."""
import pytest

import derivations
from derivations.mutants import CATALOGUE
from derivations.steps import MAX_LINES, hint, parse_chain

PREACT_WRONG = """V[a]
E[a^2] - E[a]^2                        # definition of the variance
n*E[w_1^2*x_1^2]                       # expand the square; E[w_i] = 0
n*E[w_1^2]*(E[x_1^2] - E[x_1]^2)       # w independent of x
"""


def test_a_right_chain_is_valid_and_ends_in_the_answer():
    chain = ["V[sum(w_i*x_i, i, 1, n)]", "E[a^2] - E[a]^2  # definition", "n*E[w_1^2]*E[x_1^2]  # independence",
             "n*v*chi"]
    report = derivations.get("init.preact_var").check_steps(chain)
    assert [k.status for k in report.links] == ["valid"] * 3
    assert report.answer.equal and report.valid and report.first_invalid is None
    assert report.lines[1].reason == "definition"


def test_the_invalid_link_is_found_with_a_witness_and_a_diagnosis():
    report = derivations.get("init.preact_var").check_steps(PREACT_WRONG, seconds_per_link=20)
    assert [k.status for k in report.links] == ["valid", "valid", "invalid"]
    bad = report.first_invalid
    assert bad.number == 4 and bad.comparison.different and bad.comparison.witness
    assert bad.diagnosis.kind == "substitution" and "right if mu = 0" in bad.diagnosis.message
    assert report.answer.different and not report.valid
    text = report.describe()
    assert "first invalid link: line 3 -> line 4" in text and "NOT the claim's answer" in text


def test_a_planted_assumption_changes_the_verdict():
    """E[w_1 w_2 x_1 x_2] = 0 holds only because E[w_i] = 0: with mean-m weights the same link fails."""
    import sympy as sp
    from derivations.init_variance import _weight_model

    derivation = derivations.get("init.preact_var")
    chain = ["E[w_1*w_2*x_1*x_2]", "0"]
    assert derivation.check_steps(chain).links[0].status == "valid"
    changed = _weight_model(sp.Symbol("m", positive=True))
    import dataclasses
    other = dataclasses.replace(derivation, evaluate=changed.evaluate)
    assert other.check_steps(chain).links[0].status == "invalid"


def test_a_bn_chain_finds_the_missing_square_root():
    chain = [
        "gamma*dy/sqrt(var + eps) - gamma*sum_dy/(m*sqrt(var + eps)) - gamma*(x - mu)*sum_dy_xmu/(m*(var + eps)^(3/2))",
        "gamma*dy/sqrt(var + eps) - gamma*sum_dy/(m*sqrt(var + eps)) - gamma*xhat*sum_dy_xhat/(m*sqrt(var + eps))",
        "gamma*(m*dy - sum_dy - xhat*sum_dy_xhat)/(m*sqrt(var + eps))",
        "gamma*(m*dy - sum_dy - xhat*sum_dy_xhat)/(m*(var + eps))",
    ]
    report = derivations.get("bn.input_gradient").check_steps(chain, seconds_per_link=20)
    assert [k.status for k in report.links] == ["valid", "valid", "invalid"]
    assert report.first_invalid.diagnosis.kind == "factor"


@pytest.mark.parametrize("line, fragment", [
    ("__import__('os')", "not allowed"),
    ("n.__class__", "not allowed"),
    ("n**99999", "exponent"),
    ("9" * 40, "digits"),
    ("n" + "+n" * 1200, "characters"),
    ("exp(exp(exp(exp(n))))", "tower"),
    ("zz + n", "unknown name"),
    ("n +* v", "not a formula"),
], ids=["call", "attribute", "exponent", "digits", "length", "tower", "name", "syntax"])
def test_hostile_lines_get_one_clear_line(line, fragment):
    report = derivations.get("init.preact_var").check_steps([line, "n*v*chi"])
    assert fragment in report.lines[0].error and "\n" not in report.lines[0].error
    assert report.links[0].status == "cannot tell"


@pytest.mark.parametrize("line", ["E[a^12]", "V[a^4]", "E[sum(w_i, i, 1, n)^7]"])
def test_expensive_expectations_are_refused_before_any_work(line):
    report = derivations.get("init.preact_var").check_steps([line, "0"])
    assert "sums multiplied" in report.links[0].note


def test_a_slow_link_is_cut_by_the_time_budget():
    report = derivations.get("init.preact_var").check_steps(["(n + v + chi + mu)^12*sqrt(n)^11", "0"],
                                                             seconds_per_link=0.5)
    assert report.links[0].status in ("cannot tell", "invalid")
    assert report.links[0].seconds < 5


def test_bad_chains_are_refused_naming_the_argument():
    derivation = derivations.get("init.preact_var")
    with pytest.raises(ValueError, match="lines"):
        derivation.check_steps(["n"] * (MAX_LINES + 1))
    with pytest.raises(ValueError, match="lines"):
        derivation.check_steps(["", "# only a comment"])
    with pytest.raises(TypeError, match="lines"):
        derivation.check_steps([1, 2])
    with pytest.raises(ValueError, match="seconds_per_link"):
        derivation.check_steps(["n", "n"], seconds_per_link=0)


def test_names_of_the_claim_parse():
    derivation = derivations.get("init.preact_var")
    lines = parse_chain(derivation, ["w[i]*x_i + w_1 + sum(w_j, (j, 1, n))", "relu(mu) + sqrt(chi)"])
    assert all(line.expr is not None for line in lines)


@pytest.mark.parametrize("claim_id", sorted(CATALOGUE))
def test_every_formula_claim_has_hints_that_are_reasons_only(claim_id):
    derivation = derivations.get(claim_id)
    k, total, reason = hint(derivation)
    assert k == 1 and total == len(derivation.steps) - 1 and reason == derivation.steps[1].reason
    with pytest.raises(ValueError, match="step"):
        hint(derivation, total + 1)


@pytest.mark.parametrize("claim_id", sorted(CATALOGUE))
def test_every_formula_claim_accepts_its_answer_as_a_one_line_chain(claim_id):
    from montecarlo.verify import example_candidate

    text = example_candidate(claim_id)
    if text.startswith("["):
        pytest.skip("a matrix answer is not a line of a chain")
    report = derivations.get(claim_id).check_steps([text.replace("Piecewise", "Piecewise")])
    assert report.answer is None or not report.answer.different


def test_equation_lines_for_the_claims_that_solve_for_a_parameter():
    right = derivations.get("init.he_variance").check_steps(["alpha*n*v/2 = alpha", "n*v/2 = 1", "v = 2/n"])
    assert right.valid
    wrong = derivations.get("init.glorot_compromise").check_steps(
        ["(n_in*omega + n_out*omega)/2 = 1", "omega*(n_in + n_out) = 2", "omega = 1/(n_in + n_out)"],
        seconds_per_link=20)
    assert [k.status for k in wrong.links] == ["valid", "invalid"]
    assert wrong.first_invalid.diagnosis.kind == "factor" and str(wrong.first_invalid.diagnosis.detail) == "1/2"
    with pytest.raises(ValueError):
        raise ValueError(derivations.get("init.he_variance").check_steps(["v = 1 = 2"]).lines[0].error)
