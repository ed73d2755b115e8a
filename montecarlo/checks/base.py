"""One way to declare a check, and the calibrated tests every declared statistic runs.

A claim's numeric checks are declared once each, by kind: M (Monte-Carlo), F (finite
differences) and N (network runs); S (the derivation's own step check) comes from the
derivation. ``declare(claim_id, kind, cases=..., networks=..., run=..., judge=...)`` states

- ``cases``: Monte-Carlo ``Case``s, one counted t-test each;
- ``networks``: ``NetworkCase``s, independent networks whose per-network values give one
  counted t-test per ``Statistic``;
- ``run``: a deterministic run ``run(derivation, rng, seed) -> [Evidence]`` (nothing counted);
- ``judge``: how a candidate answer is judged when no case simulates with it,
  ``judge(derivation, candidate, rng, seed) -> [Evidence]``.

From the declarations the registry takes the count of hypothesis tests (the Bonferroni
denominator: every test runs at level ``FAMILY_ALPHA / total_tests()``, so any subset that
is run has a family-wise false-alarm probability of at most FAMILY_ALPHA), the timing of
every Evidence, and the random streams: each case, network case, run and judge draws from
``numpy.random.default_rng([seed, crc32(claim id), kind, crc32(label)])``, with ``seed`` the
run's seed (by default one derived from the claim id).

Sizing. Every counted test states its ``target``: the relative error it must reject with
99% power (RELATIVE_ERROR = 2%, or more with a ``reason``). A Monte-Carlo case runs in two
stages at half the level each: a pilot of 2^15 draws that may already reject, then a fresh
run with as many draws as the target needs at the pilot's standard deviation (25% margin),
topped up while its own standard deviation asks for more (heavy tails: a pilot's sd is low).
A network case draws ``pilot`` networks, which may already reject at half the level; else
it tops up to the count the target needs (at half the level) at the standard deviation of
all networks so far, until that count is reached, and tests at half the level. The top-up
rule looks only at the spread, never at the mean, and the two stages' levels add up to
the test's level (a union bound), so the false-alarm probability stays within it.
"""
from __future__ import annotations

import importlib
import math
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from derivations.equality import fact_witnesses
from derivations import Derivation, DerivationError, catalog, get
from ..evidence import CheckResult, Evidence, claim_seed
from ..stats import (
    FAMILY_ALPHA, POWER, RELATIVE_ERROR, Estimate, StreamingMoments, detectable_error, required_samples, z_test,
)

__all__ = [
    "KINDS", "Statistic", "Case", "NetworkCase", "Check", "declare", "declare_all", "checks_of", "declared_of", "declared_checks", "registered_claims",
    "total_tests", "alpha_per_test", "run_check", "run_case", "run_networks", "value_at", "stream",
]

KINDS = "SMFN"
PILOT_SAMPLES = 1 << 15
PILOT_MARGIN = 1.25  # more draws than the pilot's sd asks for, against the pilot's own error
MAX_NUMBERS = 1 << 31  # cap on random numbers one case may draw (about 16 GiB of float64, streamed)
# Random numbers per chunk of draws: 512 KiB per array, so a draw's arrays and its arithmetic stay in the
# L2 cache (2^22 numbers, 32 MiB arrays, ran 10-20% slower: fresh pages and main-memory passes for each chunk;
# benchmarks/estimator_throughput.py). The chunk size cuts the random stream: the draws of a case whose draw
# makes one generator call per chunk do not depend on it (its sums move by round-off only); a draw that makes
# several calls (w, then x) shares the stream out differently, so its numbers change with CHUNK_NUMBERS.
CHUNK_NUMBERS = 1 << 16


def _check_target(owner: str, target: float, reason: str) -> None:
    if isinstance(target, bool) or not isinstance(target, (int, float)) or not 0 < target < 1:
        raise ValueError(f"{owner}: target must be a relative error in (0, 1), not {target!r}")
    if target > RELATIVE_ERROR and not reason.strip():
        raise ValueError(f"{owner}: target {target:.3g} is above {RELATIVE_ERROR:.0%}; state the reason")


@dataclass(frozen=True)
class Statistic:
    """One counted test of a network case: the mean over networks of one per-network value.

    ``target`` is the relative error of the claimed value that the test must reject with 99%
    power; above RELATIVE_ERROR the ``reason`` says why 2% is out of reach at a sensible cost.
    """

    label: str
    target: float = RELATIVE_ERROR
    reason: str = ""

    def __post_init__(self) -> None:
        _check_target(f"statistic {self.label!r}", self.target, self.reason)


@dataclass(frozen=True)
class Case:
    """One parameter point of a Monte-Carlo check: one counted test.

    ``draw(rng, size, value)`` returns ``size`` iid draws whose ``statistic`` ("mean" or
    "variance") should equal ``claimed(value)``, where ``value`` is the derivation's
    ``values[value_key]`` (or a candidate's expression, for the "target" key) at ``point``.
    With ``claimed_key`` the claimed value is instead ``values[claimed_key]`` at ``point``
    (the draws still use ``value``). ``cost`` is the number of random numbers one draw
    consumes (for chunking). ``target`` and ``reason`` as for a Statistic.
    """

    label: str
    point: Mapping[str, float]
    draw: Callable[[np.random.Generator, int, float], np.ndarray]
    statistic: str = "mean"
    value_key: str = "target"
    claimed: Callable[[float], float] = staticmethod(lambda value: value)
    claimed_key: str | None = None
    cost: int = 1
    target: float = RELATIVE_ERROR
    reason: str = ""

    def __post_init__(self) -> None:
        if self.statistic not in ("mean", "variance"):
            raise ValueError(f"case {self.label!r}: statistic must be 'mean' or 'variance', not {self.statistic!r}")
        _check_target(f"case {self.label!r}", self.target, self.reason)


@dataclass(frozen=True)
class NetworkCase:
    """Independent networks at one point, and the counted tests on their per-network values.

    ``networks(derivation, rng, count)`` returns an array (count, len(statistics)): one row
    per freshly drawn network. Statistic j tests mean(column j) = ``claimed(value)[j]``, where
    ``value`` is the derivation's ``values[value_key]`` (a candidate's expression for
    "target") at ``point``, or None when ``value_key`` is None. ``pilot`` networks come
    first; at most ``max_networks`` are drawn.
    """

    label: str
    point: Mapping[str, float]
    networks: Callable[[Derivation, np.random.Generator, int], np.ndarray]
    statistics: tuple[Statistic, ...]
    claimed: Callable[[float | None], Sequence[float]]
    value_key: str | None = "target"
    pilot: int = 24
    max_networks: int = 4000

    def __post_init__(self) -> None:
        if not self.statistics or not all(isinstance(s, Statistic) for s in self.statistics):
            raise TypeError(f"network case {self.label!r}: statistics must be a non-empty tuple of Statistic")
        if len({s.label for s in self.statistics}) != len(self.statistics):
            raise ValueError(f"network case {self.label!r}: statistic labels must differ")
        if not 2 <= self.pilot <= self.max_networks:
            raise ValueError(f"network case {self.label!r}: pilot must lie in [2, max_networks], not {self.pilot}")


@dataclass(frozen=True)
class Check:
    """The declared check of one kind for one claim (made by ``declare``)."""

    claim_id: str
    kind: str
    cases: tuple[Case, ...] = ()
    networks: tuple[NetworkCase, ...] = ()
    run: Callable[[Derivation, np.random.Generator, int], list[Evidence]] | None = None
    judge: Callable[[Derivation, sp.Expr, np.random.Generator, int], list[Evidence]] | None = None

    @property
    def tests(self) -> int:
        """The hypothesis tests this check counts: one per case, one per network statistic."""
        return len(self.cases) + sum(len(n.statistics) for n in self.networks)

    @property
    def targets(self) -> list[tuple[str, float, str]]:
        """(label, target, reason) of every counted test."""
        return [(c.label, c.target, c.reason) for c in self.cases] + [
            (f"{n.label}: {s.label}", s.target, s.reason) for n in self.networks for s in n.statistics]

    @property
    def judges_candidates(self) -> bool:
        return self.judge is not None or any(c.value_key == "target" for c in self.cases) or any(
            n.value_key == "target" for n in self.networks)

    def execute(self, derivation: Derivation, seed: int, alpha: float, candidate=None) -> list[Evidence]:
        """Every declared item's Evidence; with a candidate only those that judge it."""
        evidence = []
        if candidate is None and self.run is not None:
            evidence += _timed(self.run, derivation, stream(seed, self.claim_id, self.kind, "run"), seed)
        for case in self.cases:
            if candidate is None or case.value_key == "target":
                evidence.append(run_case(derivation, case, seed=seed, alpha=alpha, candidate=candidate,
                                         kind=self.kind))
        for network in self.networks:
            if candidate is None or network.value_key == "target":
                evidence += run_networks(derivation, network, seed=seed, alpha=alpha, candidate=candidate,
                                         kind=self.kind)
        if candidate is not None and self.judge is not None:
            rng = stream(seed, self.claim_id, self.kind, "judge")
            evidence += _timed(lambda d, r, s: self.judge(d, candidate, r, s), derivation, rng, seed)
        return evidence


_REGISTRY: dict[str, dict[str, Check]] = {}
_LOADING = {"done": False, "busy": False}


def declare_all() -> None:
    """Import every topic module of ``montecarlo.checks`` (each declares its checks), once.

    The registry's readers call it, so importing the package costs nothing until a check is
    needed: ``dlproofs list`` and ``--help`` load no topic module (nor SciPy's stats, nor nets)."""
    if _LOADING["done"] or _LOADING["busy"]:
        return
    _LOADING["busy"] = True
    try:
        from . import TOPICS

        for topic in TOPICS:
            importlib.import_module(f"{__package__}.{topic}")
    finally:
        _LOADING["busy"] = False
    _LOADING["done"] = True


def declare(claim_id: str, kind: str, *, cases: Sequence[Case] = (), networks: Sequence[NetworkCase] = (),
            run: Callable | None = None, judge: Callable | None = None) -> Check:
    """Declare the check of ``kind`` for ``claim_id``; see the module docstring."""
    if not isinstance(claim_id, str) or claim_id not in set(catalog()):
        raise ValueError(f"claim_id {claim_id!r} is not a claim of the catalogue")
    if kind not in KINDS.replace("S", ""):
        raise ValueError(f"{claim_id}: kind must be one of M, F, N (S comes from the derivation), not {kind!r}")
    if kind in _REGISTRY.get(claim_id, {}):
        raise ValueError(f"{claim_id} has a {kind} check declared already")
    cases, networks = tuple(cases), tuple(networks)
    if not all(isinstance(c, Case) for c in cases):
        raise TypeError(f"{claim_id} {kind}: cases must be Case records")
    if not all(isinstance(n, NetworkCase) for n in networks):
        raise TypeError(f"{claim_id} {kind}: networks must be NetworkCase records")
    for name, fn in (("run", run), ("judge", judge)):
        if fn is not None and not callable(fn):
            raise TypeError(f"{claim_id} {kind}: {name} must be callable")
    if not (cases or networks or run):
        raise ValueError(f"{claim_id} {kind}: declare cases, networks or a run")
    labels = [c.label for c in cases] + [n.label for n in networks]
    if len(set(labels)) != len(labels) or {"run", "judge"} & set(labels):
        raise ValueError(f"{claim_id} {kind}: labels must differ from each other and from 'run' and 'judge' "
                         "(each names its own random stream)")
    check = Check(claim_id, kind, cases, networks, run, judge)
    _REGISTRY.setdefault(claim_id, {})[kind] = check
    return check


def stream(seed: int, claim_id: str, kind: str, label: str) -> np.random.Generator:
    """The generator of one declared item: from the run's seed and the item's identity."""
    return np.random.default_rng([int(seed), zlib.crc32(claim_id.encode()), KINDS.index(kind),
                                  zlib.crc32(label.encode())])


def _timed(fn, derivation, rng, seed) -> list[Evidence]:
    start = time.perf_counter()
    evidence = fn(derivation, rng, seed)
    for e in evidence:
        e.seconds = (time.perf_counter() - start) / max(len(evidence), 1)
    return evidence


def _symbolic(derivation: Derivation, rng, seed: int) -> list[Evidence]:
    try:
        verified = derivation.check()
        passed, note = True, f"{verified} links and facts verified by SymPy"
    except DerivationError as error:
        passed, note = False, str(error)
    details = {"note": note}
    refuted = fact_witnesses(derivation.facts) if passed else []
    if refuted:
        details["witnesses"] = [{"fact": fact.statement, **outcome.to_dict()} for fact, outcome in refuted]
    return [Evidence(derivation.id, "S", "derivation", passed, estimator="sympy", details=details)]


def checks_of(claim_id: str) -> dict[str, Check]:
    """The checks of a claim by kind, in the order S, M, F, N; S comes from the derivation."""
    derivation = get(claim_id)
    declare_all()
    found = dict(_REGISTRY.get(claim_id, {}))
    if "S" in derivation.checks:
        found["S"] = Check(claim_id, "S", run=_symbolic)
    missing = [k for k in derivation.checks if k not in found]
    if missing:
        raise LookupError(f"{claim_id} lists checks {derivation.checks} but has none of kind {''.join(missing)}")
    return {k: found[k] for k in KINDS if k in found}


def declared_of(claim_id: str) -> dict[str, Check]:
    """The declared checks (M, F, N) of a claim by kind, without building its derivation."""
    declare_all()
    return dict(_REGISTRY.get(claim_id, {}))


def registered_claims() -> list[str]:
    declare_all()
    return list(_REGISTRY)


def declared_checks() -> list[Check]:
    """Every declared check (S excluded), in declaration order."""
    declare_all()
    return [check for by_kind in _REGISTRY.values() for check in by_kind.values()]


def total_tests() -> int:
    """The number of hypothesis tests in the whole catalogue (the Bonferroni denominator)."""
    return sum(check.tests for check in declared_checks())


def alpha_per_test() -> float:
    return FAMILY_ALPHA / max(total_tests(), 1)


def run_check(claim_id: str, kind: str, *, seed: int | None = None, candidate=None) -> CheckResult:
    """Run one kind of check of one claim; the seed defaults to the claim's own."""
    checks = checks_of(claim_id)
    if kind not in checks:
        raise ValueError(f"kind {kind!r} is not a check of {claim_id}; it has {''.join(checks)}")
    seed = claim_seed(claim_id) if seed is None else int(seed)
    start = time.perf_counter()
    evidence = checks[kind].execute(get(claim_id), seed, alpha_per_test(), candidate)
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


def _value(derivation: Derivation, key: str | None, point, candidate) -> float | None:
    if key is None:
        return None
    expr = candidate if (candidate is not None and key == "target") else (
        derivation.target if key == "target" else derivation.values[key])
    return value_at(expr, derivation, point)


def _draws(case: Case, rng: np.random.Generator, count: int, value: float, moments: StreamingMoments) -> None:
    """``count`` draws of ``case`` into ``moments``, in chunks of CHUNK_NUMBERS random numbers.

    A draw with a ``tally`` attribute takes few values: ``case.draw.tally(rng, size, value)`` returns
    (distinct values, their counts) for the very draws ``case.draw(rng, size, value)`` makes from the
    same random numbers. The counts of all chunks are added up (integers: exact) and the moments take
    them once (``StreamingMoments.update(values, counts)``) instead of an array of draws per chunk."""
    chunk = max(1, CHUNK_NUMBERS // max(case.cost, 1))
    tally = getattr(case.draw, "tally", None)
    if tally is not None:
        _tallied_draws(tally, rng, count, value, chunk, moments)
        return
    done = 0
    while done < count:
        size = min(chunk, count - done)
        moments.update(case.draw(rng, size, value))
        done += size


def _tallied_draws(tally, rng: np.random.Generator, count: int, value: float, chunk: int,
                   moments: StreamingMoments) -> None:
    """``_draws`` for a draw with a tally: the chunks' counts per value, summed, into ``moments`` at once."""
    counts: dict[float, int] = {}
    done = 0
    while done < count:
        size = min(chunk, count - done)
        for v, n in zip(*tally(rng, size, value)):
            counts[v] = counts.get(v, 0) + int(n)
        done += size
    if counts:
        moments.update(list(counts), list(counts.values()))


def run_case(derivation: Derivation, case: Case, *, seed: int, alpha: float, candidate=None,
             kind: str = "M") -> Evidence:
    """Size, run and judge one case: a two-sided studentised (t) test of H0 statistic = claimed at ``alpha``."""
    start = time.perf_counter()
    value = _value(derivation, case.value_key, case.point, candidate)
    if case.claimed_key is not None:
        claimed = value_at(derivation.values[case.claimed_key], derivation, case.point)
    else:
        claimed = float(case.claimed(value))
    rng = stream(seed, derivation.id, kind, case.label)
    stage_alpha = alpha / 2  # two stages, each at alpha/2: the case's false-alarm probability stays <= alpha
    order = 2 if case.statistic == "mean" else 4  # a mean needs only Σd and Σd²
    pilot = StreamingMoments(order)
    _draws(case, rng, PILOT_SAMPLES, value, pilot)
    sd = pilot.influence_sd(case.statistic)
    pilot_estimate = pilot.estimate(case.statistic)
    relative_to = "claimed" if claimed != 0 else "one draw's standard deviation"
    if z_test(pilot_estimate, claimed)[1] < stage_alpha:
        scale = abs(claimed) if claimed != 0 else sd
        return _judged(derivation, kind, case.label, pilot_estimate, claimed, stage_alpha, scale, case.target,
                       seed, start, case.point, case.statistic,
                       {"stage": "pilot rejected", "pilot_samples": PILOT_SAMPLES, "relative_to": relative_to})
    cap = max(PILOT_SAMPLES, MAX_NUMBERS // max(case.cost, 1))
    moments = StreamingMoments(order)
    while True:  # size from the pilot, then top up while the run's own spread asks for more
        effect = case.target * (abs(claimed) if claimed != 0 else sd)
        wanted = math.ceil(PILOT_MARGIN * required_samples(sd, effect, stage_alpha, POWER)) if sd > 0 else 2
        count = min(max(wanted, PILOT_SAMPLES), cap)
        if moments.count >= count:
            break
        _draws(case, rng, count - moments.count, value, moments)
        sd = moments.influence_sd(case.statistic)
    scale = abs(claimed) if claimed != 0 else moments.influence_sd(case.statistic)
    return _judged(derivation, kind, case.label, moments.estimate(case.statistic), claimed, stage_alpha, scale,
                   case.target, seed, start, case.point, case.statistic,
                   {"stage": "sized run", "pilot_samples": PILOT_SAMPLES, "samples_for_power": wanted,
                    "relative_to": relative_to})


def run_networks(derivation: Derivation, case: NetworkCase, *, seed: int, alpha: float, candidate=None,
                 kind: str = "N") -> list[Evidence]:
    """Draw networks until every statistic's t-test has 99% power against its target, then judge each."""
    start = time.perf_counter()
    claimed = [float(c) for c in case.claimed(_value(derivation, case.value_key, case.point, candidate))]
    if len(claimed) != len(case.statistics) or 0.0 in claimed:
        raise ValueError(f"{case.label}: claimed must give one non-zero value per statistic, not {claimed}")
    rng = stream(seed, derivation.id, kind, case.label)
    stage_alpha = alpha / 2  # the pilot may reject at alpha/2, the sized run tests at alpha/2: alpha in all
    data = _network_rows(case, derivation, rng, case.pilot)
    stage = "pilot rejected"
    if not any(_mean(data[:, j]).std_error > 0 and z_test(_mean(data[:, j]), c)[1] < stage_alpha
               for j, c in enumerate(claimed)):
        stage = "sized run"
        while True:
            sds = data.std(axis=0, ddof=1)
            wanted = min(case.max_networks, max(
                math.ceil(PILOT_MARGIN * required_samples(sd, s.target * abs(c), stage_alpha, POWER)) if sd > 0 else 2
                for sd, s, c in zip(sds, case.statistics, claimed)))
            if len(data) >= wanted:
                break
            data = np.concatenate([data, _network_rows(case, derivation, rng, wanted - len(data))])
    seconds = (time.perf_counter() - start) / len(case.statistics)
    evidence = []
    for j, (statistic, value) in enumerate(zip(case.statistics, claimed)):
        e = _judged(derivation, kind, f"{case.label}: {statistic.label}", _mean(data[:, j]), value, stage_alpha,
                    abs(value), statistic.target, seed, start, case.point, "mean over networks",
                    {"stage": stage, "pilot_networks": case.pilot, "networks": len(data)})
        e.seconds = seconds
        if statistic.reason:
            e.details["target_reason"] = statistic.reason
        evidence.append(e)
    return evidence


def _mean(values: np.ndarray) -> Estimate:
    moments = StreamingMoments(order=2)
    moments.update(values)
    return moments.mean_estimate()


def _network_rows(case: NetworkCase, derivation: Derivation, rng: np.random.Generator, count: int) -> np.ndarray:
    rows = np.asarray(case.networks(derivation, rng, count), dtype=np.float64)
    if rows.shape != (count, len(case.statistics)):
        raise ValueError(f"{case.label}: networks gave shape {rows.shape}, expected {(count, len(case.statistics))}")
    return rows


def _judged(derivation: Derivation, kind: str, label: str, estimate: Estimate, claimed: float, level: float,
            scale: float, target: float, seed: int, start: float, point: Mapping, estimator: str,
            details: dict) -> Evidence:
    """Evidence for the two-sided studentised test of H0: the estimated quantity equals ``claimed`` at
    ``level`` (Student t with the estimate's degrees of freedom);
    ``scale`` is what the detectable error and the target are relative to."""
    z, p = z_test(estimate, claimed)
    return Evidence(
        derivation.id, kind, label, bool(p >= level), point=dict(point), estimator=estimator,
        estimate=estimate.value, std_error=estimate.std_error, ci=estimate.interval(level), claimed=claimed,
        statistic=z, p_value=p, alpha=level,
        detectable_error=detectable_error(estimate.std_error, scale, level, dof=estimate.dof),
        target=target, samples=estimate.samples, seed=seed, seconds=time.perf_counter() - start, details=details,
    )
