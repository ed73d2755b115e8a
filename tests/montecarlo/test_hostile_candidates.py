"""Hostile and random candidate strings, beyond test_hostile.py (towers, huge literals, deep
nesting through verify and the CLI) and test_candidate.py (the grammar).

Policy for look-alikes: a candidate must be ASCII. Python's parser NFKC-normalises identifiers,
so ``ｎ*ｖ*ｃｈｉ`` (fullwidth) or ``𝐧`` (mathematical bold) would silently become ``n*v*chi``, while
the Greek ``ν`` or the Cyrillic ``а`` that look the same would be unknown names: every non-ASCII
character is refused with one ValueError naming it and its code point, never normalised.

Each string here gets an expression or one ValueError (one line) from ``parse_candidate`` and
``prepare_candidate``, quickly: the bounds are the library's (no timing is asserted).
"""
import builtins
import io
import os
import subprocess
import unicodedata
from contextlib import redirect_stderr, redirect_stdout

import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from montecarlo.candidate import MAX_DIGITS, MAX_GAMMA, MAX_LENGTH, parse_candidate
from montecarlo.cli import main
from montecarlo.verify import prepare_candidate

n, v, chi = sp.Symbol("n", positive=True, integer=True), sp.Symbol("v", positive=True), sp.Symbol("chi", positive=True)
SYMBOLS = [n, v, chi]
CLAIM = "init.preact_var"  # symbols n, v, chi; target n*v*chi
FAST_CLAIM = "optim.l2_gradient"  # symbols alpha, w, lam, theta; a check of a few milliseconds


def _one_line_value_error(text, symbols=SYMBOLS):
    with pytest.raises(ValueError) as error:
        parse_candidate(text, symbols)
    message = str(error.value)
    assert message and "\n" not in message and len(message) < 400
    return message


LOOK_ALIKES = {
    "fullwidth letters (NFKC would give n*v*chi)": "ｎ*ｖ*ｃｈｉ",
    "mathematical bold n (NFKC would give n)": "𝐧*v*chi",
    "Greek nu for v": "n*ν*chi",
    "Greek chi": "n*v*χ",
    "Cyrillic a in alpha": "n*v*chi*аlpha",
    "Cyrillic i in chi": "n*v*chі",
    "combining acute accent": "n\u0301*v*chi",
    "zero-width joiner": "n*v\u200d*chi",
    "zero-width space": "n*v*\u200bchi",
    "no-break space (str.strip would remove it)": "n*v*chi\u00a0",
    "superscript two": "n²*v",
    "ligature fi": "ﬁ*n",
    "fullwidth digit": "２*n*v*chi",
    "unicode minus": "\u2212n*v*chi",
    "multiplication sign": "n×v×chi",
    "right-to-left override": "n*v*\u202echi",
    "byte-order mark": "\ufeffn*v*chi",
}


@pytest.mark.parametrize("name", list(LOOK_ALIKES))
def test_a_look_alike_is_refused_naming_the_character_never_normalised(name):
    text = LOOK_ALIKES[name]
    message = _one_line_value_error(text)
    first = next(c for c in text if ord(c) > 127)
    assert "non-ASCII" in message and f"U+{ord(first):04X}" in message


def test_the_nfkc_form_of_a_refused_look_alike_is_the_right_answer_so_refusal_is_the_point():
    text = LOOK_ALIKES["fullwidth letters (NFKC would give n*v*chi)"]
    assert parse_candidate(unicodedata.normalize("NFKC", text), SYMBOLS) == n * v * chi
    _one_line_value_error(text)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30))
def test_any_text_is_an_expression_or_one_value_error(text):
    try:
        result = parse_candidate(text, SYMBOLS)
    except ValueError as error:
        assert "\n" not in str(error)
        if any(ord(c) > 127 for c in text) and len(text) <= MAX_LENGTH:
            assert "non-ASCII" in str(error)
    else:
        assert isinstance(result, (sp.Basic, sp.MatrixBase))
        assert text.isascii()


TOKENS = ["n", "v", "chi", "x", "1", "2", "0", "64", "0.5", "1e308", "10**29", "+", "-", "*", "/", "**", "^", "(", ")",
          ",", "[", "]", "sqrt(", "exp(", "log(", "gamma(", "where(", "Max(", "Abs(", ">", "<", "==", " and ", " not ",
          "True", "pi", "e", ".", "_", "lambda", ":", "'", "__import__", "open(", "[0]", " if ", " else ", " for "]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14).map("".join))
def test_random_token_soup_is_an_expression_or_one_value_error_through_prepare_candidate(text):
    try:
        expression = prepare_candidate(CLAIM, text)
    except (ValueError, TypeError) as error:
        assert "\n" not in str(error)
    else:
        assert not isinstance(expression, sp.MatrixBase)
        assert expression.free_symbols <= set(SYMBOLS)


formulas = st.recursive(
    st.one_of(st.sampled_from(SYMBOLS), st.integers(1, 99).map(sp.Integer),  # positive: no I from a square root
              st.fractions(0, 5, max_denominator=9).filter(bool).map(lambda f: sp.Rational(f.numerator, f.denominator))),
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda t: t[0] + t[1]), st.tuples(inner, inner).map(lambda t: t[0] * t[1]),
        st.tuples(inner, st.sampled_from(SYMBOLS)).map(lambda t: t[0] / t[1]),
        st.tuples(inner, st.integers(-3, 3)).map(lambda t: t[0] ** t[1]),
        inner.map(sp.sqrt), inner.map(sp.exp), inner.map(sp.Abs)),
    max_leaves=10)


@settings(max_examples=60, deadline=None)
@given(formulas)
def test_a_printed_formula_parses_back_to_the_same_expression(expr):
    for printed in (sp.sstr(expr), str(expr).replace("**", "^")):
        assert parse_candidate(printed, SYMBOLS) == expr, printed


CODE = [
    "__import__('os').system('touch {marker}')", "open('{marker}', 'w')", "(lambda: open('{marker}', 'w'))()",
    "[open('{marker}', 'w') for _ in [1]]", "f'{{open(\"{marker}\", \"w\")}}'", "n.__class__.__bases__[0].__subclasses__()",
    "exec(\"open('{marker}', 'w')\")", "eval('1')", "compile('1', 'f', 'eval')", "globals()", "vars()",
    "getattr(n, '__class__')", "sqrt.__globals__", "(n := open('{marker}', 'w'))", "print(1)",
    "breakpoint()", "input()", "__builtins__['open']('{marker}', 'w')", "Symbol('x')", "sympify('open(1)')",
    "S('1')", "N(1)", "factorial(10**9)", "sqrt(n, evaluate=False)", "Integer(1)", "Piecewise.__new__",
    "where(open('{marker}'), 1, 2)", "Matrix(open('{marker}'))", "[[n], [open('{marker}')]]",
]


@pytest.fixture
def no_effects(monkeypatch, tmp_path):
    """The marker file a candidate would create, and every builtin that could run or read code
    replaced by a recorder (after SymPy is warm: its lazy imports are not the candidate's)."""
    parse_candidate("sqrt(n) + exp(n) + Abs(n)", SYMBOLS)
    calls = []
    for name in ("open", "eval", "exec", "compile", "__import__", "print", "input", "breakpoint"):
        original = getattr(builtins, name)

        def recorder(*args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)
        monkeypatch.setattr(builtins, name, recorder)
    monkeypatch.setattr(os, "system", lambda *a: calls.append("os.system"))
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: calls.append("Popen"))
    return tmp_path / "executed", calls


@pytest.mark.parametrize("template", CODE)
def test_code_is_refused_and_nothing_runs(template, no_effects):
    marker, calls = no_effects
    _one_line_value_error(template.format(marker=marker))
    assert not marker.exists()
    assert not {"open", "eval", "exec", "os.system", "Popen", "print", "input", "breakpoint"} & set(calls)


@pytest.mark.parametrize("text, match", [
    ("gamma(10**29)", "gamma"), ("gamma(99999)", "gamma"), (f"gamma({MAX_GAMMA + 1})", "gamma"),
    ("gamma(n**2)", "gamma"), ("gamma(gamma(n))", "gamma"), ("gamma(exp(n))", "gamma"), ("gamma(1000*n)", "gamma"),
    ("(((2**64)**64)**64)**64", "digits"), ("((((2**64)**64)**64)**64)**64", "digits"), ("10**10**10/3", "exponent"),
    ("(10**29)**64", "digits"), ("*".join(["(10**29)**20"] * 3), "digits"), ("n**-64**-64", "denominator"),
    ("n**(1/2**30)**2", "denominator|exponent"), ("2**(1/3)**64", "denominator"), ("1e999", "exponent"),
    ("1e-999*n", "exponent"), ("1" * (MAX_DIGITS + 1) + ".5", "digits"), ("0." + "1" * (MAX_DIGITS + 1), "digits"),
    ("n" * (MAX_LENGTH + 1), "longer"), ("factorial(10**9)", "Call"), ("n" + "**n" * 3, "tower"),
])
def test_work_that_would_exhaust_time_or_memory_is_refused_before_it_starts(text, match):
    assert __import__("re").search(match, _one_line_value_error(text))


def test_bounded_neighbours_of_refused_work_are_accepted():
    assert parse_candidate(f"gamma({MAX_GAMMA})", SYMBOLS) == sp.factorial(MAX_GAMMA - 1)
    assert parse_candidate("gamma((n + 1)/2)*v", SYMBOLS) == sp.gamma((n + 1) / 2) * v
    assert parse_candidate("n**0.001", SYMBOLS) == n ** sp.Rational(1, 1000)
    assert parse_candidate("(2**64)**60", SYMBOLS) == sp.Integer(2) ** (64 * 60)
    assert parse_candidate("9" * MAX_DIGITS, SYMBOLS) == int("9" * MAX_DIGITS)


def test_a_decimal_is_read_exactly_as_typed_not_through_a_float():
    assert parse_candidate("n*v*chi*1.00000000000000000001", SYMBOLS) != n * v * chi
    assert parse_candidate("0.1", SYMBOLS) == sp.Rational(1, 10)
    assert parse_candidate("1e-3*n", SYMBOLS) == n / 1000
    assert parse_candidate("1_000.5", SYMBOLS) == sp.Rational(2001, 2)
    assert parse_candidate("2.5e2^2", SYMBOLS) == 62500


def _cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("candidate", ["２*alpha*w", "2*аlpha*w", "2*alpha*w\u200d", "2*α*w",
                                       "__import__('os').system('echo executed')", "gamma(10**29)*w"])
def test_the_cli_refuses_a_look_alike_or_code_with_one_line_and_exit_2(candidate):
    code, out, err = _cli(["check", FAST_CLAIM, candidate])
    assert code == 2 and out == "" and "executed" not in out
    assert err.startswith("dlproofs: error: candidate") and err.count("\n") == 1


def test_the_cli_accepts_the_ascii_answer_of_the_fast_claim():
    code, out, err = _cli(["check", FAST_CLAIM, "2*alpha*w"])
    assert code == 0 and out.strip().splitlines()[-1].startswith("ACCEPTED") and err == ""


# ----- verify() and prepare_candidate() with SymPy candidates and hostile arguments -----

alpha, w = sp.symbols("alpha w")


@pytest.mark.parametrize("candidate, match", [
    (sp.Function("f")(alpha) * w, "holds f"), (sp.Integral(alpha, (alpha, 0, w)), "holds Integral"),
    (sp.Sum(alpha, (w, 1, 10**12)), "holds Sum"), (sp.Derivative(alpha**2, alpha), "holds Derivative"),
    (sp.factorial(10**9, evaluate=False), "holds factorial"), (sp.gamma(10**12 * alpha), "gamma"),
    (sp.Integer(10) ** 5000 * w, "digits"), (alpha ** (alpha ** (alpha ** (alpha**w))), "tower"),
    (sp.Symbol("zeta"), "not symbols"), (sp.nan, "not finite"), (sp.Matrix([alpha, w]), "scalar"),
], ids=["unknown function", "Integral", "Sum of 10^12 terms", "Derivative", "factorial(10^9)", "gamma(10^12 alpha)",
        "5000-digit number", "tower", "foreign symbol", "nan", "vector for a scalar"])
def test_a_sympy_candidate_holding_what_a_typed_one_could_not_is_one_value_error(candidate, match):
    for call in (lambda: prepare_candidate(FAST_CLAIM, candidate), lambda: __import__("montecarlo").verify(FAST_CLAIM, candidate)):
        with pytest.raises(ValueError, match=match) as error:
            call()
        assert "\n" not in str(error.value)


def test_a_sympy_candidate_in_plain_symbols_is_judged():
    import montecarlo
    assert montecarlo.verify(FAST_CLAIM, 2 * alpha * w).verdict == "accepted"
    assert montecarlo.verify(FAST_CLAIM, sp.gamma(alpha + 1) * w / sp.gamma(alpha)).comparison.outcome in ("equal", "different", "undecided")


@pytest.mark.parametrize("options, error, name", [
    ({"seed": True}, ValueError, "seed"), ({"seed": 1.5}, ValueError, "seed"), ({"seed": "1"}, ValueError, "seed"),
    ({"seed": -1}, ValueError, "seed"), ({"seed": float("nan")}, ValueError, "seed"), ({"kinds": 1}, TypeError, "kinds"),
    ({"kinds": ["S"]}, TypeError, "kinds"), ({"kinds": "Q"}, ValueError, "kinds"), ({"kinds": ""}, ValueError, "kinds"),
    ({"candidate": "2*alpha*w", "part": "nope"}, ValueError, "part"), ({"candidate": b"2*alpha*w"}, TypeError, "candidate"),
    ({"candidate": 2.0}, TypeError, "candidate"), ({"candidate": ["2*alpha*w"]}, TypeError, "candidate"),
    ({"part": "seed_000"}, ValueError, "part"),
], ids=repr)
def test_verify_refuses_a_bad_argument_with_one_error_naming_it(options, error, name):
    import montecarlo
    with pytest.raises(error) as raised:
        montecarlo.verify(FAST_CLAIM, **options)
    assert name in str(raised.value) and "\n" not in str(raised.value)


@pytest.mark.parametrize("seed", [__import__("numpy").int64(3), 2**70], ids=repr)
def test_verify_takes_any_non_negative_integer_seed(seed):
    import montecarlo
    assert montecarlo.verify(FAST_CLAIM, "2*alpha*w", seed=seed).verdict == "accepted"


@pytest.mark.parametrize("claim_id, error", [(1, TypeError), (None, TypeError), (b"optim.l2_gradient", TypeError),
                                             ("", ValueError), ("OPTIM.L2_GRADIENT", ValueError), ("x" * 1000, ValueError)],
                         ids=repr)
def test_verify_refuses_an_unknown_or_mistyped_claim_id(claim_id, error):
    import montecarlo
    with pytest.raises(error, match="claim_id"):
        montecarlo.verify(claim_id)


fast_claim_formulas = st.recursive(
    st.one_of(st.sampled_from(sp.symbols("alpha w lam theta")), st.integers(1, 9).map(sp.Integer)),
    lambda inner: st.one_of(st.tuples(inner, inner).map(lambda t: t[0] + t[1]),
                            st.tuples(inner, inner).map(lambda t: t[0] * t[1]),
                            st.tuples(inner, st.integers(-2, 3)).map(lambda t: t[0] ** t[1]),
                            inner.map(sp.exp), inner.map(sp.tanh)),
    max_leaves=6)


@settings(max_examples=10, deadline=None)
@given(fast_claim_formulas)
def test_a_random_formula_gets_a_three_valued_verdict_or_one_value_error(expr):
    import montecarlo
    try:
        report = montecarlo.verify(FAST_CLAIM, sp.sstr(expr))
    except ValueError as error:
        assert "\n" not in str(error)
    else:
        assert report.verdict in ("accepted", "rejected", "undecided")
        assert (report.verdict == "accepted") == (report.comparison.equal and not report.numeric_rejected)
