"""declare(): the one way to write a check. Test counts, seeds and timing come from the declaration."""
import numpy as np
import pytest

from montecarlo.checks import base
from montecarlo.checks.base import Case, NetworkCase, Statistic, declare, run_check, stream, total_tests
from montecarlo.evidence import Evidence
from montecarlo.stats import FAMILY_ALPHA

POINT = {"n": 8, "v": 0.5, "mu": 1.0, "chi": 1.5}  # init.preact_var's target n v chi is 6 here


def _normal_around_value(rng, size, value):
    return rng.normal(value, 1.0, size)


def _two_statistics(derivation, rng, count):
    return rng.normal([6.0, 3.0], 0.1, (count, 2))


@pytest.fixture
def registry(monkeypatch):
    """A private copy of the registry, so declarations made here leave the catalogue's alone."""
    base.declare_all()
    copy = {claim: dict(by_kind) for claim, by_kind in base._REGISTRY.items()}
    monkeypatch.setattr(base, "_REGISTRY", copy)
    return copy


def _toy(claim_id="init.preact_var", kind="N"):
    return declare(claim_id, kind,
                   cases=[Case("normal around the target", POINT, _normal_around_value)],
                   networks=[NetworkCase("two statistics", POINT, _two_statistics,
                                         (Statistic("first"), Statistic("second", target=0.05, reason="a toy")),
                                         claimed=lambda value: (value, value / 2))],
                   run=lambda derivation, rng, seed: [Evidence(derivation.id, "N", "a deterministic run", True)])


def test_the_count_of_tests_is_what_the_declarations_state(registry):
    before = total_tests()
    check = _toy()
    assert check.tests == 3  # one case, two network statistics; the run counts nothing
    assert total_tests() == before + 3
    assert base.alpha_per_test() == pytest.approx(FAMILY_ALPHA / (before + 3))


def test_a_run_gives_one_judged_evidence_per_counted_test_at_the_catalogue_level(registry):
    _toy()
    result = run_check("init.preact_var", "N", seed=4)
    assert result.passed, [e.describe() for e in result.evidence]
    counted = [e for e in result.evidence if e.target is not None]
    assert len(counted) == 3 and [e.target for e in counted] == [0.02, 0.02, 0.05]
    assert all(e.alpha == pytest.approx(base.alpha_per_test() / 2) for e in counted)
    assert all(e.meets_target for e in counted)
    assert all(e.seconds is not None and e.seconds >= 0 for e in result.evidence)


def test_seeds_are_reproducible_and_differ_between_declared_items(registry):
    _toy()
    first = [e.estimate for e in run_check("init.preact_var", "N", seed=7).evidence]
    again = [e.estimate for e in run_check("init.preact_var", "N", seed=7).evidence]
    other = [e.estimate for e in run_check("init.preact_var", "N", seed=8).evidence]
    assert first == again and first[1:] != other[1:]
    draws = [stream(7, "init.preact_var", "N", label).standard_normal(3) for label in ("a", "b")]
    assert not np.array_equal(*draws)
    assert not np.array_equal(stream(7, "init.preact_var", "M", "a").standard_normal(3), draws[0])
    assert not np.array_equal(stream(7, "init.preact_mean", "N", "a").standard_normal(3), draws[0])


def test_a_candidate_runs_only_what_judges_it(registry):
    _toy()
    evidence = run_check("init.preact_var", "N", seed=1, candidate=base.get("init.preact_var").target * 2).evidence
    assert [e.label for e in evidence] == ["normal around the target", "two statistics: first",
                                           "two statistics: second"]  # no deterministic run
    assert evidence[0].passed  # it draws with the candidate's value itself
    assert not evidence[1].passed and not evidence[2].passed  # the networks do not: twice the target is refused


@pytest.mark.parametrize(("arguments", "error", "message"), [
    (("no.such_claim", "M"), ValueError, "no.such_claim"),
    (("init.preact_var", "S"), ValueError, "kind"),
    (("init.preact_var", "X"), ValueError, "kind"),
    (("init.preact_var", "M"), ValueError, "declared already"),
    (("init.preact_var", "N"), ValueError, "declare cases, networks or a run"),
])
def test_a_bad_declaration_is_refused_with_a_clear_error(registry, arguments, error, message):
    with pytest.raises(error, match=message):
        declare(*arguments)


def test_bad_records_are_refused_with_a_clear_error(registry):
    with pytest.raises(ValueError, match="reason"):
        Statistic("weak", target=0.1)
    with pytest.raises(ValueError, match="target"):
        Case("no power", POINT, _normal_around_value, target=0.0)
    with pytest.raises(ValueError, match="statistic"):
        Case("median", POINT, _normal_around_value, statistic="median")
    with pytest.raises(TypeError, match="statistics"):
        NetworkCase("nothing counted", POINT, _two_statistics, (), claimed=lambda value: ())
    with pytest.raises(TypeError, match="cases"):
        declare("init.preact_var", "N", cases=["not a case"])
    with pytest.raises(ValueError, match="labels"):
        declare("init.preact_var", "N", cases=[Case("same", POINT, _normal_around_value)] * 2)
    with pytest.raises(TypeError, match="run"):
        declare("init.preact_var", "N", run="not callable")


def test_networks_of_the_wrong_shape_are_an_error_naming_the_case(registry):
    declare("init.preact_var", "N", networks=[NetworkCase(
        "one column short", POINT, lambda d, rng, count: np.ones((count, 1)),
        (Statistic("first"), Statistic("second")), claimed=lambda value: (1.0, 1.0))])
    with pytest.raises(ValueError, match="one column short"):
        run_check("init.preact_var", "N")
