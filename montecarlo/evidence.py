"""The Evidence record: what one numeric check measured, and its verdict."""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field

__all__ = ["Evidence", "CheckResult", "claim_seed", "combined_outcome"]


def combined_outcome(outcomes) -> str:
    """The outcome of several: "failed" if any failed, else "undecided" if any is, else "passed"."""
    seen = set(outcomes)
    return "failed" if "failed" in seen else "undecided" if "undecided" in seen else "passed"


def claim_seed(claim_id: str) -> int:
    """The default seed of a claim: derived from its id, so it is the same on every machine."""
    import hashlib

    return int(hashlib.sha256(claim_id.encode()).hexdigest()[:8], 16)


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


@dataclass
class Evidence:
    """One measurement behind a verdict.

    For a Monte-Carlo test: ``estimate ± std_error`` from ``samples`` draws, the (1 − alpha)
    interval ``ci``, the ``claimed`` value, the z ``statistic`` and its ``p_value``, and
    ``detectable_error``: the relative error (of |claimed|, or of one draw's standard
    deviation when the claimed value is 0) that this test rejects with 99% power, and
    ``target``: the relative error the check declared it must detect (2%, or a stated larger
    one); a counted test meets its target when detectable_error <= target.
    For a finite-difference check: ``estimate`` is the relative error, ``threshold`` the bound.
    ``undecided``: the measurement neither shows nor contradicts the claim (an ordering "not
    shown at this scale"); such Evidence has ``passed`` False and is never counted as a pass,
    nor as a failure (``outcome``).
    """

    claim_id: str
    kind: str
    label: str
    passed: bool
    point: dict = field(default_factory=dict)
    estimator: str = ""
    estimate: float | None = None
    std_error: float | None = None
    ci: tuple[float, float] | None = None
    claimed: float | None = None
    statistic: float | None = None
    p_value: float | None = None
    alpha: float | None = None
    detectable_error: float | None = None
    target: float | None = None
    threshold: float | None = None
    samples: int | None = None
    seed: int | None = None
    seconds: float | None = None
    details: dict = field(default_factory=dict)
    undecided: bool = False

    def __post_init__(self) -> None:
        if self.undecided and self.passed:
            raise ValueError(f"{self.label}: Evidence cannot be both passed and undecided")

    @property
    def outcome(self) -> str:
        """"passed", "failed" or "undecided"."""
        return "passed" if self.passed else "undecided" if self.undecided else "failed"

    @property
    def meets_target(self) -> bool | None:
        """Whether a counted test detects its target error (None for Evidence without a target)."""
        if self.target is None:
            return None
        return self.detectable_error is not None and self.detectable_error <= self.target

    def to_dict(self) -> dict:
        out = asdict(self)
        if out["ci"] is not None:
            out["ci"] = [_finite(v) for v in out["ci"]]
        return {k: _finite(v) for k, v in out.items()}

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    def describe(self) -> str:
        """One line for the terminal."""
        verdict = {"passed": "ok", "failed": "FAIL", "undecided": "UNDECIDED"}[self.outcome]
        if self.std_error is not None and self.claimed is not None:
            half = (self.ci[1] - self.ci[0]) / 2 if self.ci else float("nan")
            extra = f" detects {self.detectable_error:.1%}" if self.detectable_error is not None else ""
            extra += f" (target {self.target:.0%})" if self.target is not None else ""
            return (f"{self.label}: {self.estimate:.6g} ± {half:.2g} vs {self.claimed:.6g} "
                    f"(p={self.p_value:.3g}, N={self.samples:,}{extra}, {self.seconds:.2f} s) {verdict}")
        if self.threshold is not None:
            return f"{self.label}: {self.estimator or 'error'} {self.estimate:.2e} (bound {self.threshold:.0e}) {verdict}"
        measured = f"{self.estimator} = {self.estimate:.6g}" if self.estimate is not None and self.estimator else ""
        note = "; ".join(part for part in (measured, self.details.get("note", "")) if part)
        return f"{self.label}: {note} {verdict}" if note else f"{self.label}: {verdict}"


@dataclass
class CheckResult:
    """The outcome of one check kind (S, M, F or N) of one claim."""

    claim_id: str
    kind: str
    passed: bool
    evidence: list[Evidence]
    seconds: float
    message: str = ""

    @property
    def outcome(self) -> str:
        """"failed" when any Evidence failed, else "undecided" when any is undecided, else "passed"."""
        return combined_outcome(e.outcome for e in self.evidence) if self.evidence else (
            "passed" if self.passed else "failed")

    def to_dict(self) -> dict:
        return {"kind": self.kind, "passed": self.passed, "outcome": self.outcome, "seconds": self.seconds,
                "message": self.message, "evidence": [e.to_dict() for e in self.evidence]}
