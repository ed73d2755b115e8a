"""The experiments' three-valued ordering verdicts, and their figures."""
import numpy as np
import pytest

from montecarlo.checks.residual_training import ORDER_LEVEL, ordering


def _verdict(differences, claimed=True):
    e = ordering("x", np.array(differences), claim_id="residual.depth_training", seed=0, what="d", claimed=claimed)
    return e.details["verdict"], e.passed


def test_an_ordering_is_shown_contradicted_or_not_shown_and_only_shown_passes():
    assert _verdict([1.0, 1.1, 0.9, 1.05, 0.95]) == ("shown", True)
    assert _verdict([-1.0, -1.1, -0.9, -1.05, -0.95]) == ("contradicted", False)
    assert _verdict([0.1, -0.2, 0.15, -0.05, 0.02]) == ("not shown at this scale", False)


def test_a_reported_ordering_keeps_its_verdict_and_does_not_fail_the_check():
    assert _verdict([0.1, -0.2, 0.15, -0.05, 0.02], claimed=False) == ("not shown at this scale", True)
    e = ordering("x", np.array([0.1, -0.2, 0.15]), claim_id="residual.depth_training", seed=0, what="d", claimed=False)
    assert "reported, not claimed (not shown at this scale)" in e.describe() and e.alpha == ORDER_LEVEL


@pytest.mark.slow
def test_each_experiment_draws_its_figure():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from montecarlo.checks.residual_training import depth_training_figure, gradient_uniformity_figure
    from montecarlo.checks.transfer import transfer_figure

    for draw in (depth_training_figure, gradient_uniformity_figure, transfer_figure):
        figure = draw()
        assert isinstance(figure, matplotlib.figure.Figure) and figure.axes


def test_not_shown_is_undecided_and_undecided_is_neither_a_pass_nor_a_failure(capsys, monkeypatch):
    from montecarlo import cli
    from montecarlo.evidence import CheckResult, Evidence
    from montecarlo.solutions import _evidence_row, evidence_table
    from montecarlo.verify import ClaimReport

    undecided = ordering("x", np.array([0.1, -0.2, 0.15, -0.05, 0.02]), claim_id="residual.depth_training", seed=0,
                         what="d")
    shown = ordering("y", np.array([1.0, 1.1, 0.9, 1.05, 0.95]), claim_id="residual.depth_training", seed=0, what="d")
    contradicted = ordering("z", -np.array([1.0, 1.1, 0.9, 1.05, 0.95]), claim_id="residual.depth_training", seed=0,
                            what="d")
    assert (undecided.outcome, shown.outcome, contradicted.outcome) == ("undecided", "passed", "failed")
    assert not undecided.passed and "UNDECIDED" in undecided.describe()
    with pytest.raises(ValueError, match="both passed and undecided"):
        Evidence("a.b", "N", "x", True, undecided=True)
    report = ClaimReport("residual.depth_training", False, [CheckResult("residual.depth_training", "N", False,
                                                                        [shown, undecided], 1.0)])
    assert report.outcome == "undecided" and not report.passed
    failing = ClaimReport("residual.depth_training", False, [CheckResult("residual.depth_training", "N", False,
                                                                         [undecided, contradicted], 1.0)])
    assert failing.outcome == "failed"
    assert "undecided" in _evidence_row("N", undecided.to_dict())
    assert "undecided" in evidence_table(report.to_dict())
    monkeypatch.setattr(cli, "verify_claims", lambda selected, **_: iter([report]))
    assert cli.main(["verify", "residual.depth_training", "--kinds", "N"]) == 4
    out = capsys.readouterr().out
    assert "UNDECIDED residual.depth_training" in out and "undecided (neither shown nor contradicted)" in out
    monkeypatch.setattr(cli, "verify_claims", lambda selected, **_: iter([failing]))
    assert cli.main(["verify", "residual.depth_training", "--kinds", "N"]) == 1
