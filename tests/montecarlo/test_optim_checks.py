"""Candidates for optim.* and symmetry.*: `dlproofs check` (with --part) rejects the plausible slips and
accepts rewrites; the declared checks themselves run in tests/test_claims.py."""
import pytest

import derivations
from montecarlo.cli import main
from montecarlo.verify import example_candidate, verify

EQUIVALENCE = "optim.momentum_equivalence"


def test_the_same_lam_momentum_and_lr_is_rejected_symbolically_and_by_the_trajectories():
    report = verify(EQUIVALENCE, "[[lr], [momentum], [lam]]")
    assert report.rejected and report.comparison.different and report.numeric_rejected


def test_the_uncorrected_weight_decay_is_rejected_by_the_trajectories():
    report = verify(EQUIVALENCE, "[[lr], [momentum*(1 - lr*lam)], [lam]]")
    assert report.rejected and report.numeric_rejected


def test_a_rewritten_mapping_is_accepted_and_the_runs_agree():
    report = verify(EQUIVALENCE, "[[lr], [momentum - momentum*lr*lam], [lam - lam*momentum]]")
    assert report.accepted and report.numeric_rejected is False


@pytest.mark.parametrize(("part", "candidate", "verdict"), [
    ("momentum", "momentum*(1 - lam*lr)", "accepted"), ("momentum", "momentum", "rejected"),
    ("weight_decay", "lam", "rejected"), ("weight_decay", "lam*(1 - momentum)", "accepted"),
    ("buffer_start", "lam*theta_0/(1 - lr*lam)", "accepted"), ("buffer_start", "lam*theta_0", "rejected"),
    ("schedule_momentum", "momentum*(1 - lr_previous*lam)", "accepted"),
    ("schedule_momentum", "momentum*(1 - lr*lam)", "rejected"),
])
def test_one_part_is_judged_alone(part, candidate, verdict):
    assert verify(EQUIVALENCE, candidate, part=part).verdict == verdict


@pytest.mark.parametrize("claim_id", ["optim.l2_gradient", "optim.momentum_data_only", EQUIVALENCE])
def test_the_example_candidate_of_every_part_is_accepted(claim_id):
    for part in derivations.get(claim_id).parts:
        assert verify(claim_id, example_candidate(claim_id, part), part=part).comparison.equal, part


def test_an_unknown_part_or_a_part_without_candidate_is_refused():
    with pytest.raises(ValueError, match="its parts are"):
        verify(EQUIVALENCE, "lr", part="eta")
    with pytest.raises(ValueError, match="needs a candidate"):
        verify(EQUIVALENCE, part="lr")


def test_the_l2_gradient_without_its_factor_2_is_rejected_by_finite_differences():
    report = verify("optim.l2_gradient", "alpha*w")
    assert report.rejected and report.numeric_rejected
    assert verify("optim.l2_gradient", "2*w*alpha").accepted


def test_the_data_only_update_with_lam_theta_inside_the_buffer_rule_is_rejected():
    assert verify("optim.momentum_data_only", "theta - lr*(momentum*(v + lam*theta) + g + lam*theta)").rejected


def test_cli_check_part_exit_codes_and_show_lists_the_parts(capsys):
    assert main(["check", EQUIVALENCE, "--part", "weight_decay", "(1-momentum)*lam"]) == 0
    assert main(["check", EQUIVALENCE, "--part", "weight_decay", "lam"]) == 1
    assert main(["check", EQUIVALENCE, "--part", "nope", "lam"]) == 2
    assert "its parts are" in capsys.readouterr().err
    assert main(["show", EQUIVALENCE]) == 0
    out = capsys.readouterr().out
    assert "--part NAME" in out and "buffer_start:" in out and "average_lr:" in out
