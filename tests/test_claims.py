"""The proof checker: one test per claim id and check kind (`pytest -k init.he_variance`)."""
import pytest

import derivations
from montecarlo.checks import checks_of, run_check

CASES = [(claim_id, kind) for claim_id in derivations.catalog() for kind in checks_of(claim_id)]


def test_every_claim_lists_the_checks_it_has():
    for claim_id in derivations.catalog():
        assert "".join(checks_of(claim_id)) == "".join(k for k in "SMFN" if k in derivations.get(claim_id).checks)


@pytest.mark.parametrize(("claim_id", "kind"), CASES, ids=[f"{c}-{k}" for c, k in CASES])
def test_claim(claim_id, kind):
    result = run_check(claim_id, kind)
    failures = [e.describe() for e in result.evidence if not e.passed]
    assert result.passed, f"{claim_id} {kind}: " + "; ".join(failures)
