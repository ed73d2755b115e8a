"""Three-valued equality of SymPy expressions: equal (proved), different (with a witness), undecided.

``compare(a, b)`` answers

- **equal** only when it is proved: the difference simplifies to 0 (or, for symbolic matrices,
  matrix algebra reduces it to the zero matrix);
- **different** only with a witness: a point (values of the free symbols respecting their
  assumptions, and a polynomial for each unknown function) where both sides evaluate, exactly or
  to a stated number of digits, to different values; the Comparison carries the point and both
  values. (Objects of different kinds, a scalar and a matrix or matrices of different shapes, are
  different by their shapes, which the reason states.)
- **undecided** otherwise, with the reason (a bound exceeded, an unknown function, sides that
  agree at every point tried but that SymPy cannot prove equal).

Every piece of work is bounded: the expression tree's size and depth, the height of power
towers, the digits of its numbers and the size of numeric exponents are checked before SymPy
touches the expression; exact evaluation at a point is refused
when a power would need more than ``MAX_BITS`` bits (the value is then computed with mpmath to a
stated precision, refused beyond ``MAX_MAGNITUDE`` bits of exponent); the whole comparison has a
wall-time budget, checked between steps and, in the main thread, enforced inside ``simplify``
by an interval timer.
"""
from __future__ import annotations

import math
import numbers
import random
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import mpmath
import sympy as sp

__all__ = ["Comparison", "Limits", "compare", "ExpressionTooLarge", "check_size", "bounded_value", "fact_witnesses"]

MAX_NODES = 20_000      # nodes of an expression tree
MAX_DEPTH = 200         # nesting depth of an expression tree
MAX_TOWER = 3           # powers nested in exponents: x**(y**z) has height 2
MAX_NUMBER_BITS = 4_000  # bits of an exact number in an expression (about 1200 digits)
MAX_EXPONENT = 10_000   # |numeric exponent| of a power
MAX_BITS = 200_000      # bits of an exact rational met while evaluating at a point
MAX_MAGNITUDE = 100_000  # |log2| of a floating value met while evaluating at a point
DIGITS = (40, 80)       # precisions of the two floating evaluations that must agree


class ExpressionTooLarge(ValueError):
    """An expression exceeds a bound (size, depth, power tower) before any work is done on it."""


class _Budget(Exception):
    """The wall-time budget ran out."""


class _CannotEvaluate(Exception):
    """The expression cannot be evaluated at this point within the bounds."""


@dataclass(frozen=True)
class Limits:
    """Bounds on the work of one comparison; ``seconds=None`` for no time limit (trusted input)."""

    seconds: float | None = 5.0
    nodes: int = MAX_NODES
    depth: int = MAX_DEPTH
    tower: int = MAX_TOWER
    trials: int = 8


@dataclass(frozen=True)
class Comparison:
    """The outcome of ``compare``: ``outcome`` is "equal", "different" or "undecided".

    For "different", ``witness`` maps each free symbol's name to its value at the point and
    ``left``/``right`` are the two sides' values there (exact SymPy numbers, or Floats to
    ``digits`` significant digits); ``entry`` names the matrix entry where they differ.
    ``reason`` says how the outcome was reached. Truthy only when equal.
    """

    outcome: str
    reason: str
    witness: dict = field(default_factory=dict)
    left: sp.Basic | None = None
    right: sp.Basic | None = None
    digits: int | None = None
    entry: tuple | None = None

    @property
    def equal(self) -> bool:
        return self.outcome == "equal"

    @property
    def different(self) -> bool:
        return self.outcome == "different"

    @property
    def undecided(self) -> bool:
        return self.outcome == "undecided"

    def __bool__(self) -> bool:
        return self.equal

    def describe(self) -> str:
        """One line: the outcome, and for a difference the witness and both values."""
        if not self.different:
            return f"{self.outcome}: {self.reason}"
        point = ", ".join(f"{k} = {_short(v)}" for k, v in self.witness.items())
        where = f" in entry {self.entry}" if self.entry is not None else ""
        at = f" at {point}" if point else ""
        precision = "exactly" if self.digits is None else f"to {self.digits} digits"
        if self.left is None:
            return f"different{where}: {self.reason}"
        return f"different{where}:{at} the sides are {_short(self.left)} and {_short(self.right)} ({precision})"

    def latex(self) -> str:
        """The outcome as LaTeX text: for a difference, the witness point and both values."""
        if not self.different or self.left is None:
            return rf"\text{{{self.outcome}: {_latex_text(self.reason)}}}"
        point = ", ".join(rf"{_latex_name(k)} = {_latex_value(v)}" for k, v in self.witness.items())
        where = rf"\text{{entry {self.entry}: }}" if self.entry is not None else ""
        precision = "" if self.digits is None else rf"\ \text{{(to {self.digits} digits)}}"
        at = rf"\text{{at }} {point}:\ " if point else ""
        return rf"{where}{at}{_latex_value(self.left)} \neq {_latex_value(self.right)}{precision}"

    def to_dict(self) -> dict:
        return {"outcome": self.outcome, "reason": self.reason,
                "witness": {k: _text(v) for k, v in self.witness.items()},
                "left": None if self.left is None else _text(self.left),
                "right": None if self.right is None else _text(self.right),
                "digits": self.digits, "entry": None if self.entry is None else list(self.entry)}


def _short(value, limit: int = 60) -> str:
    text = _text(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _text(value) -> str:
    """``value`` as text; an exact number too long to print is described by its digit count."""
    if isinstance(value, sp.Rational) and max(abs(int(value.p)), int(value.q)).bit_length() > 3000:
        digits = int(max(abs(int(value.p)), int(value.q)).bit_length() * 0.30103) + 1
        return f"(an exact number of about {digits} digits)"
    try:
        return sp.sstr(value)
    except ValueError:  # Python's limit on converting huge integers to text
        return "(a number too long to print)"


def _latex_text(text: str) -> str:
    return "".join({"\\": r"\textbackslash{}", "_": r"\_", "^": r"\^{}", "&": r"\&", "%": r"\%", "#": r"\#",
                    "$": r"\$", "{": r"\{", "}": r"\}"}.get(c, c) for c in text)


def _latex_name(name: str) -> str:
    return sp.latex(sp.Symbol(name))


def _latex_value(value) -> str:
    if isinstance(value, sp.Basic) and not (isinstance(value, sp.Rational) and
                                            max(abs(int(value.p)), int(value.q)).bit_length() > 3000):
        text = sp.latex(value)
        if len(text) <= 200:
            return text
    return rf"\text{{{_latex_text(_short(value))}}}"


def fact_witnesses(facts, *, seconds: float | None = None) -> list[tuple[object, Comparison]]:
    """For each fact claimed false (``holds=False``), the Comparison that refutes it: its witness
    point and both values, for the Evidence of the S check and the LaTeX of the derivation."""
    return [(fact, compare(fact.lhs, fact.rhs, seconds=seconds)) for fact in facts if not fact.holds]


def _equal(reason: str) -> Comparison:
    return Comparison("equal", reason)


def _undecided(reason: str) -> Comparison:
    return Comparison("undecided", reason)


# --- bounds on the expression --------------------------------------------------------------

def check_size(expr, limits: Limits = Limits(), name: str = "expression") -> None:
    """Raise ExpressionTooLarge when ``expr`` exceeds the node, depth or power-tower bound."""
    nodes = 0
    stack = [(expr, 1, 0)]
    while stack:
        node, depth, tower = stack.pop()
        nodes += 1
        if nodes > limits.nodes:
            raise ExpressionTooLarge(f"{name} has more than {limits.nodes} nodes")
        if depth > limits.depth:
            raise ExpressionTooLarge(f"{name} is nested more than {limits.depth} levels deep")
        if tower > limits.tower:
            raise ExpressionTooLarge(f"{name} has a tower of more than {limits.tower} nested powers")
        if isinstance(node, sp.Rational) and max(abs(int(node.p)), int(node.q)).bit_length() > MAX_NUMBER_BITS:
            raise ExpressionTooLarge(f"{name} has a number of more than {int(MAX_NUMBER_BITS * 0.30103)} digits")
        if isinstance(node, sp.Pow) and node.exp.is_Number and abs(node.exp) > MAX_EXPONENT:
            raise ExpressionTooLarge(f"{name} has an exponent larger than {MAX_EXPONENT}")
        if isinstance(node, sp.Pow):
            base, exponent = node.args
            stack.append((base, depth + 1, tower))
            stack.append((exponent, depth + 1, tower + (0 if exponent.is_Number else 1)))
        elif isinstance(node, sp.exp):
            stack.append((node.args[0], depth + 1, tower + (0 if node.args[0].is_Number else 1)))
        elif isinstance(node, sp.Basic):
            stack.extend((arg, depth + 1, tower) for arg in node.args)


# --- the time budget -------------------------------------------------------------------------

class _Clock:
    def __init__(self, seconds: float | None):
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self.seconds = seconds

    def left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def check(self) -> None:
        left = self.left()
        if left is not None and left <= 0:
            raise _Budget()


ALARM_REPEAT = 0.05  # seconds between alarms after the first, while the block runs on
ALARM_REPEATS = 40  # the alarms after the first; the last one also disarms the timer


@contextmanager
def _interrupt_after(seconds: float | None):
    """Raise _Budget inside the block after ``seconds`` (main thread with SIGALRM only).

    An exception raised by a signal handler is lost when the signal lands in code that swallows
    exceptions (a gc callback, a __del__, a weakref callback), so the alarm repeats every
    ALARM_REPEAT seconds until the block ends; after ALARM_REPEATS repeats the handler disarms the
    timer itself, so an alarm that lands in the cleanup below cannot keep firing."""
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return
    if seconds <= 0:
        raise _Budget()
    state = {"armed": True, "fired": 0}

    def alarm(signum, frame):
        state["fired"] += 1
        if state["fired"] > ALARM_REPEATS:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if state["armed"]:
            raise _Budget()

    previous = signal.signal(signal.SIGALRM, alarm)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds, ALARM_REPEAT)
    try:
        yield
    finally:
        state["armed"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if old_delay:
            signal.setitimer(signal.ITIMER_REAL, old_delay, old_interval)


# --- evaluation at a point -------------------------------------------------------------------

def _bits(value: sp.Rational) -> int:
    return int(value.p).bit_length() + int(value.q).bit_length()


def _exact(expr: sp.Basic, point: dict) -> sp.Rational:
    """The exact rational value of ``expr`` at ``point``; _CannotEvaluate when it is not rational
    by +, ×, integer powers and Abs/Max/Min, or needs more than MAX_BITS bits."""
    if isinstance(expr, sp.Symbol):
        return point[expr]
    if expr.is_Rational:
        return expr
    if isinstance(expr, (sp.Add, sp.Mul)):
        values = [_exact(arg, point) for arg in expr.args]
        total = sp.Integer(0) if isinstance(expr, sp.Add) else sp.Integer(1)
        for v in values:
            total = total + v if isinstance(expr, sp.Add) else total * v
            if _bits(total) > MAX_BITS:
                raise _CannotEvaluate("too many bits")
        return total
    if isinstance(expr, sp.Pow):
        exponent = _exact(expr.exp, point)
        if not exponent.is_Integer:
            raise _CannotEvaluate("not rational")
        base = _exact(expr.base, point)
        if base == 0 and exponent < 0:
            raise _CannotEvaluate("division by zero")
        if base not in (0, 1, -1) and _bits(base) * abs(int(exponent)) > MAX_BITS:
            raise _CannotEvaluate("too many bits")
        return base**exponent
    if isinstance(expr, (sp.Abs, sp.Max, sp.Min)):
        values = [_exact(arg, point) for arg in expr.args]
        return {sp.Abs: lambda v: abs(v[0]), sp.Max: max, sp.Min: min}[type(expr)](values)
    if isinstance(expr, sp.Piecewise):
        for value, condition in expr.args:
            truth = _truth(condition, point, lambda e: _exact(e, point))
            if truth:
                return _exact(value, point)
        raise _CannotEvaluate("no branch of a Piecewise applies")
    raise _CannotEvaluate("not rational")


def _truth(condition, point, evaluate) -> bool:
    if condition is sp.true or condition is True:
        return True
    if condition is sp.false or condition is False:
        return False
    if isinstance(condition, sp.And):
        return all(_truth(c, point, evaluate) for c in condition.args)
    if isinstance(condition, sp.Or):
        return any(_truth(c, point, evaluate) for c in condition.args)
    if isinstance(condition, sp.Not):
        return not _truth(condition.args[0], point, evaluate)
    if isinstance(condition, sp.core.relational.Relational):
        left, right = evaluate(condition.lhs), evaluate(condition.rhs)
        if isinstance(left, mpmath.mpc) or isinstance(right, mpmath.mpc):
            raise _CannotEvaluate("complex comparison")
        ops = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
               ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
        return bool(ops[condition.rel_op](left, right))
    raise _CannotEvaluate(f"cannot decide the condition {condition}")


_MPMATH_FUNCTIONS = {
    sp.exp: mpmath.exp, sp.log: mpmath.log, sp.sin: mpmath.sin, sp.cos: mpmath.cos, sp.tan: mpmath.tan,
    sp.tanh: mpmath.tanh, sp.sinh: mpmath.sinh, sp.cosh: mpmath.cosh, sp.gamma: mpmath.gamma,
    sp.erf: mpmath.erf, sp.erfc: mpmath.erfc, sp.atan: mpmath.atan, sp.sign: mpmath.sign,
    sp.Heaviside: lambda v: mpmath.mpf(1) if v > 0 else (mpmath.mpf(0) if v < 0 else mpmath.mpf("0.5")),
}


def _guard(value):
    if isinstance(value, mpmath.mpc):
        if value.imag == 0:
            value = value.real
        else:
            for part in (value.real, value.imag):
                _guard(part)
            return value
    if not mpmath.isfinite(value):
        raise _CannotEvaluate("not finite")
    if value != 0 and abs(mpmath.mag(value)) > MAX_MAGNITUDE:
        raise _CannotEvaluate("too large a magnitude")
    return value


def _floating(expr: sp.Basic, point: dict):
    """``expr`` at ``point`` with mpmath at the current precision, every intermediate bounded."""
    if isinstance(expr, sp.Symbol):
        return mpmath.mpf(point[expr].p) / point[expr].q
    if expr.is_Rational:
        return mpmath.mpf(expr.p) / expr.q
    if expr is sp.pi:
        return +mpmath.pi
    if expr is sp.E:
        return +mpmath.e
    if expr.is_Float:
        return mpmath.mpf(expr)
    if isinstance(expr, sp.Add):
        return _guard(mpmath.fsum(_floating(a, point) for a in expr.args))
    if isinstance(expr, sp.Mul):
        total = mpmath.mpf(1)
        for a in expr.args:
            total = _guard(total * _floating(a, point))
        return total
    if isinstance(expr, sp.Pow):
        base, exponent = _floating(expr.base, point), _floating(expr.exp, point)
        if base == 0:
            if exponent <= 0:
                raise _CannotEvaluate("division by zero")
            return mpmath.mpf(0)
        estimate = abs(exponent) * abs(mpmath.log(abs(base), 2))
        if estimate > MAX_MAGNITUDE:
            raise _CannotEvaluate("too large a power")
        return _guard(mpmath.power(base, exponent))
    if isinstance(expr, (sp.Abs, sp.Max, sp.Min)):
        values = [_floating(a, point) for a in expr.args]
        if any(isinstance(v, mpmath.mpc) for v in values) and not isinstance(expr, sp.Abs):
            raise _CannotEvaluate("complex comparison")
        return {sp.Abs: lambda v: abs(v[0]), sp.Max: max, sp.Min: min}[type(expr)](values)
    if isinstance(expr, sp.Piecewise):
        for value, condition in expr.args:
            if _truth(condition, point, lambda e: _floating(e, point)):
                return _floating(value, point)
        raise _CannotEvaluate("no branch of a Piecewise applies")
    function = _MPMATH_FUNCTIONS.get(type(expr))
    if function is not None:
        arguments = [_floating(a, point) for a in expr.args]
        if isinstance(expr, sp.exp) and not isinstance(arguments[0], mpmath.mpc) and arguments[0] > MAX_MAGNITUDE:
            raise _CannotEvaluate("too large a power")
        try:
            return _guard(function(*arguments))
        except (ValueError, ZeroDivisionError):
            raise _CannotEvaluate("outside the function's domain") from None
    raise _CannotEvaluate(f"{type(expr).__name__} cannot be evaluated at a point")


def _value_at(expr: sp.Basic, point: dict):
    """(value, digits): exact (digits None) when possible, else mpmath at two precisions that agree."""
    try:
        return _exact(expr, point), None
    except _CannotEvaluate:
        pass
    values = []
    for digits in DIGITS:
        with mpmath.workdps(digits):
            values.append(_floating(expr, point))
    low, high = values
    scale = max(abs(high), mpmath.mpf(1))
    if abs(low - high) > scale * mpmath.mpf(10) ** (-DIGITS[0] // 2):
        raise _CannotEvaluate("unstable under a change of precision")
    return high, DIGITS[0] // 2


def bounded_value(expr: sp.Basic, point: dict) -> sp.Basic:
    """``expr`` at ``point`` (Symbol -> number), exact when it is rational, else to a stated
    precision; ValueError, one line, when that needs more than the bounds allow."""
    if not isinstance(expr, (sp.Basic, int, float)) or isinstance(expr, bool):  # a string would be evaluated
        raise TypeError(f"expr must be a SymPy expression or a number, not {type(expr).__name__}")
    exact = {}
    for symbol, value in point.items():
        if isinstance(value, bool) or not isinstance(value, (numbers.Real, sp.Rational)):
            raise TypeError(f"point[{symbol}] must be a real number, not {type(value).__name__}")
        if isinstance(value, (sp.Rational, numbers.Integral)):
            exact[symbol] = sp.Rational(value) if isinstance(value, sp.Rational) else sp.Integer(int(value))
        elif not math.isfinite(value):
            raise ValueError(f"point[{symbol}] must be finite, not {value}")
        else:
            exact[symbol] = sp.Rational(repr(float(value)))
    point = exact
    try:
        value, digits = _value_at(sp.sympify(expr), point)
    except (_CannotEvaluate, KeyError) as error:
        where = ", ".join(f"{s} = {v}" for s, v in point.items())
        raise ValueError(f"{_short(expr)} cannot be evaluated at {where} within the bounds ({error})") from None
    return _as_sympy(value, digits)


def _random_rational(symbol: sp.Symbol, rng: random.Random) -> sp.Rational:
    if symbol.is_integer:
        low = 1 if (symbol.is_nonnegative or symbol.is_positive) else -7
        return sp.Integer(rng.randint(low, 9))
    value = sp.Rational(rng.randint(1, 97), rng.randint(1, 31))
    if symbol.is_positive or symbol.is_nonnegative:
        return value
    return value if rng.random() < 0.5 else -value


def _as_sympy(value, digits):
    if digits is None:
        return value
    if isinstance(value, mpmath.mpc):
        return sp.Float(value.real, digits) + sp.I * sp.Float(value.imag, digits)
    return sp.Float(value, digits)


def _differs(a, b, digits) -> bool:
    if digits is None and not isinstance(a, mpmath.mpc):
        if isinstance(a, sp.Rational) and isinstance(b, sp.Rational):
            return a != b
    with mpmath.workdps(DIGITS[1]):  # an exact side converted at the default 15 digits would differ at 1e-16
        a = mpmath.mpf(a.p) / a.q if isinstance(a, sp.Rational) else a
        b = mpmath.mpf(b.p) / b.q if isinstance(b, sp.Rational) else b
        scale = max(abs(a), abs(b), mpmath.mpf(1))
        return abs(a - b) > scale * mpmath.mpf(10) ** (-(digits or DIGITS[0] // 2) + 2)


def _concrete_function(arity: int, rng: random.Random) -> sp.Lambda:
    """A random polynomial standing in for an unknown function (a counterexample for "for all f")."""
    variables = sp.symbols(f"t1:{arity + 1}")
    coefficient = lambda: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5))  # noqa: E731
    body = coefficient() + sum(coefficient() * v + coefficient() * v**2 + coefficient() * v**3 for v in variables)
    return sp.Lambda(variables, body)


def _unknown_functions(*exprs) -> dict:
    """Each unknown function applied in ``exprs``, with its number of arguments."""
    found = {}
    for expr in exprs:
        for applied in expr.atoms(sp.core.function.AppliedUndef):
            found.setdefault(applied.func, len(applied.args))
    return dict(sorted(found.items(), key=lambda item: str(item[0])))


def _witness(a: sp.Basic, b: sp.Basic, limits: Limits, clock: _Clock, seed: int):
    """A point where ``a`` and ``b`` differ, as a Comparison, or (points agreeing, points tried).

    Unknown functions (``p(u)``) are replaced by random cubic polynomials, named in the witness:
    a statement claimed for every function is refuted by one function where it fails.
    """
    functions = _unknown_functions(a, b)
    rng = random.Random(seed)
    agreed = tried = 0
    for _ in range(limits.trials):
        clock.check()
        chosen = {f: _concrete_function(arity, rng) for f, arity in functions.items()}
        left_expr, right_expr = a, b
        if chosen:
            try:
                with _interrupt_after(clock.left()):
                    left_expr = a.subs(chosen).doit()
                    right_expr = b.subs(chosen).doit()
            except (TypeError, ValueError, NotImplementedError, AttributeError):
                continue
        symbols = sorted((s for s in (left_expr.free_symbols | right_expr.free_symbols)
                          if isinstance(s, sp.Symbol)), key=str)
        point = {s: _random_rational(s, rng) for s in symbols}
        tried += 1
        try:
            with _interrupt_after(clock.left()):
                left, left_digits = _value_at(left_expr, point)
                right, right_digits = _value_at(right_expr, point)
        except (_CannotEvaluate, KeyError, TypeError, ValueError):
            continue
        digits = None if left_digits is None and right_digits is None else DIGITS[0] // 2
        if _differs(left, right, digits):
            witness = {f.__name__: v for f, v in chosen.items()}
            witness.update({s.name: v for s, v in point.items()})
            return Comparison("different", "the sides differ at a point", witness,
                              _as_sympy(left, digits), _as_sympy(right, digits), digits)
        agreed += 1
        if not symbols and not functions:
            break
    return agreed, tried


# --- the comparison --------------------------------------------------------------------------

def compare(a, b, *, limits: Limits | None = None, seconds: float | None = 5.0, seed: int = 0) -> Comparison:
    """Compare ``a`` and ``b``: equal (proved), different (with a witness point) or undecided.

    ``a`` and ``b`` are SymPy expressions, explicit matrices (compared entry by entry; shapes must
    agree), symbolic matrix expressions (matrix algebra only) or truth values. ``seconds`` bounds
    the wall time (None: no limit); ``limits`` overrides every bound at once. Raises
    ExpressionTooLarge (a ValueError) when either side exceeds a size bound.
    """
    limits = limits if limits is not None else Limits(seconds=seconds)
    clock = _Clock(limits.seconds)
    a, b = _sympify(a, "left side"), _sympify(b, "right side")
    for side, name in ((a, "left side"), (b, "right side")):
        check_size(side, limits, name)
    try:
        return _compare(a, b, limits, clock, seed)
    except _Budget:
        return _undecided(f"the time budget of {limits.seconds:g} s ran out")


def _sympify(value, name):
    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        return value
    if isinstance(value, bool):
        return sp.true if value else sp.false
    if isinstance(value, (int, float)):
        return sp.sympify(value)
    if isinstance(value, (list, tuple)):
        return sp.ImmutableMatrix(value)
    raise TypeError(f"{name} must be a SymPy expression or matrix, not {type(value).__name__}")


def _shape_name(shape) -> str:
    return "a scalar" if shape is None else f"a {shape[0]}×{shape[1]} matrix"


def _compare(a, b, limits, clock, seed) -> Comparison:
    if isinstance(a, sp.Equality) or isinstance(b, sp.Equality):
        if not (isinstance(a, sp.Equality) and isinstance(b, sp.Equality)):
            return Comparison("different", "an equation compared with an expression")
        return _compare(a.lhs - a.rhs, b.lhs - b.rhs, limits, clock, seed)
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        shape_a = a.shape if isinstance(a, (sp.MatrixBase, sp.MatrixExpr)) else None
        shape_b = b.shape if isinstance(b, (sp.MatrixBase, sp.MatrixExpr)) else None
        if shape_a != shape_b:
            return Comparison("different", f"shapes differ: {_shape_name(shape_a)} and {_shape_name(shape_b)}")
        a, b = sp.Matrix(a), sp.Matrix(b)
        undecided = None
        for index in range(len(a)):
            entry = divmod(index, a.shape[1])
            outcome = _compare(a[index], b[index], limits, clock, seed)
            if outcome.different:
                return Comparison("different", outcome.reason, outcome.witness, outcome.left, outcome.right,
                                  outcome.digits, entry)
            if outcome.undecided and undecided is None:
                undecided = Comparison("undecided", f"entry {entry}: {outcome.reason}", entry=entry)
        return undecided if undecided is not None else _equal(f"all {len(a)} entries proved equal")
    if isinstance(a, sp.MatrixExpr) or isinstance(b, sp.MatrixExpr):
        if getattr(a, "shape", None) != getattr(b, "shape", None):
            return Comparison("different", "shapes differ")
        with _interrupt_after(clock.left()):
            difference = sp.expand(a - b).doit()
        if difference == 0 or getattr(difference, "is_ZeroMatrix", False) is True:
            return _equal("matrix algebra reduces the difference to the zero matrix")
        return _undecided(f"matrix algebra leaves {_short(difference)}")
    truths = (sp.logic.boolalg.BooleanAtom, sp.core.relational.Relational, sp.logic.boolalg.BooleanFunction)
    if isinstance(a, truths) or isinstance(b, truths):
        if isinstance(a, sp.logic.boolalg.BooleanAtom) and isinstance(b, sp.logic.boolalg.BooleanAtom):
            return _equal("the same truth value") if a == b else Comparison("different", "different truth values")
        if a == b:
            return _equal("the same statement")
        return _undecided("statements compared only when they are truth values")
    difference = a - b
    if difference == 0:
        return _equal("the difference is 0")
    if a == b and not a.has(sp.nan):  # the same tree, though a − b is not 0 (oo − oo is nan)
        return _equal("the same expression")
    clock.check()
    try:
        with _interrupt_after(clock.left()):
            for step in (sp.expand, sp.cancel, sp.simplify):
                clock.check()
                difference = step(difference)
                if difference == 0:
                    return _equal(f"{step.__name__}(a − b) = 0")
                check_size(difference, limits, "the difference")
    except ExpressionTooLarge as error:
        return _undecided(f"{error}")
    except (_Budget, RecursionError, MemoryError):
        pass  # look for a witness with what is left of the budget
    except (TypeError, ValueError, NotImplementedError, AttributeError):
        pass
    found = _witness(a, b, limits, clock, seed)
    if isinstance(found, Comparison):
        return found
    agreed, tried = found
    if agreed:
        return _undecided(f"not proved equal; the sides agree at {agreed} of {tried} random points")
    return _undecided(f"not proved equal, and neither side could be evaluated at {tried} random points")
