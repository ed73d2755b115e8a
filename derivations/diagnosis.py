"""How a wrong answer differs from the derived one: a diagnosis a student can act on.

``diagnose(target, candidate)`` looks for the simplest relation between a candidate ``C`` and
the derived target ``T`` that explains a difference, in this order, and names the first found:

- ``sign``: C = -T;
- ``factor``: C = k T with k a number (½, 2, ...) or a monomial in the symbols (m: a dropped 1/m);
- ``root`` / ``square`` / ``reciprocal``: C² = T (a standard deviation where a variance belongs),
  C = T², C = 1/T;
- ``power``: C = T with an integer symbol L replaced by L ± 1 (a power L where L − 1 belongs);
- ``substitution``: C = T with one symbol s replaced by another expression y (solved for:
  χ − μ² for χ, n_out for n_in); when y − s vanishes at s' = 0 it says "right if s' = 0";
  then a square dropped or added (N where N² belongs: s -> sqrt(s), s -> s²) or the complement
  1 − s (the drop for the keep probability, a swapped Beta);
- ``term``: C = T + d with d a short expression (an additive term, which);
- ``points``: C = T exactly where a symbol takes the values found by solving C = T for it;
- ``different``: none of these; the witness point alone.

Each diagnosis carries the witness of the difference (a point and both values, from
``derivations.equality.compare``). Every SymPy operation runs under the spine's bounds: the
size limits of ``check_size`` before anything is done, and a wall-time budget for the whole
diagnosis (each relation is tried with what is left, at most ``PER_TEST`` seconds).
"""
from __future__ import annotations

import ast
import builtins
import time
from dataclasses import dataclass, field

import sympy as sp

from .equality import Comparison, Limits, _Budget, _Clock, _interrupt_after, _witness, check_size, compare

__all__ = ["Diagnosis", "diagnose", "diagnose_claim", "catalogue_expression", "KINDS"]

KINDS = ("sign", "factor", "root", "square", "reciprocal", "power", "substitution", "term", "points", "different")
PER_TEST = 1.0   # seconds for one relation tried
TERM_OPS = 12    # an additive term is reported only when it has at most this many operations


@dataclass
class Diagnosis:
    """What relates a wrong candidate to the derived target.

    ``kind`` is one of ``KINDS``; ``detail`` the factor, the term, the substitution ``{symbol: value}``
    or the special values, as SymPy; ``message`` says it in words; ``witness`` is the comparison
    that shows the difference (a point and both values); ``slip`` names the catalogued slip the
    candidate matches, when there is one; ``entry`` the matrix entry diagnosed.
    """

    kind: str
    detail: object
    message: str
    witness: Comparison | None = None
    slip: str = ""
    entry: tuple | None = None
    extra: dict = field(default_factory=dict)

    def describe(self) -> str:
        lines = [self.message]
        if self.slip:
            lines.append(f"typical slip: {self.slip}")
        if self.witness is not None and self.witness.different:
            lines.append(f"witness: {self.witness.describe()}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        detail = self.detail
        if isinstance(detail, dict):
            detail = {str(k): sp.sstr(v) for k, v in detail.items()}
        elif isinstance(detail, (list, tuple)):
            detail = [sp.sstr(d) for d in detail]
        elif detail is not None:
            detail = sp.sstr(detail)
        out = {"kind": self.kind, "message": self.message, "slip": self.slip or None,
               "witness": None if self.witness is None else self.witness.to_dict(),
               "entry": None if self.entry is None else list(self.entry)}
        key = {"factor": "factor", "term": "term", "substitution": "substitution", "power": "substitution",
               "points": "points"}.get(self.kind, "detail")
        out[key] = detail
        return out


class _Timer:
    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds

    def slice(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _Budget()
        return min(left, PER_TEST)


def _run(timer: _Timer, function, *args):
    """``function(*args)`` within a slice of the budget; None when it runs out or fails."""
    try:
        seconds = timer.slice()
        with _interrupt_after(seconds):
            return function(*args)
    except _Budget:
        return None
    except (TypeError, ValueError, NotImplementedError, AttributeError, ZeroDivisionError, RecursionError):
        return None


def _equal(timer: _Timer, a, b) -> bool:
    try:
        seconds = timer.slice()
    except _Budget:
        return False
    try:
        check_size(a), check_size(b)
        if _differ_at_a_point(a, b, seconds):
            return False
        return compare(a, b, seconds=seconds).equal
    except (ValueError, TypeError):
        return False


def _differ_at_a_point(a, b, seconds: float) -> bool:
    """True when ``compare``'s own witness search (its points, its seed) finds a point where the
    scalar sides differ: then ``compare`` cannot prove them equal, and the no is had without the
    simplification it tries first. Most relations tried are wrong, so this is the common answer."""
    a, b = sp.sympify(a), sp.sympify(b)
    if not (isinstance(a, sp.Expr) and isinstance(b, sp.Expr)):
        return False
    try:
        return isinstance(_witness(a, b, Limits(seconds=seconds), _Clock(seconds), 0), Comparison)
    except _Budget:
        return False


def _words(symbol_words: dict, name: str) -> str:
    text = symbol_words.get(name, "")
    return f" ({text})" if text else ""


def _factor_phrase(k: sp.Expr) -> str:
    if k.is_number:
        return f"the candidate is {sp.sstr(k)} times the answer"
    if k.is_Pow and k.exp.is_negative:
        return f"the candidate is the answer divided by {sp.sstr(1 / k)}: a factor {sp.sstr(1 / k)} is missing"
    return f"the candidate is {sp.sstr(k)} times the answer: a 1/{sp.sstr(k)} was dropped"


def _is_monomial(k: sp.Expr) -> bool:
    """A number times integer powers of symbols (m, 1/n, L/c), or a short power of a sum (sqrt(eps + var))."""
    if all(f.is_number or f.is_Symbol or (f.is_Pow and f.base.is_Symbol and f.exp.is_Integer)
           for f in sp.Mul.make_args(k)):
        return True
    others = [f for f in sp.Mul.make_args(k) if not f.is_number]
    return sp.count_ops(k) <= 6 and len(others) == 1 and others[0].is_Pow and others[0].exp.is_Rational


def diagnose(target, candidate, *, symbol_words: dict | None = None, seconds: float = 6.0,
             comparison: Comparison | None = None) -> Diagnosis | None:
    """How ``candidate`` differs from ``target``, or None when they are proved equal (or the
    comparison is undecided: no diagnosis without a witness). ``symbol_words`` maps a symbol's
    name to what its vanishing means ("the inputs had zero mean"). Bounded by ``seconds``."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
        raise ValueError(f"seconds must be a positive number, not {seconds!r}")
    symbol_words = dict(symbol_words or {})
    for name, value in (("target", target), ("candidate", candidate)):
        if isinstance(value, str):  # sympify would evaluate it
            raise TypeError(f"{name} must be a SymPy expression, not a string (montecarlo.verify parses one safely)")
    target, candidate = sp.sympify(target), sp.sympify(candidate)
    check_size(target, name="target")
    check_size(candidate, name="candidate")
    timer = _Timer(seconds)
    if comparison is None:
        comparison = compare(candidate, target, seconds=min(seconds, 5.0))
    if not comparison.different:
        return None
    if isinstance(target, sp.MatrixBase) or isinstance(candidate, sp.MatrixBase):
        return _diagnose_matrix(target, candidate, comparison, symbol_words, timer)
    try:
        found = _scalar(target, candidate, symbol_words, timer)
    except _Budget:
        found = None
    if found is None:
        found = Diagnosis("different", None, "no simple relation to the answer was found; the witness shows the "
                                             "difference")
    found.witness = comparison
    return found


def _diagnose_matrix(target, candidate, comparison, symbol_words, timer) -> Diagnosis:
    if not (isinstance(target, sp.MatrixBase) and isinstance(candidate, sp.MatrixBase)) or target.shape != candidate.shape:
        return Diagnosis("different", None, "the candidate has another shape than the answer", comparison)
    if _equal(timer, candidate, -target):
        return Diagnosis("sign", -1, "wrong sign: the candidate is minus the answer", comparison)
    entry = comparison.entry or (0, 0)
    try:
        found = _scalar(target[entry], candidate[entry], symbol_words, timer)
    except _Budget:
        found = None
    if found is None:
        found = Diagnosis("different", None, "no simple relation to the answer was found")
    found.entry = tuple(entry)
    found.message = f"in entry {tuple(entry)}: {found.message}"
    found.witness = comparison
    return found


def _scalar(T, C, symbol_words, timer) -> Diagnosis | None:
    symbols = sorted((s for s in (T.free_symbols | C.free_symbols) if isinstance(s, sp.Symbol)), key=str)
    in_target = sorted((s for s in T.free_symbols if isinstance(s, sp.Symbol)), key=str)
    ratio = None
    if T != 0:  # the cheap test first: C / T, cancelled
        ratio = _run(timer, lambda: sp.factor(sp.cancel(C / T)))
        if ratio is not None and not ratio.is_number and sp.count_ops(ratio) <= 2 * TERM_OPS:
            simpler = _run(timer, lambda: sp.factor(sp.simplify(ratio)))
            ratio = simpler if simpler is not None else ratio
        if ratio is not None and ratio.has(sp.zoo, sp.nan):
            ratio = None
    if ratio == -1:
        return Diagnosis("sign", sp.Integer(-1), "wrong sign: the candidate is minus the answer")
    exponents = [p for p in in_target if p.is_integer and any(q.exp.has(p) for q in T.atoms(sp.Pow))]
    for s in exponents:
        for shift in (-1, 1):
            if _equal(timer, C, T.subs(s, s + shift)):
                return Diagnosis("power", {s: s + shift}, f"a different power: {sp.sstr(s + shift)} where {s} belongs")
    if T != 0:
        if _equal(timer, C**2, T):
            return Diagnosis("root", sp.sqrt(T), "the candidate is the square root of the answer: a standard "
                                                 "deviation where a variance belongs")
        if _equal(timer, C, T**2):
            return Diagnosis("square", T**2, "the candidate is the square of the answer: a variance where a "
                                             "standard deviation belongs")
        if _equal(timer, C * T, 1):
            return Diagnosis("reciprocal", 1 / T, "the candidate is the reciprocal of the answer (upside down)")
        if ratio is not None and ratio != 1 and ratio != 0 and _is_monomial(ratio):
            if ratio.is_number or ratio.free_symbols <= set(symbols):
                return Diagnosis("factor", ratio, f"off by a constant factor {sp.sstr(ratio)}: {_factor_phrase(ratio)}"
                                 if ratio.is_number else f"off by a factor {sp.sstr(ratio)}: {_factor_phrase(ratio)}")
    for s in in_target:
        if s.is_integer and s not in exponents:
            for shift in (-1, 1):
                if _equal(timer, C, T.subs(s, s + shift)):
                    return Diagnosis("substitution", {s: s + shift}, f"equal to the answer with "
                                     f"{sp.sstr(s + shift)} in place of {s} (off by one)")
    for s in in_target:
        found = _substitution(T, C, s, symbol_words, timer)
        if found is not None:
            return found
    for s in in_target:  # a square dropped or added (N where N**2 belongs), or the complement 1 - s
        for y, why in ((sp.sqrt(s), f"{s} where {s}**2 belongs (a square dropped)"),
                       (s**2, f"{s}**2 where {s} belongs (squared)"),
                       (1 - s, f"the complement 1 - {s} where {s} belongs")):
            if not s.is_integer or y != 1 - s:
                if _equal(timer, C, T.subs(s, y)):
                    return Diagnosis("substitution", {s: y}, f"equal to the answer with {sp.sstr(y)} in place "
                                                             f"of {s}: {why}")
    difference = _run(timer, lambda: sp.factor(sp.simplify(C - T)))
    if difference is not None and difference != 0 and sp.count_ops(difference) <= TERM_OPS:
        vanish = _vanishing(difference, symbol_words, timer)
        points = None if vanish else _special_points(difference, symbol_words, timer)
        if points is not None:
            return points
        return Diagnosis("term", difference, f"off by an additive term {sp.sstr(difference)}: the candidate "
                                             f"is the answer plus {sp.sstr(difference)}{vanish}")
    for s in in_target:
        found = _substitution(T, C, s, symbol_words, timer, numbers=True)
        if found is not None:
            return found
    for s in symbols:
        roots = _run(timer, lambda: sp.solve(sp.Eq(C, T), s, dict=False))
        if roots and isinstance(roots, list) and len(roots) <= 4 and all(not r.has(sp.I) for r in roots):
            where = " or ".join(f"{s} = {sp.sstr(r)}" for r in roots)
            return Diagnosis("points", roots, f"right only where {where}{_words(symbol_words, s.name)}; "
                                              "wrong elsewhere")
    return None


def _special_points(difference, symbol_words, timer) -> Diagnosis | None:
    """"right only where s = c" when the difference vanishes at a nonzero number c (or another
    symbol) of one symbol s; a difference vanishing only at s = 0 is reported as a term."""
    for s in sorted(difference.free_symbols, key=str):
        if not s.is_Symbol:
            continue
        roots = _run(timer, lambda: sp.solve(difference, s, dict=False))
        if not roots or not isinstance(roots, list) or len(roots) > 4:
            continue
        special = [r for r in roots if (r.is_number and r != 0 and r.is_real) or r.is_Symbol]
        if special:
            where = " or ".join(f"{s} = {sp.sstr(r)}" for r in special)
            return Diagnosis("points", special, f"right only where {where}{_words(symbol_words, s.name)}; the "
                                                f"candidate is off by {sp.sstr(difference)} elsewhere")
    return None


def _vanishing(expr, symbol_words, timer) -> str:
    """", which is 0 when mu = 0 (the inputs had zero mean)" for a term that vanishes with a symbol."""
    for s in sorted(expr.free_symbols, key=str):
        if s.is_Symbol and _equal(timer, expr.subs(s, 0), 0):
            return f"; right if {s} = 0{_words(symbol_words, s.name)}"
    return ""


def _substitution(T, C, s, symbol_words, timer, numbers=False) -> Diagnosis | None:
    """C = T with ``s`` replaced by a simple y (solved for), y ≠ s; a number y only when ``numbers``."""
    y = sp.Dummy("y")
    roots = _run(timer, lambda: sp.solve(sp.Eq(T.subs(s, y), C), y, dict=False))
    if not roots or not isinstance(roots, list) or len(roots) > 2:
        return None
    for root in roots:
        root = _run(timer, sp.simplify, root)
        if root is None or root.has(sp.I, sp.zoo, sp.nan) or root == s or sp.count_ops(root) > TERM_OPS:
            continue
        if root.has(y) or bool(root.is_number) != numbers:
            continue
        shift = _run(timer, sp.simplify, root - s)
        flipped = root.could_extract_minus_sign() and (-root).is_Symbol
        simple_shift = (shift is not None and not shift.is_Add and not (shift / s).is_number
                        and not (shift.free_symbols & (T.free_symbols - {s})))
        if shift is None or not (root.is_Symbol or root.is_number or flipped or simple_shift):
            continue
        if not _equal(timer, T.subs(s, root), C):
            continue
        if s.is_integer and shift is not None and shift.is_Integer:
            return Diagnosis("power", {s: root}, f"a different power: {sp.sstr(root)} where {s} belongs")
        special = ""
        if shift is not None:
            special = _vanishing(shift, symbol_words, timer)
        if root.is_number:
            return Diagnosis("substitution", {s: root}, f"equal to the answer with {s} = {sp.sstr(root)}: right only "
                                                        f"if {s} = {sp.sstr(root)}{_words(symbol_words, s.name)}")
        if root.is_Symbol and not special:
            special = f"; right only if {root} = {s}"
        if flipped and not special:
            special = f"; the sign of {s} is flipped"
        return Diagnosis("substitution", {s: root},
                         f"equal to the answer with {sp.sstr(root)} in place of {s}{special}")
    return None


# --- the claim's catalogue -------------------------------------------------------------------

def _claim_names(derivation) -> dict:
    names = {s.name: s for s in derivation.symbols}
    target = derivation.target
    for s in sorted(sp.sympify(target).free_symbols, key=str):
        if isinstance(s, sp.Symbol):
            names.setdefault(s.name, s)
    return names


_CATALOGUE_CALLS = {"Abs", "exp", "gamma", "log", "sign", "sqrt", "where", "Max", "Min", "tanh", "erf", "Heaviside"}


def _check_catalogue_syntax(text, local: dict) -> None:
    """``parse_expr`` evaluates its text: refuse, before it runs, anything but a formula (numbers,
    names, arithmetic, comparisons, lists, and calls of the catalogue's functions by name)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise ValueError(f"text {text[:60]!r} is not a formula: {error.msg}") from None
    for node in ast.walk(tree):
        allowed = isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.List,
                                    ast.Tuple, ast.Load, ast.operator, ast.unaryop, ast.boolop, ast.cmpop))
        allowed |= isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(
            node.value, bool)
        allowed |= isinstance(node, ast.Name) and not node.id.startswith("_") and (
            node.id in local or node.id in _CATALOGUE_CALLS or not hasattr(builtins, node.id))  # exec, open: no
        allowed |= isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords and (
            node.func.id in _CATALOGUE_CALLS)
        if not allowed:
            raise ValueError(f"text {text[:60]!r} holds {type(node).__name__}, which a catalogue formula may not")


def catalogue_expression(claim_id: str, text: str) -> sp.Basic:
    """A formula of the mutation catalogue (trusted data of ``derivations.mutants``) as SymPy in the
    claim's symbols; ``target`` is the derived target, ``where(c, a, b)`` a piecewise form."""
    from .core import get
    from .mutants import CATALOGUE

    derivation = get(claim_id)
    names = _claim_names(derivation)
    local = dict(names)
    local.update({"target": derivation.target, "pi": sp.pi, "E": sp.E, "sqrt": sp.sqrt, "exp": sp.exp,
                  "Abs": sp.Abs, "sign": sp.sign, "log": sp.log,
                  "where": lambda c, a, b: sp.Piecewise((a, c), (b, True))})
    for name, definition in CATALOGUE.get(claim_id, {}).get("defs", {}).items():
        _check_catalogue_syntax(definition, local)
        local[name] = sp.parse_expr(definition, local_dict=dict(local))
    _check_catalogue_syntax(text, local)
    value = sp.parse_expr(text, local_dict=local)
    if isinstance(value, (list, tuple)):
        value = sp.ImmutableMatrix(value)
    if isinstance(value, sp.MatrixBase):
        value = sp.ImmutableMatrix(value)
    if isinstance(value, float):
        value = sp.Rational(str(value))
    return sp.nsimplify(value, rational=True) if value.has(sp.Float) else value


def diagnose_claim(claim_id: str, candidate, *, comparison: Comparison | None = None,
                   seconds: float = 6.0) -> Diagnosis | None:
    """``diagnose`` against the derived target of ``claim_id``, with the claim's words for its
    symbols, and the catalogued slip named when the candidate equals one of its wrong answers.
    None when the candidate is not shown different (proved equal, or undecided)."""
    from .core import get
    from .mutants import CATALOGUE

    derivation = get(claim_id)
    entry = CATALOGUE.get(claim_id, {})
    if comparison is None:
        comparison = derivation.accepts(candidate)
        if not isinstance(comparison, Comparison):
            comparison = Comparison("equal" if comparison else "undecided", "the claim's own test")
    if not comparison.different:
        return None
    found = diagnose(derivation.target, candidate, symbol_words=entry.get("words"), seconds=seconds,
                     comparison=comparison if comparison.left is not None else None)
    if found is None:
        return None
    for text, _kind, _detail, slip in entry.get("wrong", ()):
        try:
            planted = catalogue_expression(claim_id, text)
            if not _differ_at_a_point(planted, candidate, 0.5) and compare(planted, candidate, seconds=0.5).equal:
                found.slip = slip
                break
        except (ValueError, TypeError, SyntaxError):
            continue
    return found
