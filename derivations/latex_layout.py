"""Displayed mathematics that fits the page: long sums broken across lines, the rest shrunk to fit.

A chain e0 = e1 = ... = ek is set as an ``align*`` with one line per link, the link's number over
its equals sign ("=" with "(2)" above) and the reasons listed under the display, so no reason
widens a line. A right-hand side wider than the line is broken between the terms of its sum
(SymPy's own term order, so the pieces read as ``sp.latex`` prints the whole); a single term still
too wide, a matrix say, is scaled down to the line width by ``\\resizebox`` (graphicx), so nothing
overflows. Widths are estimated from the LaTeX source: one unit per visible symbol.
"""
from __future__ import annotations

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter

__all__ = ["PACKAGES", "width", "fit", "broken_lines", "chain_align", "trivial"]

#: What the LaTeX of a derivation needs in the preamble.
PACKAGES = ("amsmath", "amssymb", "graphicx")

#: Visible symbols a display line holds beside its left-hand side, at 10 pt on an article page.
LINE = 58

_INVISIBLE = re.compile(r"\\(left|right|big|Big|bigg|Bigg|displaystyle|mathbb|mathrm|mathit|operatorname|"
                        r"text|frac|dfrac|tfrac|sqrt|overset|hat|bar|tilde|begin\{[a-z*]+\}|end\{[a-z*]+\})")


def width(latex: str) -> float:
    """Estimated width of ``latex`` in visible symbols: scripts count two thirds, a binary operator
    or relation two (its spaces), a fraction its wider half."""
    fractions = 0.0
    while True:
        match = re.search(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", latex)
        if not match:
            break
        fractions += min(width(match.group(1)), width(match.group(2)))
        latex = latex[:match.start()] + "{" + match.group(1) + match.group(2) + "}" + latex[match.end():]
    s = _INVISIBLE.sub("", latex)
    operators = len(re.findall(r"[+=<>-]|\\cdot|\\neq|\\leq|\\geq|\\to", s))
    s = re.sub(r"\\[A-Za-z]+", "x", s)  # any other command is one symbol
    s = re.sub(r"\\.", "x", s)
    scripts = sum(len(m) for m in re.findall(r"[_^]\{([^{}]*)\}", s)) + len(re.findall(r"[_^][^{]", s))
    visible = len(re.sub(r"[{}_^&\s]", "", s))
    return visible - scripts / 3 + operators - fractions


def fit(latex: str, reserve: float = 0.0) -> str:
    """``latex`` in a box that TeX shrinks to the line width less ``reserve`` em when, and only when,
    it is wider (``\\resizebox`` of graphicx measures it); short formulas are left as they are."""
    if width(latex) <= 24:
        return latex
    room = rf"\dimexpr\linewidth-{reserve:g}em\relax" if reserve else r"\linewidth"
    return rf"\resizebox{{\ifdim\width>{room}{room}\else\width\fi}}{{!}}{{$\displaystyle {latex}$}}"


def _terms(expr: sp.Basic) -> list[sp.Basic]:
    if isinstance(expr, sp.Add):
        return list(LatexPrinter()._as_ordered_terms(expr))
    return [expr]


def broken_lines(expr: sp.Basic, limit: float = LINE, reserve: float = 4.0) -> list[str]:
    """The LaTeX of ``expr`` as one or more pieces, broken between the terms of a sum; each piece
    after the first starts with its sign. Each piece is fitted (``fit``) to the line less ``reserve`` em."""
    whole = sp.latex(expr)
    if width(whole) <= limit or not isinstance(expr, sp.Add):
        return [fit(whole, reserve)]
    lines: list[str] = []
    current = ""
    for term in _terms(expr):
        piece = sp.latex(term)
        if current:
            piece = f"- {sp.latex(-term)}" if piece.startswith("-") else f"+ {piece}"
        if current and width(current + piece) > limit:
            lines.append(current)
            current = piece
        else:
            current = f"{current} {piece}".strip()
    lines.append(current)
    return [fit(line, reserve) for line in lines]


def trivial(lhs: sp.Basic, rhs: sp.Basic) -> bool:
    """Whether ``lhs = rhs`` says nothing to a reader: the two sides print alike (0 = 0, s^2 = s^2)."""
    return sp.latex(lhs) == sp.latex(rhs)


def _relation(number: int | None, relation: str = "=") -> str:
    return rf"\overset{{({number})}}{{{relation}}}" if number else relation


def chain_align(first: sp.Basic, rest: list[tuple[sp.Basic, int | None]]) -> str:
    """An ``align*`` of the chain ``first = e1 = e2 ...``; ``rest`` pairs each expression with the
    number of its reason (None for a link without one)."""
    head = sp.latex(first)
    rows: list[str] = []
    lead = head if width(head) <= 22 else ""
    if not lead:
        rows.append("&" + fit(head, 1))
    reserve = 0.6 * width(lead) + 4
    for k, (expr, number) in enumerate(rest):
        pieces = broken_lines(expr, LINE - 0.6 * width(lead), reserve)
        left = lead if (k == 0 and lead) else ""
        rows.append(f"{left} &{_relation(number)} {pieces[0]}")
        rows += [rf"&\qquad {piece}" for piece in pieces[1:]]
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"


def boxed_equation(expr: sp.Basic) -> str:
    """``expr`` (an equation or an expression) displayed in a box, broken across lines when it is long."""
    if isinstance(expr, sp.Equality):
        lhs = sp.latex(expr.lhs)
        short = width(lhs) <= 20
        pieces = broken_lines(expr.rhs, LINE - 4 - (width(lhs) if short else 0),
                              (0.6 * width(lhs) if short else 0) + 5)
        rows = [f"{lhs} &= {pieces[0]}"] if short else [f"&{fit(lhs, 3)}", f"&= {pieces[0]}"]
    else:
        pieces = broken_lines(expr, LINE - 4, 3)
        rows = [f"&{pieces[0]}"]
    rows += [rf"&\qquad {piece}" for piece in pieces[1:]]
    if len(rows) == 1:
        body = rows[0].replace("&", "", 1)
        return f"\\[\\boxed{{{body}}}\\]"
    return "\\[\\boxed{\\begin{aligned}" + " \\\\ ".join(rows) + "\\end{aligned}}\\]"
