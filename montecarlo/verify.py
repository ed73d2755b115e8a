"""verify(): every check of a claim, or a verdict on a candidate answer."""
from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass, field

import sympy as sp

from derivations import Comparison, catalog, get
from derivations.equality import bounded_value, check_size
from .candidate import parse_candidate
from .checks.base import checks_of, declared_of, run_check
from .evidence import CheckResult, Evidence, combined_outcome
from .parallel import check_workers, run_tasks

__all__ = ["ClaimReport", "CandidateReport", "verify", "verify_claims", "example_candidate", "candidate_symbols",
           "prepare_candidate"]


@dataclass
class ClaimReport:
    """The checks of one claim. ``passed``: every check passed. ``outcome``: "passed", "failed"
    (some Evidence failed) or "undecided" (none failed, but some neither showed nor contradicted
    the claim, such as an ordering not shown at this scale): undecided is never a pass."""

    id: str
    passed: bool
    checks: list[CheckResult]

    @property
    def evidence(self) -> list[Evidence]:
        return [e for c in self.checks for e in c.evidence]

    @property
    def outcome(self) -> str:
        return combined_outcome(c.outcome for c in self.checks)

    def to_dict(self) -> dict:
        return {"id": self.id, "passed": self.passed, "outcome": self.outcome,
                "checks": [c.to_dict() for c in self.checks]}


@dataclass
class CandidateReport:
    """A candidate's verdict, three-valued.

    ``comparison`` is the symbolic comparison with the derived target (equal, different with a
    witness, or undecided); ``numeric_rejected`` is None when no simulation applies. ``verdict``
    is "rejected" when the comparison finds a witness of a difference or any simulation rejects,
    "accepted" when the comparison proves it equal and no simulation rejects, and "undecided"
    otherwise: never a pass, never a rejection.
    """

    id: str
    candidate: str
    expression: sp.Basic
    comparison: Comparison
    numeric_rejected: bool | None
    evidence: list[Evidence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def symbolic_equal(self) -> bool | None:
        """True proved equal, False proved different (a witness), None undecided."""
        return {"equal": True, "different": False}.get(self.comparison.outcome)

    @property
    def verdict(self) -> str:
        if self.comparison.different or self.numeric_rejected:
            return "rejected"
        return "accepted" if self.comparison.equal else "undecided"

    @property
    def rejected(self) -> bool:
        return self.verdict == "rejected"

    @property
    def accepted(self) -> bool:
        return self.verdict == "accepted"

    def to_dict(self) -> dict:
        return {"id": self.id, "candidate": self.candidate, "expression": sp.sstr(self.expression),
                "verdict": self.verdict, "symbolic_equal": self.symbolic_equal,
                "comparison": self.comparison.to_dict(), "numeric_rejected": self.numeric_rejected,
                "rejected": self.rejected, "notes": list(self.notes), "evidence": [e.to_dict() for e in self.evidence]}


def candidate_symbols(claim_id: str) -> list[sp.Symbol]:
    """The names a candidate for ``claim_id`` may use: the claim's symbols, then any other symbol
    of its target (a matrix entry's x1, a piecewise form's x)."""
    derivation = get(claim_id)
    listed = list(derivation.symbols)
    names = {s.name for s in listed}
    answers = [derivation.target] + [derivation.values[key] for key in derivation.parts.values()]
    extra = {s.name: s for a in answers for s in sp.sympify(a).free_symbols
             if isinstance(s, sp.Symbol) and s.name not in names}
    return listed + [extra[name] for name in sorted(extra)]


def example_candidate(claim_id: str, part: str | None = None) -> str:
    """A candidate for ``claim_id`` (or one of its parts) that ``verify`` accepts: the derived
    target (or the part's value), written as text that ``parse_candidate`` reads."""
    target = get(claim_id).part_value(part)
    if isinstance(target, sp.MatrixBase):
        rows = sp.Matrix(target).tolist()
        return "[" + ", ".join("[" + ", ".join(sp.sstr(x) for x in row) + "]" for row in rows) + "]"
    return sp.sstr(target)


def _shape(value) -> tuple[int, int] | None:
    return tuple(value.shape) if isinstance(value, (sp.MatrixBase, sp.MatrixExpr)) else None


def _describe_shape(shape) -> str:
    if shape is None:
        return "a scalar"
    if shape[1] == 1:
        return f"a vector of {shape[0]} entries ({shape[0]}×1)"
    return f"a {shape[0]}×{shape[1]} matrix"


def prepare_candidate(claim_id: str, candidate: str | sp.Basic, part: str | None = None) -> sp.Basic:
    """The candidate as SymPy in ``claim_id``'s symbols, refused (ValueError/TypeError, one line)
    when it is not a bounded formula, uses other symbols, has another shape than the derived
    target or ``part`` (a scalar for a matrix, say) or is not finite."""
    target = get(claim_id).part_value(part)  # ValueError listing the parts for an unknown part
    allowed = candidate_symbols(claim_id)
    if isinstance(candidate, str):
        expression = parse_candidate(candidate, allowed)
    elif isinstance(candidate, (sp.Basic, sp.MatrixBase)):
        expression = candidate
        by_name = {s.name: s for s in allowed}
        from .candidate import check_formula

        check_size(expression, name="candidate")
        check_formula(expression, target)  # only what a typed candidate could hold (or the target holds)
        expression = expression.subs({s: by_name[s.name] for s in expression.free_symbols if s.name in by_name})
    else:
        raise TypeError(f"candidate must be a string or a SymPy expression, not {type(candidate).__name__}")
    check_size(expression, name="candidate")
    unknown = sorted(s.name for s in expression.free_symbols if s not in set(allowed))
    if unknown:
        raise ValueError(f"candidate uses {unknown}, which are not symbols of {claim_id}")
    if _shape(expression) != _shape(target):
        raise ValueError(f"{claim_id}{f' part {part}' if part else ''}'s result is {_describe_shape(_shape(target))}; the candidate is "
                         f"{_describe_shape(_shape(expression))}")
    entries = expression if isinstance(expression, sp.MatrixBase) else [expression]
    if any(e.has(sp.zoo, sp.nan, sp.oo, -sp.oo) for e in entries):
        typed = candidate if isinstance(candidate, str) else sp.sstr(expression)
        raise ValueError(f"candidate {typed[:60]!r} is not finite (it is {sp.sstr(expression)[:60]})")
    return expression


def verify(claim_id: str, candidate: str | sp.Basic | None = None, *, seed: int | None = None,
           kinds: str | None = None, part: str | None = None) -> ClaimReport | CandidateReport:
    """Run the checks of ``claim_id`` (all kinds, or those in ``kinds``), or judge ``candidate``.

    A candidate is a SymPy expression or a string in the claim's symbols (``dlproofs show ID``
    lists them and gives an example); it must have the shape of the derived target (a scalar
    for a matrix is refused with a ValueError) and be finite. It is compared with the target
    symbolically (``derivations.compare``: proved equal, different with a witness, or undecided)
    and, where the claim has a check that simulates with its target, by that simulation.
    With ``part`` (``derivation.parts`` lists them) the candidate answers that part alone; it is
    simulated inside the whole answer when the part is one of the target's (``target_parts``).
    """
    derivation = get(claim_id)
    if part is not None and candidate is None:
        raise ValueError(f"part {part!r} needs a candidate to judge")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0):
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    if kinds is not None and not isinstance(kinds, str):
        raise TypeError(f"kinds must be a string of check letters such as 'SM', not {type(kinds).__name__}")
    if candidate is None:
        available = checks_of(claim_id)
        wanted = available if kinds is None else {k: v for k, v in available.items() if k in kinds}
        if kinds is not None and not wanted:
            raise ValueError(f"kinds {kinds!r} selects none of {claim_id}'s checks ({''.join(available)})")
        results = [run_check(claim_id, kind, seed=seed) for kind in wanted]
        return ClaimReport(claim_id, all(r.passed for r in results), results)
    allowed = candidate_symbols(claim_id)
    expression = prepare_candidate(claim_id, candidate, part)  # bounded before it is printed
    text = candidate if isinstance(candidate, str) else sp.sstr(candidate)
    comparison = derivation.accepts(expression, part=part)
    if not isinstance(comparison, Comparison):  # a claim's own test may answer a plain bool
        comparison = Comparison("equal", "accepted by the claim's own test") if comparison else Comparison(
            "undecided", "the claim's own test does not prove it equal")
    numeric, evidence, notes = None, [], []
    simulated = expression if part is None else derivation.whole_answer(part, expression)
    if simulated is None:
        notes.append(f"part {part} is judged symbolically (no simulation takes it alone)")
    for kind, check in checks_of(claim_id).items():
        if simulated is None or not check.judges_candidates:
            continue
        reason = _unsimulable(simulated, check, allowed)
        if reason:
            notes.append(f"{kind} check not run: {reason}")
            continue
        try:
            with warnings.catch_warnings():  # a candidate's NaN draws are reported below, not warned
                warnings.simplefilter("ignore", RuntimeWarning)
                evidence += run_check(claim_id, kind, seed=seed, candidate=simulated).evidence
        except (FloatingPointError, ValueError, OverflowError, ZeroDivisionError) as error:
            notes.append(f"{kind} check cannot simulate with this candidate: {error}")
    if evidence:
        numeric = not all(e.passed for e in evidence)
    return CandidateReport(claim_id, text, expression, comparison, numeric, evidence, notes)


def _verify_task(claim_id: str, seed: int | None, kinds: str | None) -> ClaimReport:
    return verify(claim_id, seed=seed, kinds=kinds)


def check_cost(claim_id: str, kinds: str | None = None) -> float:
    """A rough relative cost of a claim's checks, for submitting the slowest first: a case, a
    network case and a run count 1, 4 and 4 (network cases and runs train or draw whole nets)."""
    cost = 0.0
    for kind, check in declared_of(claim_id).items():
        if kinds is None or kind in kinds:
            cost += len(check.cases) + 4 * len(check.networks) + 4 * (check.run is not None)
    return cost


def verify_claims(claims, *, seed: int | None = None, kinds: str | None = None, workers: int = 1,
                  scheduler: str | None = None):
    """``verify`` of every claim in ``claims`` (ids, or (id, kinds) pairs), yielded in the given
    order as each is done, run on ``workers`` processes or a Dask ``scheduler``
    (``montecarlo.parallel``). Each claim's random streams depend only on the seed and the claim,
    so the reports are the same for any ``workers``."""
    check_workers(workers, scheduler)
    tasks = [(c, seed, kinds) if isinstance(c, str) else (c[0], seed, c[1]) for c in claims]
    known = set(catalog())
    for claim_id, _, _ in tasks:
        if claim_id not in known:  # before any process starts (nothing is built here)
            raise ValueError(f"claim_id {claim_id!r} is not a claim of the catalogue")
    costs = {(c, k): check_cost(c, k) for c, _, k in tasks}
    for _, report in run_tasks(_verify_task, tasks, workers=workers, scheduler=scheduler, ordered=True,
                               cost=lambda task: costs[(task[0], task[2])]):
        yield report


def _unsimulable(expression: sp.Basic, check, allowed) -> str:
    """Why the candidate cannot be simulated by ``check`` (its value at a case's point is not a
    finite real number within the evaluation bounds), or "" when it can."""
    by_name = {s.name: s for s in allowed}
    for case in getattr(check, "cases", []):
        if case.value_key != "target":
            continue
        point = {by_name[name]: value for name, value in case.point.items() if name in by_name}
        try:
            value = bounded_value(expression, point)
        except ValueError as error:
            return str(error)
        if not value.is_real or not value.is_finite:
            return f"the candidate is {value} at {case.label}, not a finite real number"
    return ""
