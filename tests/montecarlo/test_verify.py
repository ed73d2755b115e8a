import json

import pytest
import sympy as sp

import derivations
import montecarlo
from derivations import Comparison
from montecarlo.checks import checks_of
from montecarlo.verify import CandidateReport, example_candidate


def test_a_report_serialises_to_json_with_its_evidence():
    report = montecarlo.verify("init.preact_mean")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["id"] == "init.preact_mean" and data["passed"] is True
    kinds = [c["kind"] for c in data["checks"]]
    assert kinds == ["S", "M"]
    evidence = data["checks"][1]["evidence"][0]
    for key in ("estimate", "std_error", "ci", "claimed", "p_value", "samples", "seed", "detectable_error"):
        assert key in evidence


def test_kinds_selects_checks_and_refuses_absent_ones():
    assert [c.kind for c in montecarlo.verify("init.vanishing_chain", kinds="N").checks] == ["N"]
    with pytest.raises(ValueError, match="kinds"):
        montecarlo.verify("init.vanishing_chain", kinds="F")


def test_a_candidate_without_a_simulation_is_judged_symbolically():
    report = montecarlo.verify("init.zero_init_symmetry", "1/3")
    assert report.symbolic_equal is False and report.numeric_rejected is None and report.rejected
    assert report.verdict == "rejected" and report.comparison.right == sp.Rational(1, 2)


@pytest.mark.parametrize("claim_id, candidate", [
    ("relu.forward_backward_example", "1"), ("loss.softmax_ce_gradient", "12345"),
    ("loss.softmax_ce_gradient", "1/0"), ("relu.forward_backward_example", "[1, 2, 3, 4]"),
    ("init.preact_var", "1/0"), ("init.preact_var", "[n, v]"),
])
def test_a_candidate_of_the_wrong_shape_or_not_finite_is_refused_never_accepted(claim_id, candidate):
    with pytest.raises(ValueError, match="scalar|matrix|vector|finite") as error:
        montecarlo.verify(claim_id, candidate)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("claim_id", list(derivations.catalog()))
def test_the_example_candidate_that_show_prints_is_accepted(claim_id):
    """Proved equal, and simulated without a rejection by every check that judges candidates
    (test_power's derived-answer test for init.he_variance, in ``-m slow``, is this one)."""
    report = montecarlo.verify(claim_id, example_candidate(claim_id))
    assert report.verdict == "accepted" and report.accepted and not report.rejected
    simulated = any(check.judges_candidates for check in checks_of(claim_id).values())
    assert report.symbolic_equal is True and report.numeric_rejected is (False if simulated else None), report.notes


def test_a_matrix_candidate_off_in_one_entry_is_rejected_with_its_witness():
    text = example_candidate("relu.forward_backward_example").replace("[[", "[[1000 + ", 1)
    report = montecarlo.verify("relu.forward_backward_example", text)
    assert report.verdict == "rejected" and report.comparison.entry == (0, 0)
    data = report.to_dict()
    assert data["comparison"]["outcome"] == "different" and data["verdict"] == "rejected"


def test_a_wrong_relu_derivative_is_rejected_with_a_witness_point():
    report = montecarlo.verify("activations.relatives", "where(x > 0, 1, exp(x))")
    assert report.verdict == "rejected" and "x" in report.comparison.witness and "alpha" in report.comparison.witness


def test_undecided_is_neither_a_pass_nor_a_rejection():
    report = CandidateReport("init.zero_init_symmetry", "c", sp.Integer(1), Comparison("undecided", "why"), None)
    assert report.verdict == "undecided" and not report.rejected and not report.accepted
    assert report.symbolic_equal is None and report.to_dict()["verdict"] == "undecided"
    simulated_no = CandidateReport("x", "c", sp.Integer(1), Comparison("undecided", "why"), True)
    assert simulated_no.verdict == "rejected"


def test_a_candidate_too_costly_to_simulate_is_judged_by_its_witness_alone():
    report = montecarlo.verify("init.preact_var", "n**n**n")
    assert report.verdict == "rejected" and report.comparison.different
    assert report.notes and "cannot be evaluated" in report.notes[0]
