import json

import pytest

import montecarlo


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
