"""The proof checker: one test per claim id and check kind (`pytest -k init.he_variance`), and the
power of every counted test of the catalogue held to its declared target."""
import functools

import pytest

import derivations
from montecarlo.checks import checks_of, declared_checks, run_check
from montecarlo.stats import RELATIVE_ERROR

# From the claims' records, which build no derivation (collection stays cheap on every xdist worker);
# test_every_claim_lists_the_checks_it_has holds them to the checks of the built derivations.
CASES = [(claim_id, kind) for claim_id in derivations.catalog() for kind in "SMFN"
         if kind in derivations.info(claim_id).checks]
IDS = [f"{c}-{k}" for c, k in CASES]


@functools.lru_cache(maxsize=None)
def _result(claim_id, kind):
    """Each check runs once per session; the verdict and the power tests read the same Evidence."""
    return run_check(claim_id, kind)


def test_every_claim_lists_the_checks_it_has():
    for claim_id in derivations.catalog():
        assert "".join(checks_of(claim_id)) == "".join(k for k in "SMFN" if k in derivations.get(claim_id).checks)
    assert CASES == [(claim_id, kind) for claim_id in derivations.catalog() for kind in checks_of(claim_id)]


@pytest.mark.parametrize(("claim_id", "kind"), CASES, ids=IDS)
def test_claim(claim_id, kind):
    result = _result(claim_id, kind)
    failures = [e.describe() for e in result.evidence if not e.passed]
    assert result.passed, f"{claim_id} {kind}: " + "; ".join(failures)


@pytest.mark.parametrize(("claim_id", "kind"), CASES, ids=IDS)
def test_every_counted_test_detects_its_target_error(claim_id, kind):
    """Every Evidence of a counted test states a target and a detectable error no larger; there are
    as many as the check declares; a target above 2% comes with a reason."""
    check = checks_of(claim_id)[kind]
    counted = [e for e in _result(claim_id, kind).evidence if e.target is not None]
    assert len(counted) == check.tests
    assert [e.target for e in counted] == [target for _, target, _ in check.targets]
    weak = [e.describe() for e in counted if not e.meets_target]
    assert not weak, f"{claim_id} {kind}: detectable error above target: " + "; ".join(weak)
    assert all(reason for _, target, reason in check.targets if target > RELATIVE_ERROR)


def test_the_power_test_covers_every_declared_check():
    declared = {(c.claim_id, c.kind) for c in declared_checks()}
    assert declared <= set(CASES)
    assert sum(c.tests for c in declared_checks()) > 0
