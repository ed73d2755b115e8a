"""residual.gradient_uniformity, N: the per-layer gradient ratio measured through whole nets."""
import montecarlo
from montecarlo.checks import run_check


def test_the_network_ratios_match_the_derived_ones_and_are_counted_at_their_target():
    evidence = [e for e in run_check("residual.gradient_uniformity", "N").evidence if e.target is not None]
    assert len(evidence) == 2 and all(e.passed and e.detectable_error <= e.target for e in evidence)


def test_the_plain_ratio_given_for_the_residual_one_is_rejected_by_the_network_runs():
    report = montecarlo.verify("residual.gradient_uniformity", "n*sigma_W + 1.06")
    assert report.rejected and report.numeric_rejected
    network_rows = [e for e in report.evidence if e.kind == "N" and "residual blocks" in e.label]
    assert network_rows and not all(e.passed for e in network_rows)
