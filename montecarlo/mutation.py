"""Power against the mutation catalogue: every planted wrong answer and right rewrite through ``verify``.

``derivations.mutants.CATALOGUE`` holds, per claim with a formula answer, wrong answers a
student gives (each with its category) and rewrites of the right one. ``run_mutants`` judges
every one with ``montecarlo.verify.verify`` (symbolic comparison plus every simulation that
takes a candidate), one task per entry through ``parallel.run_tasks``, so the records are the
same for any number of workers: a task's random numbers come from the seed and the claim's
declared items only.

Per topic (the claim id's prefix before the dot) ``summarise`` counts

- kill rate = wrong answers rejected / wrong answers planted;
- false-rejection rate = rewrites rejected / rewrites planted;
- numeric kill rate = among the wrong answers some simulation judges, those the simulation
  alone rejects: the power of the Monte-Carlo checks, since the symbolic witness kills
  nearly every wrong answer on its own;
- undecided entries (neither proved equal nor shown different, no simulation rejecting),
  which count as neither killed nor falsely rejected.

A survivor is a wrong answer that is not rejected, or that a simulation judges and does not
reject. Its record says why: it equals the target at every simulated point (no simulation at
those points can tell them apart), or it differs there by less than the relative error the
test detects with 99% power, or by more (a miss the test's power allows, or a difference the
simulated statistic does not see at full size).
"""
from __future__ import annotations

import fnmatch
import math
import time
from collections.abc import Callable, Iterable

import sympy as sp

__all__ = ["select_claims", "mutant_tasks", "mutant_task", "run_mutants", "summarise", "survivors", "exit_code",
           "strip_timings", "report_lines"]


def select_claims(patterns: Iterable[str] = ()) -> list[str]:
    """The catalogued claim ids matching any of the shell-style ``patterns`` (all when none), in
    catalogue order. ValueError naming a pattern that matches no catalogued claim."""
    from derivations.mutants import CATALOGUE, NOT_FORMULA

    patterns = list(patterns)
    if not all(isinstance(p, str) and p for p in patterns):
        raise TypeError("patterns must be non-empty strings")
    ids = list(CATALOGUE)
    if not patterns:
        return ids
    for pattern in patterns:
        if not any(fnmatch.fnmatchcase(i, pattern) for i in ids):
            plain = [i for i in NOT_FORMULA if fnmatch.fnmatchcase(i, pattern)]
            why = (f" ({', '.join(plain)}: the answer is not a formula, so no mutants)" if plain else
                   "; `dlproofs list` shows the ids")
            raise ValueError(f"pattern {pattern!r} matches no claim of the mutation catalogue{why}")
    return [i for i in ids if any(fnmatch.fnmatchcase(i, p) for p in patterns)]


def mutant_tasks(claim_ids: Iterable[str], seed: int | None = None) -> list[tuple]:
    """One task per catalogue entry: (claim_id, planted, index, formula, category, seed), with
    ``planted`` "wrong" or "right" and ``category`` None for a rewrite."""
    from derivations.mutants import CATALOGUE

    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    tasks = []
    for claim_id in claim_ids:
        entry = CATALOGUE[claim_id]
        categories = entry.get("categories") or ["other"] * len(entry["wrong"])
        tasks += [(claim_id, "wrong", k, w[0], categories[k], seed) for k, w in enumerate(entry["wrong"])]
        tasks += [(claim_id, "right", k, text, None, seed) for k, text in enumerate(entry["right"])]
    return tasks


def _flat_values(expr, derivation, point) -> list[float] | None:
    """The entries of ``expr`` at ``point`` as floats, or None when the point does not fix them."""
    from .checks.base import value_at

    entries = list(expr) if isinstance(expr, sp.MatrixBase) else [expr]
    try:
        return [value_at(e, derivation, point) for e in entries]
    except (ValueError, TypeError):
        return None


def _why_survives(report, derivation) -> str:
    """Why a wrong answer survives, from its report (see the module docstring)."""
    if report.comparison.equal:
        return "proved equal to the target: the catalogue entry is not wrong"
    lead = "" if report.comparison.different else f"symbolically {report.comparison.outcome}; "
    if report.numeric_rejected is None:
        note = "; ".join(report.notes) or "no simulation of this claim takes a candidate"
        return f"symbolically {report.comparison.outcome} ({report.comparison.reason}); not simulated: {note}"
    gaps = []
    for e in report.evidence:
        if not e.point:
            gaps.append((None, e))
            continue
        got = _flat_values(report.expression, derivation, e.point)
        want = _flat_values(derivation.target, derivation, e.point)
        if got is None or want is None or len(got) != len(want):
            gaps.append((None, e))
            continue
        scale = max(max(abs(w) for w in want), 1e-300)
        gaps.append((max(abs(g - w) for g, w in zip(got, want)) / scale, e))
    measured = [(gap, e) for gap, e in gaps if gap is not None]
    if measured and all(gap == 0 for gap, _ in measured):
        points = "; ".join(sorted({", ".join(f"{k}={v:g}" for k, v in e.point.items()) for _, e in measured}))
        return lead + f"equals the target at every simulated point ({points}): no simulation there can tell them apart"
    if not measured:
        return lead + "the simulation (a judge without case points) does not reject it"
    gap, e = max(measured, key=lambda item: item[0])
    detect = e.detectable_error
    if detect is not None and math.isfinite(detect) and gap < detect:
        return lead + (f"differs from the target by at most {gap:.2%} at the simulated points (largest at {e.label}), "
                f"below the {detect:.2%} relative error that test detects with 99% power")
    shown = f"{detect:.2%}" if detect is not None and math.isfinite(detect) else "an unstated error"
    return lead + (f"differs from the target by {gap:.2%} at {e.label}, above the {shown} its test detects with 99% "
            "power, yet not rejected: the simulated statistic moves less than the formula (or a miss within the "
            "1% the power allows)")


def mutant_task(claim_id: str, planted: str, index: int, formula: str, category: str | None,
                seed: int | None) -> dict:
    """The record of one catalogue entry judged by ``verify`` (a picklable module-level task)."""
    from derivations import get
    from derivations.diagnosis import catalogue_expression
    from .verify import verify

    start = time.perf_counter()
    record = {"id": claim_id, "topic": claim_id.split(".", 1)[0], "planted": planted, "index": index,
              "formula": formula, "category": category}
    try:
        report = verify(claim_id, catalogue_expression(claim_id, formula), seed=seed)
    except (ValueError, TypeError, SyntaxError) as error:
        record.update(verdict="error", symbolic=None, numeric_rejected=None, simulated=False, notes=[str(error)],
                      evidence=[], survives=planted == "wrong", why=f"verify refused it: {error}" if planted == "wrong"
                      else "", seconds=time.perf_counter() - start)
        return record
    verdict = report.verdict
    numeric = report.numeric_rejected
    survives = planted == "wrong" and (verdict != "rejected" or numeric is False)
    record.update(
        verdict=verdict, symbolic=report.comparison.outcome, numeric_rejected=numeric, simulated=numeric is not None,
        notes=list(report.notes),
        evidence=[{"kind": e.kind, "label": e.label, "passed": e.passed, "p_value": e.p_value, "alpha": e.alpha,
                   "detectable_error": e.detectable_error, "samples": e.samples} for e in report.evidence],
        survives=survives, why=_why_survives(report, get(claim_id)) if survives else "",
        seconds=time.perf_counter() - start)
    return record


def _cost(task: tuple) -> float:
    """A rough cost for scheduling: entries of claims whose simulations judge candidates first."""
    from .checks.base import checks_of

    return sum(1 + len(c.cases) + len(c.networks) for c in checks_of(task[0]).values() if c.judges_candidates)


def run_mutants(claim_ids: Iterable[str], *, seed: int | None = None, workers: int = 1,
                scheduler: str | None = None, progress: Callable[[str], None] | None = None) -> list[dict]:
    """The record of every catalogue entry of ``claim_ids`` (``mutant_task``), in catalogue order."""
    from .parallel import run_tasks

    tasks = mutant_tasks(claim_ids, seed)
    records: list[dict | None] = [None] * len(tasks)
    for done, (index, record) in enumerate(run_tasks(mutant_task, tasks, workers=workers, scheduler=scheduler,
                                                     cost=_cost), start=1):
        records[index] = record
        if progress is not None:
            progress(f"[{done}/{len(tasks)}] {record['id']} {record['planted']} {record['formula'][:50]}: "
                     f"{record['verdict']}")
    return records  # type: ignore[return-value]


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _counts(records: list[dict]) -> dict:
    wrong = [r for r in records if r["planted"] == "wrong"]
    right = [r for r in records if r["planted"] == "right"]
    simulated = [r for r in wrong if r["simulated"]]
    killed = sum(r["verdict"] == "rejected" for r in wrong)
    false = sum(r["verdict"] == "rejected" for r in right)
    numeric = sum(bool(r["numeric_rejected"]) for r in simulated)
    return {
        "claims": len({r["id"] for r in records}),
        "wrong": len(wrong), "killed": killed, "kill_rate": _rate(killed, len(wrong)),
        "wrong_undecided": sum(r["verdict"] == "undecided" for r in wrong),
        "right": len(right), "false_rejections": false, "false_rejection_rate": _rate(false, len(right)),
        "right_undecided": sum(r["verdict"] == "undecided" for r in right),
        "errors": sum(r["verdict"] == "error" for r in records),
        "simulated_wrong": len(simulated), "numeric_killed": numeric,
        "numeric_kill_rate": _rate(numeric, len(simulated)),
        "simulated_right": sum(r["simulated"] for r in right),
        "numeric_false_rejections": sum(bool(r["numeric_rejected"]) for r in right),
        "survivors": sum(r["survives"] for r in records),
    }


def summarise(records: list[dict]) -> dict:
    """{"topics": {topic: counts}, "total": counts, "categories": {category: counts of wrong answers}}."""
    topics: dict[str, list[dict]] = {}
    for r in records:
        topics.setdefault(r["topic"], []).append(r)
    categories: dict[str, list[dict]] = {}
    for r in records:
        if r["planted"] == "wrong":
            categories.setdefault(r["category"], []).append(r)
    by_category = {name: {key: value for key, value in _counts(rows).items()
                          if key in ("wrong", "killed", "kill_rate", "simulated_wrong", "numeric_killed",
                                     "numeric_kill_rate")}
                   for name, rows in sorted(categories.items())}
    return {"topics": {name: _counts(rows) for name, rows in topics.items()}, "total": _counts(records),
            "categories": by_category}


def survivors(records: list[dict]) -> list[dict]:
    return [r for r in records if r["survives"]]


def exit_code(records: list[dict]) -> int:
    """0 when every wrong answer is rejected and no rewrite is, else 1."""
    total = _counts(records)
    return 0 if total["killed"] == total["wrong"] and total["false_rejections"] == 0 else 1


def strip_timings(records: list[dict]) -> list[dict]:
    """The records without their wall times (what must not depend on the number of workers)."""
    return [{k: v for k, v in r.items() if k != "seconds"} for r in records]


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}" if rate in (0, 1) else f"{rate:.1%}"


def report_lines(records: list[dict], seconds: float | None = None) -> list[str]:
    """The terminal report: a table per topic, the categories, then every survivor with why."""
    summary = summarise(records)
    head = (f"{'topic':<12} {'claims':>6} {'wrong':>5} {'killed':>6} {'kill':>6} {'undec':>5}  {'right':>5} "
            f"{'false-rej':>9} {'undec':>5}  {'simulated':>9} {'num-kill':>8} {'num-rate':>8}")
    lines = [head]
    rows = list(summary["topics"].items()) + [("all", summary["total"])]
    for name, c in rows:
        if name == "all":
            lines.append("-" * len(head))
        lines.append(f"{name:<12} {c['claims']:>6} {c['wrong']:>5} {c['killed']:>6} {_percent(c['kill_rate']):>6} "
                     f"{c['wrong_undecided']:>5}  {c['right']:>5} {c['false_rejections']:>9} {c['right_undecided']:>5}  "
                     f"{c['simulated_wrong']:>9} {c['numeric_killed']:>8} {_percent(c['numeric_kill_rate']):>8}")
    lines.append("kill = wrong rejected / wrong planted; false-rej = rewrites rejected; undec = undecided (neither); "
                 "num-kill = wrong answers the simulation alone rejects, of those it judges")
    lines.append("by category: " + "; ".join(
        f"{name} {c['killed']}/{c['wrong']} (simulation {c['numeric_killed']}/{c['simulated_wrong']})"
        for name, c in summary["categories"].items()))
    for r in records:
        if r["planted"] == "right" and r["verdict"] != "accepted":
            lines.append(f"rewrite {r['verdict']}: {r['id']} {r['formula']}" + (
                f" ({'; '.join(r['notes'])})" if r["notes"] else ""))
    alive = survivors(records)
    lines.append(f"{len(alive)} survivor(s)" + (":" if alive else ""))
    for r in alive:
        how = r["verdict"] + ("" if r["numeric_rejected"] is None else
                              f", simulation {'rejects' if r['numeric_rejected'] else 'does not reject'}")
        lines.append(f"  {r['id']} [{r['category']}] {r['formula']}  ({how})")
        lines.append(f"      {r['why']}")
    if seconds is not None:
        lines.append(f"{len(records)} entries of {summary['total']['claims']} claim(s) in {seconds:.1f} s")
    return lines
