"""Parse a user's candidate formula into SymPy without executing it.

The string is parsed by Python's ``ast`` module and only a whitelist of node types is
translated: numbers, the claim's symbols, + − * / ** (or ^), unary signs, calls of a few named
functions, comparisons and ``and``/``or``/``not`` inside a condition, and

- vectors and matrices: ``[a, b, c]`` (a column), ``[[a, b], [c, d]]`` (rows), or the same inside
  ``Matrix(...)``;
- piecewise forms: ``where(cond, a, b)`` (a if cond else b) and ``Piecewise((a, cond), (b, True))``.

Anything else (attributes, subscripts, lambdas, strings, keywords) is refused with a
ValueError. ``sympy.sympify`` and ``parse_expr`` are not used: both eval. The text, its syntax
tree (nodes and nesting depth), numeric literals (digits), numeric exponents and towers of
powers are bounded before SymPy builds anything, each with a one-line error; so are the numbers
SymPy computes while building (bits of a rational, the denominator of a rational exponent, the
argument of ``gamma``, which SymPy would expand as a factorial).

The text must be ASCII. Python's parser NFKC-normalises identifiers, so a fullwidth ``ｎ`` or a
mathematical bold ``𝐧`` would silently become ``n`` while a Greek ``ν`` or a Cyrillic ``а`` that
looks the same would not: every non-ASCII character is refused, named with its code point, so a
look-alike is never accepted or confused with a symbol. Decimal literals are read exactly from
the text (``1.00000000000000000001`` is not 1, as the float would be).
"""
from __future__ import annotations

import ast
import unicodedata
from collections.abc import Iterable

import sympy as sp

__all__ = ["parse_candidate", "check_formula", "MAX_LENGTH", "MAX_NODES", "MAX_DEPTH", "MAX_EXPONENT", "MAX_TOWER", "MAX_DIGITS",
           "MAX_NUMBER_BITS", "MAX_ROOT", "MAX_GAMMA"]

MAX_LENGTH = 2000   # characters of the text (a 4×4 matrix of fractions fits)
MAX_NODES = 1500    # nodes of the syntax tree
MAX_DEPTH = 40      # nesting depth of the syntax tree
MAX_EXPONENT = 64   # |numeric exponent|
MAX_TOWER = 2       # powers with a symbolic exponent nested in one another: n**n**n is 2
MAX_DIGITS = 30     # digits of a numeric literal
MAX_NUMBER_BITS = 4000  # bits of a rational computed while building (about 1200 digits), as derivations.equality
MAX_ROOT = 10**6    # denominator of a rational exponent (n**0.001 is the 1000th root)
MAX_GAMMA = 170     # |numbers| in gamma's argument: gamma(171.7) exceeds the largest float64
FUNCTIONS = {"sqrt": sp.sqrt, "exp": sp.exp, "log": sp.log, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
             "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh, "atan": sp.atan, "erf": sp.erf, "erfc": sp.erfc,
             "gamma": sp.gamma, "Abs": sp.Abs, "abs": sp.Abs, "Max": sp.Max, "Min": sp.Min, "max": sp.Max,
             "min": sp.Min, "sign": sp.sign, "Heaviside": sp.Heaviside}
CONSTANTS = {"pi": sp.pi, "e": sp.E, "E": sp.E}
_OPERATORS = {ast.Add: sp.Add, ast.Sub: lambda a, b: a - b, ast.Mult: sp.Mul, ast.Div: lambda a, b: a / b,
              ast.Pow: None}
_RELATIONS = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge, ast.Eq: sp.Eq, ast.NotEq: sp.Ne}


def parse_candidate(text: str, symbols: Iterable[sp.Symbol]) -> sp.Basic:
    """The SymPy expression (or explicit Matrix, or Piecewise) written in ``text``, in the given
    symbols (matched by name). ValueError, one line, for anything that is not a bounded formula."""
    if not isinstance(text, str):
        raise TypeError(f"candidate must be a string, not {type(text).__name__}")
    if not text.strip():
        raise ValueError("candidate is empty")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"candidate is longer than {MAX_LENGTH} characters")
    _check_ascii(text)
    by_name = {s.name: s for s in symbols}
    source = text.strip().replace("^", "**")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise ValueError(f"candidate {_quote(text)} is not a formula: {error.msg}") from None
    except (RecursionError, MemoryError):
        raise ValueError(f"candidate is nested more than {MAX_DEPTH} levels deep") from None
    _check_tree(tree.body)
    return _translate(tree.body, by_name, source)


def _check_ascii(text: str) -> None:
    """ValueError naming the first non-ASCII character: look-alikes (fullwidth ｎ, Greek ν,
    Cyrillic а), combining marks and invisible joiners are refused rather than normalised."""
    for position, character in enumerate(text):
        if ord(character) > 127:
            name = unicodedata.name(character, "unnamed")
            raise ValueError(f"candidate has the non-ASCII character {character!r} (U+{ord(character):04X} {name}) "
                             f"at position {position}: type the formula in ASCII")


_FORMULA_TYPES = (sp.Symbol, sp.Number, sp.NumberSymbol, sp.core.numbers.ImaginaryUnit, sp.core.numbers.ComplexInfinity,
                  sp.Add, sp.Mul, sp.Pow, sp.Piecewise, sp.functions.elementary.piecewise.ExprCondPair,
                  sp.core.relational.Relational, sp.And, sp.Or, sp.Not, sp.logic.boolalg.BooleanAtom,
                  sp.MatrixBase, sp.Tuple, *(f for f in FUNCTIONS.values() if isinstance(f, type)))


def check_formula(expr, reference=None) -> None:
    """ValueError, one line, when a SymPy candidate holds anything a typed candidate could not
    (an unknown function f(x), an Integral, a Sum over 10^12 terms, a Derivative...), unless the
    ``reference`` expression (the derived target) holds that kind of node too."""
    extra = set() if reference is None else {type(node) for node in _nodes(reference)}
    for node in _nodes(expr):
        if isinstance(node, sp.gamma):
            _check_gamma(list(node.args))
        if not isinstance(node, _FORMULA_TYPES) and type(node) not in extra:
            raise ValueError(f"candidate holds {type(node).__name__} ({_quote(sp.sstr(node), 40)}), which a formula "
                             "may not: numbers, the claim's symbols, + - * / ** and the functions of a typed candidate")


def _nodes(expr):
    if isinstance(expr, sp.MatrixBase):
        for entry in expr:
            yield from _nodes(entry)
        return
    yield from sp.preorder_traversal(expr)


def _quote(text: str, limit: int = 60) -> str:
    return repr(text) if len(text) <= limit else repr(text[:limit - 3] + "...")


def _check_tree(root: ast.AST) -> None:
    """Bound the syntax tree before anything is built: nodes, depth, literal digits, power towers."""
    nodes = 0
    stack = [(root, 1, 0)]
    while stack:
        node, depth, tower = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise ValueError(f"candidate has more than {MAX_NODES} parts")
        if depth > MAX_DEPTH:
            raise ValueError(f"candidate is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
            if node.value.bit_length() > 4 * MAX_DIGITS or len(str(node.value)) > MAX_DIGITS:  # str only when short
                raise ValueError(f"candidate has a number with more than {MAX_DIGITS} digits")
        if isinstance(node, ast.Constant) and isinstance(node.value, float) and len(repr(node.value)) > MAX_DIGITS + 8:
            raise ValueError(f"candidate has a number with more than {MAX_DIGITS} digits")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            symbolic = not _is_number_literal(node.right)
            if tower + symbolic > MAX_TOWER:
                raise ValueError(f"candidate has a tower of more than {MAX_TOWER} powers with symbolic exponents")
            stack.append((node.left, depth + 1, tower))
            stack.append((node.right, depth + 1, tower + symbolic))
            continue
        stack.extend((child, depth + 1, tower) for child in ast.iter_child_nodes(node))


def _is_number_literal(node: ast.AST) -> bool:
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float))


def _translate(node: ast.AST, names: dict, text: str) -> sp.Basic:
    if isinstance(node, ast.Constant) and isinstance(node.value, float):
        return _decimal(ast.get_source_segment(text, node) or repr(node.value))
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return sp.Integer(node.value)
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return sp.true if node.value else sp.false
    if isinstance(node, ast.Name):
        if node.id in names:
            return names[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        known = ", ".join(sorted(names)) or "none"
        raise ValueError(f"candidate uses unknown name {node.id!r}; the claim's symbols are: {known}")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _scalar(_translate(node.operand, names, text), "a sign")
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return sp.Not(_condition(node.operand, names, text))
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _translate(node.left, names, text), _translate(node.right, names, text)
        if isinstance(node.op, ast.Pow):
            left, right = _scalar(left, "a power"), _scalar(right, "an exponent")
            _check_power(left, right)
            return _bounded(left**right)
        if isinstance(left, sp.MatrixBase) or isinstance(right, sp.MatrixBase):
            return _matrix_arithmetic(node.op, left, right)
        return _bounded(_OPERATORS[type(node.op)](_scalar(left, "arithmetic"), _scalar(right, "arithmetic")))
    if isinstance(node, (ast.List, ast.Tuple)):
        return _matrix(node, names, text)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.keywords:
            raise ValueError("candidate functions take no keyword arguments")
        name = node.func.id
        if name == "Matrix":
            if len(node.args) != 1 or not isinstance(node.args[0], (ast.List, ast.Tuple)):
                raise ValueError("Matrix takes one list: Matrix([[a, b], [c, d]]) or Matrix([a, b])")
            return _matrix(node.args[0], names, text)
        if name == "where":
            if len(node.args) != 3:
                raise ValueError("where takes three arguments: where(condition, value if true, value if false)")
            condition = _condition(node.args[0], names, text)
            yes, no = (_scalar(_translate(a, names, text), "where") for a in node.args[1:])
            return sp.Piecewise((yes, condition), (no, True))
        if name == "Piecewise":
            pieces = []
            for arg in node.args:
                if not isinstance(arg, ast.Tuple) or len(arg.elts) != 2:
                    raise ValueError("Piecewise takes pairs: Piecewise((a, condition), (b, True))")
                pieces.append((_scalar(_translate(arg.elts[0], names, text), "Piecewise"),
                               _condition(arg.elts[1], names, text)))
            if not pieces:
                raise ValueError("Piecewise needs at least one (value, condition) pair")
            return sp.Piecewise(*pieces)
        if name in FUNCTIONS:
            arguments = [_scalar(_translate(arg, names, text), name) for arg in node.args]
            if name == "gamma":
                _check_gamma(arguments)
            try:
                return FUNCTIONS[name](*arguments)
            except TypeError:
                raise ValueError(f"candidate calls {name} with {len(arguments)} argument(s)") from None
    raise ValueError(f"candidate {_quote(text)} contains {type(node).__name__}, which is not allowed in a formula")


def _decimal(literal: str) -> sp.Rational:
    """The exact value of a decimal literal as typed (``0.1`` is 1/10, ``1e-3`` is 1/1000)."""
    mantissa, _, exponent = literal.lower().replace("_", "").partition("e")
    if sum(c.isdigit() for c in mantissa) > MAX_DIGITS:
        raise ValueError(f"candidate has a number with more than {MAX_DIGITS} digits")
    if exponent and abs(int(exponent)) > MAX_EXPONENT * 5:
        raise ValueError(f"candidate has a number with a decimal exponent beyond ±{MAX_EXPONENT * 5}")
    return sp.Rational(literal.replace("_", ""))


def _bits(value: sp.Rational) -> int:
    return int(value.p).bit_length() + int(value.q).bit_length()


def _bounded(value: sp.Basic) -> sp.Basic:
    if isinstance(value, sp.Rational) and _bits(value) > MAX_NUMBER_BITS:
        raise ValueError(f"candidate has a number of more than {int(MAX_NUMBER_BITS * 0.30103)} digits")
    return value


def _check_power(base: sp.Basic, exponent: sp.Basic) -> None:
    """Bound a power before SymPy computes it: |exponent| ≤ MAX_EXPONENT, a rational exponent's
    denominator ≤ MAX_ROOT (n**(1/2**400) makes SymPy search for huge integer roots at every
    point), and a rational base raised to an integer within MAX_NUMBER_BITS."""
    if not exponent.is_number:
        return
    if abs(exponent) > MAX_EXPONENT:
        raise ValueError(f"candidate has an exponent larger than {MAX_EXPONENT}")
    if isinstance(exponent, sp.Rational) and exponent.q > MAX_ROOT:
        raise ValueError(f"candidate has an exponent with a denominator larger than {MAX_ROOT}")
    if isinstance(base, sp.Rational) and isinstance(exponent, sp.Integer) and base not in (0, 1, -1):
        if max(int(base.p).bit_length(), int(base.q).bit_length()) * abs(int(exponent)) > MAX_NUMBER_BITS:
            raise ValueError(f"candidate has a number of more than {int(MAX_NUMBER_BITS * 0.30103)} digits")


def _check_gamma(arguments: list) -> None:
    """gamma of an integer or half-integer is expanded by SymPy into a factorial, at parse time or
    at every point a check evaluates: its argument must be a number of size ≤ MAX_GAMMA or a
    linear form in the symbols with such coefficients, e.g. gamma((n + 1)/2)."""
    if len(arguments) != 1:
        return  # FUNCTIONS reports the count
    argument = sp.expand(arguments[0])
    symbols = sorted(argument.free_symbols, key=str)
    polynomial = argument.is_polynomial(*symbols) if symbols else argument.is_number
    linear = polynomial and (not symbols or sp.Poly(argument, *symbols).total_degree() <= 1)
    numbers = sp.Poly(argument, *symbols).coeffs() if linear and symbols else [argument]
    if not linear or any(not n.is_number or not n.is_finite or abs(sp.N(n)) > MAX_GAMMA for n in numbers):
        raise ValueError(f"candidate's gamma takes a number of size at most {MAX_GAMMA} or a linear form "
                         "in the symbols with such coefficients, e.g. gamma((n + 1)/2)")


def _scalar(value: sp.Basic, where: str) -> sp.Basic:
    if isinstance(value, sp.MatrixBase):
        raise ValueError(f"candidate uses a matrix in {where}, where a number is needed")
    if isinstance(value, sp.logic.boolalg.Boolean) and not isinstance(value, sp.Symbol):
        raise ValueError(f"candidate uses a condition in {where}, where a number is needed")
    return value


def _condition(node: ast.AST, names: dict, text: str) -> sp.Basic:
    """A condition: a comparison (chains allowed), and/or/not of conditions, True or False."""
    if isinstance(node, ast.Compare):
        terms = [_scalar(_translate(t, names, text), "a comparison") for t in (node.left, *node.comparators)]
        relations = []
        for op, left, right in zip(node.ops, terms, terms[1:]):
            if type(op) not in _RELATIONS:
                raise ValueError(f"candidate uses the comparison {type(op).__name__}, which is not allowed")
            relations.append(_RELATIONS[type(op)](left, right))
        return sp.And(*relations)
    if isinstance(node, ast.BoolOp):
        parts = [_condition(v, names, text) for v in node.values]
        return sp.And(*parts) if isinstance(node.op, ast.And) else sp.Or(*parts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return sp.Not(_condition(node.operand, names, text))
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return sp.true if node.value else sp.false
    raise ValueError("a condition must be a comparison such as x > 0, or True")


def _matrix(node: ast.AST, names: dict, text: str) -> sp.ImmutableMatrix:
    """``[a, b]`` is a column; ``[[a, b], [c, d]]`` lists rows of equal length."""
    if not node.elts:
        raise ValueError("candidate has an empty list")
    if all(isinstance(e, (ast.List, ast.Tuple)) for e in node.elts):
        rows = [[_scalar(_translate(x, names, text), "a matrix entry") for x in row.elts] for row in node.elts]
        if len({len(row) for row in rows}) != 1 or not rows[0]:
            raise ValueError("candidate matrix rows have different lengths")
        return sp.ImmutableMatrix(rows)
    if any(isinstance(e, (ast.List, ast.Tuple)) for e in node.elts):
        raise ValueError("candidate mixes numbers and lists in one matrix")
    return sp.ImmutableMatrix([_scalar(_translate(x, names, text), "a vector entry") for x in node.elts])


def _matrix_arithmetic(op: ast.operator, left, right):
    try:
        if isinstance(op, ast.Add):
            return sp.ImmutableMatrix(left + right)
        if isinstance(op, ast.Sub):
            return sp.ImmutableMatrix(left - right)
        if isinstance(op, ast.Mult):
            return sp.ImmutableMatrix(left * right)
        if isinstance(op, ast.Div) and not isinstance(right, sp.MatrixBase):
            return sp.ImmutableMatrix(left / right)
    except (sp.ShapeError, TypeError) as error:
        raise ValueError(f"candidate matrices do not fit: {error}") from None
    raise ValueError("candidate divides by a matrix")
