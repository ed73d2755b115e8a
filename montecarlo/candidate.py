"""Parse a user's candidate formula into SymPy without executing it.

The string is parsed by Python's ``ast`` module and only a whitelist of node types is
translated (numbers, the claim's symbols, + − * / ** (or ^), unary signs, and calls of a few
named functions); anything else (attributes, subscripts, lambdas, strings, keywords) is
refused with a ValueError. ``sympy.sympify`` and ``parse_expr`` are not used: both eval.
"""
from __future__ import annotations

import ast
from collections.abc import Iterable

import sympy as sp

__all__ = ["parse_candidate"]

MAX_LENGTH = 500
MAX_EXPONENT = 64
FUNCTIONS = {"sqrt": sp.sqrt, "exp": sp.exp, "log": sp.log, "sin": sp.sin, "cos": sp.cos, "tanh": sp.tanh,
             "gamma": sp.gamma, "Abs": sp.Abs, "abs": sp.Abs, "Max": sp.Max, "Min": sp.Min}
CONSTANTS = {"pi": sp.pi, "e": sp.E, "E": sp.E}
_OPERATORS = {ast.Add: sp.Add, ast.Sub: lambda a, b: a - b, ast.Mult: sp.Mul, ast.Div: lambda a, b: a / b,
              ast.Pow: None}


def parse_candidate(text: str, symbols: Iterable[sp.Symbol]) -> sp.Expr:
    """The SymPy expression written in ``text``, in the given symbols (matched by name)."""
    if not isinstance(text, str):
        raise TypeError(f"candidate must be a string, not {type(text).__name__}")
    if not text.strip():
        raise ValueError("candidate is empty")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"candidate is longer than {MAX_LENGTH} characters")
    by_name = {s.name: s for s in symbols}
    try:
        tree = ast.parse(text.strip().replace("^", "**"), mode="eval")
    except SyntaxError as error:
        raise ValueError(f"candidate {text!r} is not a formula: {error.msg}") from None
    return _translate(tree.body, by_name, text)


def _translate(node: ast.AST, names: dict, text: str) -> sp.Expr:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return sp.Rational(str(node.value)) if isinstance(node.value, float) else sp.Integer(node.value)
    if isinstance(node, ast.Name):
        if node.id in names:
            return names[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        known = ", ".join(sorted(names)) or "none"
        raise ValueError(f"candidate uses unknown name {node.id!r}; the claim's symbols are: {known}")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _translate(node.operand, names, text)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _translate(node.left, names, text), _translate(node.right, names, text)
        if isinstance(node.op, ast.Pow):
            if right.is_number and abs(right) > MAX_EXPONENT:
                raise ValueError(f"candidate has an exponent larger than {MAX_EXPONENT}")
            return left**right
        return _OPERATORS[type(node.op)](left, right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
        if node.keywords:
            raise ValueError("candidate functions take no keyword arguments")
        return FUNCTIONS[node.func.id](*(_translate(arg, names, text) for arg in node.args))
    raise ValueError(f"candidate {text!r} contains {type(node).__name__}, which is not allowed in a formula")
