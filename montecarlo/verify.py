"""verify(): every check of a claim, or a verdict on a candidate answer."""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from derivations import get
from .candidate import parse_candidate
from .checks.base import checks_of, run_check
from .evidence import CheckResult, Evidence

__all__ = ["ClaimReport", "CandidateReport", "verify"]


@dataclass
class ClaimReport:
    id: str
    passed: bool
    checks: list[CheckResult]

    @property
    def evidence(self) -> list[Evidence]:
        return [e for c in self.checks for e in c.evidence]

    def to_dict(self) -> dict:
        return {"id": self.id, "passed": self.passed, "checks": [c.to_dict() for c in self.checks]}


@dataclass
class CandidateReport:
    """A candidate's verdict: ``symbolic_equal`` (None when the claim has no formula to compare),
    ``rejected`` when the symbolic comparison or any simulation rejects it."""

    id: str
    candidate: str
    expression: sp.Expr
    symbolic_equal: bool | None
    numeric_rejected: bool | None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return self.symbolic_equal is False or bool(self.numeric_rejected)

    def to_dict(self) -> dict:
        return {"id": self.id, "candidate": self.candidate, "expression": sp.sstr(self.expression),
                "symbolic_equal": self.symbolic_equal, "numeric_rejected": self.numeric_rejected,
                "rejected": self.rejected, "evidence": [e.to_dict() for e in self.evidence]}


def verify(claim_id: str, candidate: str | sp.Expr | None = None, *, seed: int | None = None,
           kinds: str | None = None) -> ClaimReport | CandidateReport:
    """Run the checks of ``claim_id`` (all kinds, or those in ``kinds``), or judge ``candidate``.

    A candidate is a SymPy expression or a string in the claim's symbols (``dlproofs show ID``
    lists them); it is compared with the derived target symbolically and, where the claim has
    a Monte-Carlo check that simulates with its target, by that simulation alone.
    """
    derivation = get(claim_id)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    if candidate is None:
        available = checks_of(claim_id)
        wanted = available if kinds is None else {k: v for k, v in available.items() if k in kinds}
        if kinds is not None and not wanted:
            raise ValueError(f"kinds {kinds!r} selects none of {claim_id}'s checks ({''.join(available)})")
        results = [run_check(claim_id, kind, seed=seed) for kind in wanted]
        return ClaimReport(claim_id, all(r.passed for r in results), results)
    if isinstance(candidate, str):
        text, expression = candidate, parse_candidate(candidate, derivation.symbols)
    elif isinstance(candidate, sp.Basic):
        text, expression = sp.sstr(candidate), candidate
        by_name = {s.name: s for s in derivation.symbols}
        expression = expression.subs({s: by_name[s.name] for s in expression.free_symbols if s.name in by_name})
    else:
        raise TypeError(f"candidate must be a string or a SymPy expression, not {type(candidate).__name__}")
    unknown = sorted(s.name for s in expression.free_symbols if s not in set(derivation.symbols))
    if unknown:
        raise ValueError(f"candidate uses {unknown}, which are not symbols of {claim_id}")
    target = derivation.target
    symbolic = None if isinstance(target, (sp.MatrixBase, sp.Equality)) else derivation.accepts(expression)
    numeric, evidence = None, []
    for kind, check in checks_of(claim_id).items():
        if check.judges_candidates:
            evidence += run_check(claim_id, kind, seed=seed, candidate=expression).evidence
    if evidence:
        numeric = not all(e.passed for e in evidence)
    return CandidateReport(claim_id, text, expression, symbolic, numeric, evidence)
