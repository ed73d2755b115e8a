"""The CLI against unknown ids and parts, bad options, missing files and random argv lists.

Whatever the argv, the exit code is 0, 1, 2 or 4 and never 3 (an internal error, a bug); an
error (2) is one line on stderr starting "dlproofs: error:". The commands drawn are the cheap
ones: list, show, errata, hint, check on a claim whose check takes milliseconds
(optim.l2_gradient), and verify only with a pattern that matches no claim.
"""
import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from montecarlo.cli import main

ROOT = Path(__file__).resolve().parents[1]
FAST_CLAIM = "optim.l2_gradient"  # symbols alpha, w, lam, theta; answer 2*alpha*w
NO_CLAIM = "zz-no-claim-"  # a prefix no claim id has: verify stops at the pattern


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def assert_clean(code, out, err):
    assert code in (0, 1, 2, 4), (code, err)
    if code == 2:
        assert err.startswith("dlproofs: error:") and err.count("\n") == 1, err
    assert "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize("argv, fragment", [
    (["show", "no.such.claim"], "unknown"), (["show", "ｉｎｉｔ.he_variance"], "unknown"), (["show", ""], "unknown"),
    (["show", "init.*"], "unknown"), (["hint", "no.such.claim"], "unknown"),
    (["hint", FAST_CLAIM, "--step", "0"], "step"), (["hint", FAST_CLAIM, "--step", "-3"], "step"),
    (["hint", FAST_CLAIM, "--step", "10**9"], "invalid int"), (["hint", FAST_CLAIM, "--step", "1e3"], "invalid int"),
    (["check", "no.such.claim", "x"], "unknown"), (["check", FAST_CLAIM, "--part", "nope", "2*alpha*w"], "part"),
    (["check", FAST_CLAIM, "--seed", "-1", "2*alpha*w"], "seed"), (["check", FAST_CLAIM, "--seed", "x", "1"], "seed"),
    (["check", FAST_CLAIM, "--seed", "1.5", "1"], "seed"), (["check", FAST_CLAIM, "--seed", "", "1"], "seed"),
    (["check", FAST_CLAIM], "candidate or --steps"), (["check", FAST_CLAIM, "--steps", "-", "1"], "one of the two"),
    (["check", FAST_CLAIM, "--steps", "/no/such/file"], "cannot read"), (["check", FAST_CLAIM, "--steps", "/"], "cannot read"),
    (["check", FAST_CLAIM, "--steps", os.devnull], "empty"), (["check", FAST_CLAIM, "x" * 3000], "longer"),
    (["check", FAST_CLAIM, "2*аlpha*w"], "non-ASCII"), (["check", FAST_CLAIM, "__import__('os')"], "Call"),
    (["verify", "--kinds", "Q", NO_CLAIM], "kinds"), (["verify", "--kinds", "", NO_CLAIM], "kinds"),
    (["verify", "--kinds", "S M", NO_CLAIM], "kinds"), (["verify", "--seed", "-2", NO_CLAIM], "seed"),
    (["verify", "--seed", "one", NO_CLAIM], "seed"), (["verify", NO_CLAIM + "*"], "no claim matches"),
    (["verify", "--kinds", "s", NO_CLAIM], "no claim matches"),
    (["latex", "-o", "/no/such/folder/out.tex"], "no folder"), (["latex", "-o", "out.pdf"], ".tex"),
    (["latex", "-o", "{tmp}/out.tex", "--evidence", "/no/such/file.json"], "cannot be read"),
    (["latex", "-o", "{tmp}/out.tex", "--evidence", "{tmp}"], "cannot be read"),
    (["latex", "-o", "{tmp}/out.tex", "--evidence", "{tmp}/bad.json"], "not JSON"),
    (["latex", "-o", "{tmp}/out.tex", "--evidence", "{tmp}/bad.json", "--seed", "3"], "seed"),
    (["latex", "-o", "{tmp}/out.tex", "--evidence", "/dev/zero"], "larger than"),
    (["latex", "-o", "{tmp}/out.tex", "--evidence", "{tmp}/binary.dat"], "not UTF-8"),
    (["check", FAST_CLAIM, "--steps", "/dev/zero"], "longer than"),
    (["figures"], "output"), (["nope"], "invalid choice"), ([], "required"), (["list", "extra"], "unrecognized"),
    (["errata", "--json", "x"], "unrecognized"), (["--kinds"], "required|unrecognized|invalid"),
])
def test_bad_input_is_one_line_and_exit_2(argv, fragment, tmp_path):
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "binary.dat").write_bytes(bytes(range(256)) * 4)
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = run(argv)
    assert code == 2
    assert_clean(code, out, err)
    assert __import__("re").search(fragment, err), err


@pytest.mark.parametrize("argv, code", [
    (["check", FAST_CLAIM, "2*alpha*w"], 0), (["check", FAST_CLAIM, "alpha*w"], 1),
    (["check", FAST_CLAIM, "--json", "-2*alpha*w"], 1), (["hint", FAST_CLAIM], 0), (["errata"], 0), (["list"], 0),
])
def test_cheap_commands_answer_with_their_documented_codes(argv, code):
    result = run(argv)
    assert result[0] == code
    assert_clean(*result)


OPTIONS = ["--json", "--latex", "--seed", "--kinds", "--part", "--step", "--steps", "--", "-", "-h", "--bogus", "-x"]
VALUES = ["0", "1", "-1", "7", "2**64", "99999999999999999999999", "abc", "", " ", "SMFN", "mn", "Q", "/no/such/file",
          "2*alpha*w", "alpha", "w*lam", "theta^2", "[[1]]", "where(w > 0, 1, 0)", "ｗ", "\x00", "\udcff", "'", "\"", "*",
          "?", "init.*", FAST_CLAIM, "no.such.claim", "init.he_variance", "seed_000", "seed_001", "--part=seed_000"]
tokens = st.one_of(st.sampled_from(OPTIONS + VALUES), st.text(max_size=12))


def _argv(command, rest):
    if command == "verify":  # never runs a check: a pattern that matches nothing, whatever the options
        return ["verify", *[t for t in rest if t not in ("-h", "--")], NO_CLAIM]
    if command in ("show", "check", "hint") and rest and rest[0] not in (FAST_CLAIM, "no.such.claim"):
        rest = [FAST_CLAIM if command != "show" or len(rest) % 2 else "no.such.claim", *rest]
    if command == "show":
        rest = [t for t in rest if t != FAST_CLAIM] or ["no.such.claim"]  # showing a built claim is not cheap
    return [command, *rest]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["list", "show", "check", "errata", "hint", "verify"]), st.lists(tokens, max_size=6))
def test_any_argv_of_the_cheap_commands_is_never_an_internal_error(command, rest):
    assert_clean(*run(_argv(command, rest)))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=10), st.sampled_from(OPTIONS)), max_size=4))
def test_an_argv_of_anything_but_a_command_is_one_line_and_exit_2(argv):
    if argv and argv[0] in ("list", "show", "check", "errata", "hint", "verify", "figures", "latex", "-h", "--help",
                            "--version"):
        return
    code, out, err = run(argv)
    assert code == 2
    assert_clean(code, out, err)


def test_undecodable_bytes_on_a_real_command_line_are_one_line_and_exit_2():
    env = dict(os.environ, PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-m", "montecarlo.cli", "check", FAST_CLAIM, b"2*\xff\xfe*w"],
                          capture_output=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.startswith(b"dlproofs: error: candidate has the non-ASCII character") and done.stderr.count(b"\n") == 1


@pytest.mark.parametrize("line, verdict, code", [
    ("2*alpha*ｗ", "non-ASCII character 'ｗ'", 4), ("2*alpha*w*1.00000000000000000001", "more than 20 digits", 4),
    ("2*alpha*w*1.0000000000000001", "NOT the claim's answer", 1), ("1e999*w", "decimal exponent", 4),
    ("2*alpha*w", "is the claim's answer", 0),
], ids=["fullwidth w (NFKC would accept it)", "21-digit decimal", "a decimal read exactly", "1e999", "the answer"])
def test_a_steps_line_is_read_in_ascii_with_exact_decimals(line, verdict, code, tmp_path):
    steps = tmp_path / "steps.txt"
    steps.write_text(line + "\n", encoding="utf-8")
    result = run(["check", FAST_CLAIM, "--steps", str(steps)])
    assert result[0] == code and verdict in result[1]
    assert_clean(*result)
