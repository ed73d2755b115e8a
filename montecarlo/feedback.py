"""Feedback for the ``dlproofs`` command: the diagnosis of a rejected candidate, a student's chain
checked line by line (``check ID --steps FILE|-``) and hints (``hint ID [--step K]``).

The logic lives in ``derivations.diagnosis`` and ``derivations.steps``; this module reads the
input, formats the output and is hooked into ``montecarlo.cli``.
"""
from __future__ import annotations

import io
import json
import sys

import derivations
from derivations.diagnosis import diagnose_claim
from derivations.mutants import NOT_FORMULA
from derivations.steps import MAX_LENGTH, MAX_LINES, hint

__all__ = ["not_formula", "diagnosis_of", "diagnosis_lines", "read_chain", "steps_command", "hint_command",
           "add_hint_parser"]

MAX_CHAIN_BYTES = MAX_LINES * (MAX_LENGTH + 1) + 4096  # what is read of a chain file


def not_formula(claim_id: str) -> str:
    """One line when the claim's answer is not a formula, else ""."""
    reason = NOT_FORMULA.get(claim_id)
    return f"{claim_id}: its answer is not a formula: {reason}" if reason else ""


def diagnosis_of(report):
    """The Diagnosis of a rejected candidate's report (None when it is not rejected symbolically,
    or when the claim's answer is not a formula)."""
    if not report.comparison.different or not_formula(report.id):
        return None
    return diagnose_claim(report.id, report.expression, comparison=report.comparison)


def diagnosis_lines(report) -> list[str]:
    """What ``check`` prints under a rejected candidate: the diagnosis, or why there is none."""
    if not report.comparison.different:
        return []
    line = not_formula(report.id)
    if line:
        return [f"  diagnosis: none ({line})"]
    found = diagnosis_of(report)
    if found is None:
        return []
    out = [f"  diagnosis ({found.kind}): {found.message}"]
    if found.slip:
        out.append(f"  typical slip: {found.slip}")
    return out


def diagnosis_json(report) -> dict:
    found = diagnosis_of(report)
    data = {"diagnosis": None if found is None else found.to_dict()}
    if not_formula(report.id):
        data["not_formula"] = not_formula(report.id)
    return data


def read_chain(source: str, stdin=None) -> list[str]:
    """The lines of ``source`` (a path, or "-" for standard input), bounded in size (ValueError)."""
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin
        text = stream.read(MAX_CHAIN_BYTES + 1)
    else:
        try:
            with io.open(source, encoding="utf-8", errors="replace") as handle:
                text = handle.read(MAX_CHAIN_BYTES + 1)
        except OSError as error:
            raise ValueError(f"--steps: cannot read {source}: {error.strerror}") from None
    if len(text) > MAX_CHAIN_BYTES:
        raise ValueError(f"--steps: the chain is longer than {MAX_CHAIN_BYTES} characters")
    return text.splitlines()


def steps_command(claim_id: str, source: str, as_json: bool = False, stdin=None) -> int:
    """``dlproofs check ID --steps FILE|-``: 0 every link valid and the last line the answer,
    1 an invalid link or another answer, 4 cannot tell; ValueError for bad input."""
    line = not_formula(claim_id)
    if line:
        raise ValueError(line)
    derivation = derivations.get(claim_id)
    report = derivation.check_steps(read_chain(source, stdin))
    if report.valid:
        code = 0
    elif report.first_invalid is not None or (report.answer is not None and report.answer.different):
        code = 1
    else:
        code = 4
    if as_json:
        print(json.dumps(report.to_dict(), indent=1))
    else:
        print(report.describe())
    return code


def add_hint_parser(sub) -> None:
    hinting = sub.add_parser("hint", help="the next step of a claim's derivation, as its reason only")
    hinting.add_argument("id")
    hinting.add_argument("--step", type=int, help="which step (from 1; default: the first)")


def hint_command(claim_id: str, step: int | None) -> int:
    derivation = derivations.get(claim_id)
    k, total, reason = hint(derivation, step)
    line = not_formula(claim_id)
    if line:
        print(line)
    print(f"{claim_id}, step {k} of {total}: {reason}")
    if k < total:
        print(f"next: dlproofs hint {claim_id} --step {k + 1}")
    return 0
