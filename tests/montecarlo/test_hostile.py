"""Hostile candidates answer quickly with one line, through the API and through the CLI.

Each expression is either refused (ValueError, exit code 2) or judged (rejected with a witness,
exit code 1); none may hang, raise anything else, or be accepted. The time of each is measured
(``-s`` prints it) but only a generous subprocess timeout is asserted.
"""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy as sp

import montecarlo
from derivations import compare
from derivations.equality import ExpressionTooLarge

ROOT = Path(__file__).resolve().parents[2]
CLAIM = "init.preact_var"
HOSTILE = {
    "tower of four": "n**n**n**n",
    "tower of sixty negative powers": "n" + "**-n" * 60,
    "division by zero": "1/0",
    "a 10^6-digit literal": "1" * 10**6,
    "a 10^5-digit literal": "9" * 10**5,
    "deep nesting of calls": "sqrt(" * 300 + "n" + ")" * 300,
    "deep nesting of signs": "-" * 1500 + "n",
    "deep nesting of parentheses": "(" * 900 + "n" + ")" * 900,
    "huge exponent": "n**1000000",
    "huge computed exponent": "2**10**9",
    "tower of three exponentials": "exp(exp(exp(exp(n))))",
    "tower of two": "n**n**n",
    "a matrix for a scalar": "[[n, v], [chi, mu]]",
}
CLI_LIMIT = 100_000  # characters one command-line argument may hold on Linux (MAX_ARG_STRLEN is 128 KiB)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_candidate_is_refused_or_rejected_through_the_api(name):
    started = time.perf_counter()
    try:
        report = montecarlo.verify(CLAIM, HOSTILE[name])
    except ValueError as error:
        message = str(error)
        assert message and "\n" not in message and len(message) < 300
    else:
        assert report.verdict == "rejected" and report.comparison.different
    print(f"{name}: API {time.perf_counter() - started:.2f} s")


@pytest.mark.parametrize("name", [n for n in HOSTILE if len(HOSTILE[n]) <= CLI_LIMIT])
def test_a_hostile_candidate_is_one_line_through_the_cli(name):
    env = dict(os.environ, PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "montecarlo.cli", "check", CLAIM, HOSTILE[name]],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    seconds = time.perf_counter() - started
    assert "Traceback" not in done.stderr
    if done.returncode == 2:
        assert done.stderr.startswith("dlproofs: error:") and done.stderr.count("\n") == 1
    else:
        assert done.returncode == 1 and done.stdout.strip().splitlines()[-1].startswith("REJECTED")
    print(f"{name}: CLI {seconds:.2f} s (exit {done.returncode})")


n = sp.Symbol("n", positive=True, integer=True)


@pytest.mark.parametrize("expr", [
    n ** (n ** (n ** (n ** n))), sp.Integer(10) ** 5000 + n, n ** 100_000,
], ids=["tower of five", "5000-digit number", "exponent 10^5"])
def test_compare_refuses_an_expression_beyond_its_bounds_with_one_line(expr):
    with pytest.raises(ExpressionTooLarge) as error:
        compare(expr, n)
    assert "\n" not in str(error.value)


def test_compare_answers_a_tower_within_bounds_with_a_witness_or_undecided():
    outcome = compare(n ** (n ** (n**n)), 2 * n)
    assert not outcome.equal
    if outcome.different:
        assert outcome.left != outcome.right and "n" in outcome.witness
