"""The check registry and the calibrated Monte-Carlo test every M check runs.

A claim's numeric checks are registered here by kind: S (the derivation's own step check),
M (Monte-Carlo cases), F (finite differences) and N (network runs). Every statistical
test in the catalogue runs at level ``FAMILY_ALPHA / total_tests()`` (Bonferroni over the
whole catalogue, so any subset that is run has a family-wise false-alarm probability of
at most FAMILY_ALPHA). A Monte-Carlo case runs in two stages, each at half that level: a
pilot of 2^15 draws that may already reject (a far-off candidate is refused at once), then
a fresh run with as many draws as a 99% power against a 2% relative error needs, sized
from the pilot's standard deviation (with a 25% margin).
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from derivations import Derivation, DerivationError, get
from ..evidence import CheckResult, Evidence, claim_seed
from ..stats import (
    FAMILY_ALPHA, POWER, RELATIVE_ERROR, StreamingMoments, detectable_error, required_samples, z_test,
)

__all__ = [
    "Case", "Check", "register", "timed", "case_runner", "monte_carlo", "checks_of", "registered_claims", "total_tests", "alpha_per_test",
    "judged", "judge_mean",
    "run_check", "value_at", "KINDS",
]

KINDS = "SMFN"
PILOT_SAMPLES = 1 << 15
PILOT_MARGIN = 1.25  # more draws than the pilot's sd asks for, against the pilot's own error
MAX_NUMBERS = 1 << 31  # cap on random numbers one case may draw (about 16 GiB of float64, streamed)
CHUNK_NUMBERS = 1 << 22  # random numbers per chunk: memory stays near 32 MiB per array


@dataclass(frozen=True)
class Case:
    """One parameter point of a Monte-Carlo check.

    ``draw(rng, size, value)`` returns ``size`` iid draws whose ``statistic`` ("mean" or
    "variance") should equal ``claimed(value)``, where ``value`` is the derivation's
    ``values[value_key]`` (or a candidate's expression, for the "target" key) at ``point``.
    With ``claimed_key`` the claimed value is instead ``values[claimed_key]`` at ``point``
    (the draws still use ``value``). ``cost`` is the number of random numbers one draw
    consumes (for chunking).
    """

    label: str
    point: Mapping[str, float]
    draw: Callable[[np.random.Generator, int, float], np.ndarray]
    statistic: str = "mean"
    value_key: str = "target"
    claimed: Callable[[float], float] = staticmethod(lambda value: value)
    claimed_key: str | None = None
    cost: int = 1


@dataclass
class Check:
    """A registered check of one kind for one claim.

    ``run(derivation, seed, alpha, candidate)`` returns Evidence; ``tests`` is the number of
    hypothesis tests it runs (0 for deterministic checks). A check that ``judges_candidates``
    returns, when given a candidate, only the Evidence that simulates with it.
    """

    claim_id: str
    kind: str
    run: Callable[..., list[Evidence]]
    tests: int = 0
    cases: list[Case] = field(default_factory=list)
    judges_candidates: bool = False


_REGISTRY: dict[str, dict[str, Check]] = {}


def register(check: Check) -> Check:
    if check.kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {check.kind!r}")
    _REGISTRY.setdefault(check.claim_id, {})
    if check.kind in _REGISTRY[check.claim_id]:
        raise ValueError(f"{check.claim_id} has a {check.kind} check already")
    _REGISTRY[check.claim_id][check.kind] = check
    return check


def case_runner(cases: list[Case], kind: str = "M") -> Callable[..., list[Evidence]]:
    """The run function of a check made of Monte-Carlo ``cases``; with a candidate, only the cases
    that simulate with the target run."""
    def run(derivation, seed, alpha, candidate=None):
        return [run_case(derivation, case, seed=seed, stream=k, alpha=alpha, candidate=candidate, kind=kind)
                for k, case in enumerate(cases) if candidate is None or case.value_key == "target"]
    return run


def monte_carlo(claim_id: str, cases: list[Case], kind: str = "M") -> Check:
    """Register the Monte-Carlo check of ``claim_id`` made of ``cases`` (kind N when the draws
    come from network runs)."""
    judges = any(case.value_key == "target" for case in cases)
    return register(Check(claim_id, kind, case_runner(cases, kind), tests=len(cases), cases=cases,
                          judges_candidates=judges))


def _symbolic(derivation: Derivation, seed: int, alpha: float, candidate=None) -> list[Evidence]:
    start = time.perf_counter()
    try:
        verified = derivation.check()
        passed, note = True, f"{verified} links and facts verified by SymPy"
    except DerivationError as error:
        passed, note = False, str(error)
    return [Evidence(derivation.id, "S", "derivation", passed, estimator="sympy",
                     seconds=time.perf_counter() - start, details={"note": note})]


def timed(fn: Callable[[Derivation, np.random.Generator, int], list[Evidence]]) -> Callable[..., list[Evidence]]:
    """A check's run function from ``fn(derivation, rng, seed)`` (a deterministic run with its own
    generator): each Evidence gets its share of the wall time."""
    def run(derivation, seed, alpha, candidate=None):
        start = time.perf_counter()
        evidence = fn(derivation, np.random.default_rng(seed), seed)
        for e in evidence:
            e.seconds = (time.perf_counter() - start) / len(evidence)
        return evidence
    return run


def checks_of(claim_id: str) -> dict[str, Check]:
    """The checks of a claim by kind, in the order S, M, F, N; S comes from the derivation."""
    derivation = get(claim_id)
    found = dict(_REGISTRY.get(claim_id, {}))
    if "S" in derivation.checks:
        found["S"] = Check(claim_id, "S", _symbolic)
    missing = [k for k in derivation.checks if k not in found]
    if missing:
        raise LookupError(f"{claim_id} lists checks {derivation.checks} but has none of kind {''.join(missing)}")
    return {k: found[k] for k in KINDS if k in found}


def registered_claims() -> list[str]:
    return list(_REGISTRY)


def total_tests() -> int:
    """The number of hypothesis tests in the whole catalogue (the Bonferroni denominator)."""
    return sum(check.tests for by_kind in _REGISTRY.values() for check in by_kind.values())


def alpha_per_test() -> float:
    return FAMILY_ALPHA / max(total_tests(), 1)


def run_check(claim_id: str, kind: str, *, seed: int | None = None, candidate=None) -> CheckResult:
    """Run one kind of check of one claim; the seed defaults to the claim's own."""
    checks = checks_of(claim_id)
    if kind not in checks:
        raise ValueError(f"kind {kind!r} is not a check of {claim_id}; it has {''.join(checks)}")
    seed = claim_seed(claim_id) if seed is None else int(seed)
    start = time.perf_counter()
    evidence = checks[kind].run(get(claim_id), seed, alpha_per_test(), candidate)
    passed = bool(evidence) and all(e.passed for e in evidence)
    return CheckResult(claim_id, kind, passed, evidence, time.perf_counter() - start)


def value_at(expr: sp.Basic, derivation: Derivation, point: Mapping[str, float]) -> float:
    """The numeric value of ``expr`` with the claim's symbols set from ``point``."""
    substitutions = {}
    for symbol in sp.sympify(expr).free_symbols:
        if symbol.name not in point:
            raise ValueError(f"{sp.sstr(expr)} depends on {symbol.name}, which is not a symbol of {derivation.id}")
        substitutions[symbol] = point[symbol.name]
    value = complex(sp.N(sp.sympify(expr).subs(substitutions), 30))
    if value.imag != 0 or not math.isfinite(value.real):
        raise ValueError(f"{sp.sstr(expr)} is not a finite real number at {dict(point)}")
    return value.real


def _draws(case: Case, rng: np.random.Generator, count: int, value: float, moments: StreamingMoments) -> None:
    chunk = max(1, CHUNK_NUMBERS // max(case.cost, 1))
    done = 0
    while done < count:
        size = min(chunk, count - done)
        moments.update(case.draw(rng, size, value))
        done += size


def run_case(derivation: Derivation, case: Case, *, seed: int, stream: int, alpha: float,
             candidate=None, kind: str = "M") -> Evidence:
    """Size, run and judge one case: a two-sided z-test of H0 statistic = claimed at ``alpha``."""
    start = time.perf_counter()
    expr = candidate if (candidate is not None and case.value_key == "target") else (
        derivation.target if case.value_key == "target" else derivation.values[case.value_key])
    value = value_at(expr, derivation, case.point)
    if case.claimed_key is not None:
        claimed = value_at(derivation.values[case.claimed_key], derivation, case.point)
    else:
        claimed = float(case.claimed(value))
    rng = np.random.default_rng([seed, stream])
    stage_alpha = alpha / 2  # two stages, each at alpha/2: the case's false-alarm probability stays <= alpha
    pilot = StreamingMoments()
    _draws(case, rng, PILOT_SAMPLES, value, pilot)
    sd = pilot.influence_sd(case.statistic)
    pilot_estimate = pilot.estimate(case.statistic)
    if z_test(pilot_estimate, claimed)[1] < stage_alpha:
        return _evidence(derivation, case, pilot_estimate, claimed, stage_alpha, kind, seed, start,
                         {"stage": "pilot rejected", "pilot_samples": PILOT_SAMPLES}, pilot)
    effect = RELATIVE_ERROR * (abs(claimed) if claimed != 0 else sd)
    cap = max(PILOT_SAMPLES, MAX_NUMBERS // max(case.cost, 1))
    wanted = math.ceil(PILOT_MARGIN * required_samples(sd, effect, stage_alpha, POWER)) if sd > 0 else PILOT_SAMPLES
    count = min(max(wanted, PILOT_SAMPLES), cap)
    moments = StreamingMoments()
    _draws(case, rng, count, value, moments)
    return _evidence(derivation, case, moments.estimate(case.statistic), claimed, stage_alpha, kind, seed, start,
                     {"stage": "sized run", "pilot_samples": PILOT_SAMPLES, "samples_for_power": wanted}, moments)


def judged(derivation: Derivation, *, kind: str, label: str, estimate, claimed: float, level: float, scale: float,
           seed: int, seconds: float, point: Mapping, estimator: str, details: dict | None = None) -> Evidence:
    """Evidence for the two-sided z-test of H0: the estimated quantity equals ``claimed`` at ``level``;
    ``scale`` is what the detectable error is relative to."""
    z, p = z_test(estimate, claimed)
    return Evidence(
        derivation.id, kind, label, bool(p >= level), point=dict(point), estimator=estimator,
        estimate=estimate.value, std_error=estimate.std_error, ci=estimate.interval(level), claimed=claimed,
        statistic=z, p_value=p, alpha=level, detectable_error=detectable_error(estimate.std_error, scale, level),
        samples=estimate.samples, seed=seed, seconds=seconds, details=details or {},
    )


def judge_mean(derivation: Derivation, label: str, draws: np.ndarray, claimed: float, *, alpha: float, seed: int,
               seconds: float, point: Mapping, kind: str = "N") -> Evidence:
    """The z-test of mean(draws) = claimed (claimed != 0), the standard error from the draws themselves."""
    moments = StreamingMoments()
    moments.update(draws)
    return judged(derivation, kind=kind, label=label, estimate=moments.mean_estimate(), claimed=claimed, level=alpha,
                  scale=abs(claimed), seed=seed, seconds=seconds, point=point, estimator="mean over networks")


def _evidence(derivation, case, estimate, claimed, level, kind, seed, start, details, moments) -> Evidence:
    details["relative_to"] = "claimed" if claimed != 0 else "one draw's standard deviation"
    scale = abs(claimed) if claimed != 0 else moments.influence_sd(case.statistic)
    return judged(derivation, kind=kind, label=case.label, estimate=estimate, claimed=claimed, level=level,
                  scale=scale, seed=seed, seconds=time.perf_counter() - start, point=case.point,
                  estimator=case.statistic, details=details)
