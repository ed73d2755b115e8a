"""Calibration: how often a true claim's numeric checks raise a false alarm, measured over seeds.

Every claim of the catalogue is true in its model, so any failure of its checks on a fresh seed
is a false alarm. ``calibrate(ids, seeds=K)`` runs every declared numeric check (M, F and N; S
is deterministic and the same on every seed) of the claims on K independent seeds, the seeds
being ``SeedSequence(base_seed).spawn(K)`` (the k-th child does not depend on K, so a run can
later be extended to more seeds). It reports:

- per check and for the suite, the observed false alarms x out of n seeds with the exact
  (Clopper–Pearson) 95% interval of the false-alarm rate; a suite run is one seed on which every
  selected check ran, and it is a false alarm when any of them failed. The budget is
  FAMILY_ALPHA = 1e-3 per full run: x = 0 in n runs bounds the rate below 1 − 0.025^(1/n)
  (0.018 at n = 200), so zero alarms in n seeds is what the budget predicts, not a proof of it;
- the p-values of the counted tests, which are uniform on (0, 1) when the checks are calibrated:
  their Kolmogorov–Smirnov distance from uniform and its p-value, and the counts below 0.01 and
  0.05 against the expected counts. This tests the level at ordinary values, where a few hundred
  seeds have power, while the counts of alarms test the far tail the verdicts use;
- "undecided" results (an ordering neither shown nor contradicted) separately: neither a pass
  nor a false alarm, but a lack of power at this scale.

Each (claim, kind, seed) is one line of a JSON-lines file, written as its task (one check on
SEEDS_PER_TASK seeds) finishes, so an interrupted run resumes where it stopped. The first line
records the base seed (a file of another base seed is refused); each record its check's
``signature`` (a record of a check that has changed since is stale and runs again) and the level
it ran at (``outcome_at``).
"""
from __future__ import annotations

import ast
import functools
import hashlib
import importlib
import inspect
import json
import math
import os
import textwrap
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .checks.base import alpha_per_test, declared_of, run_check
from .evidence import combined_outcome
from .verify import check_cost
from .parallel import check_workers, run_tasks
from .stats import FAMILY_ALPHA

__all__ = ["replicate_seeds", "calibrate", "summarise", "read_records", "clopper_pearson", "signature", "outcome_at",
           "CalibrationSummary"]

FORMAT = 1
CONFIDENCE = 0.95
SEEDS_PER_TASK = 4  # a worker builds a claim's derivation once for this many seeds


def replicate_seeds(base_seed: int, count: int) -> list[int]:
    """The seeds of ``count`` independent replicates: one 64-bit state of each child of
    ``SeedSequence(base_seed).spawn(count)``."""
    children = np.random.SeedSequence(base_seed).spawn(count)
    return [int(child.generate_state(1, np.uint64)[0]) for child in children]


def clopper_pearson(failures: int, trials: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The exact two-sided binomial interval of a rate from ``failures`` in ``trials``."""
    from scipy.stats import beta

    if trials <= 0:
        return 0.0, 1.0
    tail = (1 - confidence) / 2
    low = 0.0 if failures == 0 else float(beta.ppf(tail, failures, trials - failures + 1))
    high = 1.0 if failures == trials else float(beta.ppf(1 - tail, failures + 1, trials - failures))
    return low, high


# The shared machinery whose code decides a check's numbers: a change to any of these reruns every check.
# Code whose results are equal to round-off by contract (StreamingMoments.update and its sums, the
# chunking of base._draws: each tested against a two-pass reference) is left out, so making it faster
# does not throw away a calibration.
SHARED_MACHINERY = (
    "montecarlo.stats:Estimate", "montecarlo.stats:StreamingMoments._central",
    "montecarlo.stats:StreamingMoments.mean_estimate", "montecarlo.stats:StreamingMoments.variance_estimate",
    "montecarlo.stats:t_quantile", "montecarlo.stats:t_critical", "montecarlo.stats:required_samples",
    "montecarlo.stats:detectable_error", "montecarlo.stats:z_test", "montecarlo.checks.base:stream",
    "montecarlo.checks.base:run_case", "montecarlo.checks.base:run_networks", "montecarlo.checks.base:_judged",
    "montecarlo.checks.base:_mean", "montecarlo.checks.base:_network_rows", "montecarlo.finite_diff:gradient_error",
    "montecarlo.finite_diff:_extrapolated", "montecarlo.finite_diff:relative_error",
)
SHARED_CONSTANTS = ("montecarlo.stats:FAMILY_ALPHA", "montecarlo.stats:POWER", "montecarlo.stats:NORMAL_DOF",
                    "montecarlo.checks.base:PILOT_SAMPLES", "montecarlo.checks.base:PILOT_MARGIN",
                    "montecarlo.checks.base:MAX_NUMBERS", "montecarlo.finite_diff:RTOL",
                    "montecarlo.finite_diff:DIRECTIONS")


def _code(node: ast.AST) -> str:
    """The AST of ``node`` without its docstrings: comments and prose do not change a signature."""
    for child in ast.walk(node):
        body = getattr(child, "body", None)
        if (isinstance(child, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            child.body = body[1:] or [ast.Pass()]
    return ast.dump(node, annotate_fields=False)


@functools.lru_cache(maxsize=None)
def _module_code(name: str) -> str:
    module = importlib.import_module(name)
    return hashlib.sha256(_code(ast.parse(inspect.getsource(module))).encode()).hexdigest()


@functools.lru_cache(maxsize=None)
def _shared_code() -> str:
    parts = []
    for path in SHARED_MACHINERY:
        module, _, qualified = path.partition(":")
        target = importlib.import_module(module)
        for name in qualified.split("."):
            target = getattr(target, name)
        parts.append(_code(ast.parse(textwrap.dedent(inspect.getsource(target)))))
    for path in SHARED_CONSTANTS:
        module, _, name = path.partition(":")
        parts.append(f"{path}={getattr(importlib.import_module(module), name)!r}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _modules_of(claim_id: str, check) -> list[str]:
    """The modules whose code a check runs: those defining its callables, and its claim's derivation
    (the shared machinery's modules, whose deciding functions _shared_code covers, aside)."""
    from derivations.core import _BUILDERS

    functions = [check.run, check.judge, _BUILDERS[claim_id]]
    functions += [f for c in check.cases for f in (c.draw, c.claimed)]
    functions += [f for n in check.networks for f in (n.networks, n.claimed)]
    shared = {path.partition(":")[0] for path in SHARED_MACHINERY}
    return sorted({f.__module__ for f in functions if f is not None and getattr(f, "__module__", None)} - shared)


def signature(claim_id: str, kind: str) -> str:
    """A short hash of what a declared check tests and of the code that tests it: its cases' and
    network cases' labels, points, statistics and targets, whether it has a run, the code (docstrings
    and comments aside) of the modules defining its callables and its claim's derivation, and of the
    shared machinery (SHARED_MACHINERY, SHARED_CONSTANTS). A record made under another signature is
    stale (the check changed) and runs again. Not covered: the ``nets`` package and helpers of other
    modules that a check's code calls; a change there that moves results needs a fresh file."""
    check = declared_of(claim_id)[kind]
    items = [("check", claim_id, kind)]
    items += [("case", c.label, sorted(c.point.items()), c.statistic, c.value_key, c.target) for c in check.cases]
    items += [("networks", n.label, sorted(n.point.items()), [(t.label, t.target) for t in n.statistics])
              for n in check.networks]
    items.append(("run", check.run is not None))
    items.append(("code", [(m, _module_code(m)) for m in _modules_of(claim_id, check)], _shared_code()))
    return hashlib.sha256(repr(items).encode()).hexdigest()[:12]


class CodeChangedError(RuntimeError):
    """The code of a check changed on disk while a calibration ran."""


def _task(claim_id: str, kind: str, seeds: tuple[tuple[int, int], ...], expected: str | None = None) -> list[dict]:
    """The records of one check on several (seed index, seed) pairs: one task, so a worker builds
    the claim's derivation once for all of them.

    ``expected`` is the signature the run started with. A worker reads the code's source from disk
    when it first signs a check, while it runs the code it imported: were the files edited in
    between, its records would carry the new signature over the old code's numbers, so it refuses."""
    if expected is not None and signature(claim_id, kind) != expected:
        raise CodeChangedError(f"the code of {claim_id} {kind} changed while the calibration ran; run it again")
    records = []
    for seed_index, seed in seeds:
        result = run_check(claim_id, kind, seed=seed)
        tests = [[e.outcome[0], None if e.p_value is None else float(f"{e.p_value:.6g}"), int(e.target is not None)]
                 for e in result.evidence]
        records.append({"claim": claim_id, "kind": kind, "seed_index": seed_index, "seed": seed,
                        "level": alpha_per_test(), "signature": signature(claim_id, kind), "outcome": result.outcome,
                        "seconds": round(result.seconds, 3), "tests": tests})
    return records


def outcome_at(record: dict, level: float) -> str:
    """A record's outcome with its counted tests judged at ``level`` (each stage at level/2, as
    ``run_case`` and ``run_networks`` judge); its other tests keep their recorded outcome.

    A record made at another level (another count of tests in the catalogue) is re-judged from its
    p-values: its sample sizes were chosen for power at its own level, which changes them by a few
    percent, and its tests remain valid tests at the new level."""
    if math.isclose(record["level"], level, rel_tol=1e-12):
        return record["outcome"]
    letters = [("p" if p >= level / 2 else "f") if counted and p is not None else letter
               for letter, p, counted in record["tests"]]
    return combined_outcome({"p": "passed", "f": "failed", "u": "undecided"}[x] for x in letters)


def _header(base_seed: int) -> dict:
    return {"calibration": FORMAT, "base_seed": base_seed, "family_alpha": FAMILY_ALPHA}


def read_records(path: str | os.PathLike) -> tuple[dict | None, list[dict]]:
    """The header and records of a calibration file; a last line cut short by an interruption
    is dropped (the file is truncated to its last whole line when it is resumed)."""
    path = Path(path)
    if not path.exists():
        return None, []
    lines = path.read_text(encoding="utf-8").splitlines()
    header, records = None, []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):
                break  # cut short by an interruption
            raise ValueError(f"output {str(path)!r} line {number} is not JSON; is it a calibration file?") from None
        if header is None:
            if not isinstance(row, dict) or row.get("calibration") != FORMAT:
                raise ValueError(f"output {str(path)!r} is not a dlproofs calibration file (format {FORMAT})")
            header = row
        else:
            records.append(row)
    return header, records


def _open_for_append(path: Path, base_seed: int) -> tuple[list[dict], object]:
    header, records = read_records(path)
    wanted = _header(base_seed)
    if header is not None:
        if header["base_seed"] != base_seed:
            raise ValueError(f"output {str(path)!r} holds seeds of base seed {header['base_seed']}, not {base_seed}: "
                             "pass that --base-seed, or another --output")
        text = path.read_text(encoding="utf-8")
        if text and not text.endswith("\n"):  # drop a line cut short
            path.write_text(text[: text.rfind("\n") + 1], encoding="utf-8")
        handle = path.open("a", encoding="utf-8")
    else:
        handle = path.open("w", encoding="utf-8")
        handle.write(json.dumps(wanted) + "\n")
        handle.flush()
    return records, handle


def calibrate(ids: Sequence[str], *, seeds: int, base_seed: int = 0, kinds: str = "MFN",
              output: str | os.PathLike = "dlproofs-calibration.jsonl", workers: int = 1, scheduler: str | None = None,
              progress: Callable[[str], None] | None = None) -> "CalibrationSummary":
    """Run the numeric checks of ``ids`` on ``seeds`` replicate seeds (resuming from ``output``)
    and summarise every record of ``output`` for these ids and seeds."""
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise ValueError(f"seeds must be a positive integer, not {seeds!r}")
    if isinstance(base_seed, bool) or not isinstance(base_seed, int) or base_seed < 0:
        raise ValueError(f"base_seed must be a non-negative integer, not {base_seed!r}")
    if not isinstance(kinds, str) or not kinds or set(kinds) - set("MFN"):
        raise ValueError(f"kinds must be letters of MFN, not {kinds!r}")
    check_workers(workers, scheduler)
    checks = [(claim_id, kind) for claim_id in ids for kind in declared_of(claim_id) if kind in kinds]
    if not checks:
        raise ValueError(f"no numeric check of kind {kinds} among {len(ids)} claim(s)")
    path = Path(output)
    records, handle = _open_for_append(path, base_seed)
    seed_values = replicate_seeds(base_seed, seeds)
    current = {key: signature(*key) for key in checks}
    records = [r for r in records if current.get((r["claim"], r["kind"]), r.get("signature")) == r.get("signature")]
    done = {(r["claim"], r["kind"], r["seed_index"]) for r in records}
    tasks = []  # SEEDS_PER_TASK seeds of one check per task; the seeds in order, the costliest checks first
    for first in range(0, seeds, SEEDS_PER_TASK):
        group = [(c, k, tuple((i, seed_values[i]) for i in range(first, min(seeds, first + SEEDS_PER_TASK))
                              if (c, k, i) not in done), current[c, k]) for c, k in checks]
        tasks += sorted((task for task in group if task[2]), key=lambda task: -check_cost(task[0], task[1]))
    wanted_records = sum(len(task[2]) for task in tasks)
    started = time.perf_counter()
    count = 0
    try:
        for _, finished in run_tasks(_task, tasks, workers=workers, scheduler=scheduler):
            for record in finished:
                handle.write(json.dumps(record) + "\n")
                records.append(record)
                count += 1
            handle.flush()
            if progress:
                progress(f"[{count}/{wanted_records}] {record['claim']} {record['kind']} up to seed {record['seed_index']}: "
                         f"{', '.join(sorted({r['outcome'] for r in finished}))} ({time.perf_counter() - started:.0f} s)")
    finally:
        handle.close()
    wanted = set(checks)
    chosen = [r for r in records if (r["claim"], r["kind"]) in wanted and r["seed_index"] < seeds]
    return summarise(chosen, checks, seeds, ran=count, seconds=time.perf_counter() - started,
                     level=alpha_per_test())


@dataclass
class CheckCalibration:
    claim_id: str
    kind: str
    seeds: int
    false_alarms: int
    undecided: int
    interval: tuple[float, float]
    smallest_p: float | None
    seconds_per_seed: float

    def to_dict(self) -> dict:
        return {"claim": self.claim_id, "kind": self.kind, "seeds": self.seeds, "false_alarms": self.false_alarms,
                "undecided": self.undecided, "interval": list(self.interval), "smallest_p": self.smallest_p,
                "seconds_per_seed": self.seconds_per_seed}


@dataclass
class CalibrationSummary:
    checks: list[CheckCalibration]
    complete_runs: int
    failed_runs: int
    undecided_runs: int
    run_interval: tuple[float, float]
    p_values: int
    ks_distance: float | None
    ks_p: float | None
    below: dict = field(default_factory=dict)
    ran: int = 0
    seconds: float = 0.0
    seconds_per_run: float = 0.0
    by_kind: dict = field(default_factory=dict)  # kind -> the uniformity figures of its counted tests alone

    @property
    def exit_code(self) -> int:
        return 1 if any(c.false_alarms for c in self.checks) else 0

    def to_dict(self) -> dict:
        return {"checks": [c.to_dict() for c in self.checks], "complete_runs": self.complete_runs,
                "failed_runs": self.failed_runs, "undecided_runs": self.undecided_runs,
                "run_interval": list(self.run_interval), "family_alpha": FAMILY_ALPHA, "p_values": self.p_values,
                "ks_distance": self.ks_distance, "ks_p": self.ks_p, "below": self.below, "ran_now": self.ran,
                "seconds_now": self.seconds, "seconds_per_run": self.seconds_per_run, "by_kind": self.by_kind}

    def text(self) -> str:
        lines = [f"{'check':<40} {'seeds':>5} {'alarms':>6} {'95% CI of the rate':>19} {'undec':>5} "
                 f"{'min p':>8} {'s/seed':>6}"]
        for c in self.checks:
            smallest = f"{c.smallest_p:.2g}" if c.smallest_p is not None else "-"
            lines.append(f"{c.claim_id + ' ' + c.kind:<40} {c.seeds:>5} {c.false_alarms:>6} "
                         f"{f'[{c.interval[0]:.3g}, {c.interval[1]:.3g}]':>19} {c.undecided:>5} {smallest:>8} "
                         f"{c.seconds_per_seed:>6.2f}")
        low, high = self.run_interval
        lines.append(f"suite: {self.complete_runs} complete run(s) (every selected check on one seed), "
                     f"{self.failed_runs} with a false alarm: 95% CI of the rate [{low:.3g}, {high:.3g}] "
                     f"against the budget {FAMILY_ALPHA:g}; {self.undecided_runs} run(s) with an undecided result")
        if self.ks_distance is not None:
            expected = {k: v["expected"] for k, v in self.below.items()}
            seen = {k: v["observed"] for k, v in self.below.items()}
            lines.append(f"counted tests: {self.p_values} p-values; Kolmogorov-Smirnov distance from uniform "
                         f"{self.ks_distance:.3g} (p = {self.ks_p:.3g}); below 0.01: {seen['0.01']} "
                         f"(expected {expected['0.01']:.1f}), below 0.05: {seen['0.05']} (expected {expected['0.05']:.1f})")
            for kind, u in self.by_kind.items():
                below = u["below"]["0.01"]
                lines.append(f"  {kind} checks alone: {u['p_values']} p-values; distance {u['ks_distance']:.3g} "
                             f"(p = {u['ks_p']:.3g}); below 0.01: {below['observed']} (expected {below['expected']:.1f})")
        lines.append(f"ran {self.ran} check(s) now in {self.seconds:.1f} s; one full run costs "
                     f"{self.seconds_per_run:.1f} s of checks on one process")
        return "\n".join(lines)


def summarise(records: list[dict], checks: Sequence[tuple[str, str]], seeds: int, *, level: float, ran: int = 0,
              seconds: float = 0.0) -> CalibrationSummary:
    """The summary of ``records`` (see the module docstring) for ``checks`` over seeds 0..seeds-1,
    the counted tests judged at ``level`` (``outcome_at``)."""
    by_check: dict[tuple[str, str], dict[int, dict]] = defaultdict(dict)
    for r in records:
        by_check[(r["claim"], r["kind"])][r["seed_index"]] = {**r, "outcome": outcome_at(r, level)}
    rows = []
    for key in checks:
        done = by_check.get(key, {})
        alarms = sum(r["outcome"] == "failed" for r in done.values())
        undecided = sum(r["outcome"] == "undecided" for r in done.values())
        p_values = [p for r in done.values() for _, p, counted in r["tests"] if counted and p is not None]
        seconds_each = sum(r["seconds"] for r in done.values()) / max(len(done), 1)
        rows.append(CheckCalibration(key[0], key[1], len(done), alarms, undecided, clopper_pearson(alarms, len(done)),
                                     min(p_values) if p_values else None, seconds_each))
    complete = [i for i in range(seeds) if all(i in by_check.get(key, {}) for key in checks)]
    failed = sum(any(by_check[key][i]["outcome"] == "failed" for key in checks) for i in complete)
    undecided = sum(any(by_check[key][i]["outcome"] == "undecided" for key in checks) for i in complete)
    def counted(kinds):
        return np.array([p for key in checks if key[1] in kinds for r in by_check.get(key, {}).values()
                         for _, p, is_counted in r["tests"] if is_counted and p is not None], dtype=float)

    overall = _uniformity(counted("MFN"))
    by_kind = {kind: _uniformity(counted(kind)) for kind in "MFN"}
    return CalibrationSummary(rows, len(complete), failed, undecided, clopper_pearson(failed, len(complete)),
                              overall["p_values"], overall["ks_distance"], overall["ks_p"], overall["below"], ran,
                              seconds, sum(c.seconds_per_seed for c in rows),
                              {kind: u for kind, u in by_kind.items() if u["p_values"]})


def _uniformity(p_values: np.ndarray) -> dict:
    """How far counted p-values are from the uniform law they follow when the checks are calibrated:
    the Kolmogorov–Smirnov distance and its p-value, and the counts below 0.01 and 0.05 beside their
    expectations."""
    if not p_values.size:
        return {"p_values": 0, "ks_distance": None, "ks_p": None, "below": {}}
    from scipy.stats import kstest

    result = kstest(p_values, "uniform")
    return {"p_values": int(p_values.size), "ks_distance": float(result.statistic), "ks_p": float(result.pvalue),
            "below": {str(level): {"observed": int((p_values < level).sum()), "expected": level * p_values.size}
                      for level in (0.01, 0.05)}}
