"""Every registered claim has a step chain that SymPy checks and that ends in the claim's result."""
import dataclasses
import keyword

import pytest
import sympy as sp

import derivations
from derivations.core import DerivationError, Step, equal

IDS = list(derivations.catalog())


@pytest.mark.parametrize("claim_id", IDS)
def test_every_claim_has_a_checked_chain_that_ends_in_its_result(claim_id):
    derivation = derivations.get(claim_id)
    assert len(derivation.steps) >= 2, f"{claim_id} has no link"
    assert derivation.check() >= len(derivation.steps)
    assert equal(derivation.evaluate(derivation.steps[-1].expr), derivation.target)


@pytest.mark.parametrize("claim_id", IDS)
def test_every_link_gives_its_reason_in_plain_ascii(claim_id):
    first, *links = derivations.get(claim_id).steps
    assert first.reason == ""
    for link in links:
        assert link.reason.strip() and link.reason.isascii(), link.reason


@pytest.mark.parametrize("claim_id", IDS)
def test_every_symbol_a_claim_lists_can_be_typed_as_a_candidate(claim_id):
    for symbol in derivations.get(claim_id).symbols:
        assert symbol.name.isidentifier() and not keyword.iskeyword(symbol.name), symbol.name


def _wrong(expr: sp.Basic) -> sp.Basic:
    """The same kind of expression, off by a factor and a constant."""
    if isinstance(expr, sp.Equality):
        return sp.Eq(expr.lhs, 2 * expr.rhs + 1)
    if isinstance(expr, sp.MatrixBase):
        return expr + sp.ones(*expr.shape)
    return 2 * expr + 1


@pytest.mark.parametrize("claim_id", IDS)
def test_a_wrong_last_step_breaks_the_chain(claim_id):
    derivation = derivations.get(claim_id)
    before, last = derivation.steps[-2:]
    planted = dataclasses.replace(derivation, steps=[before, Step(_wrong(last.expr), last.reason, last.rule)],
                                  expected=None, facts=[])
    with pytest.raises(DerivationError):
        planted.check()
