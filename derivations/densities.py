"""Expectations over an unknown density, and over concrete ``sympy.stats`` families.

A general claim such as E[relu(a)^2] = V[a]/2 for *every* symmetric a cannot be
integrated, so it is proved on the *normal form* of expectations: every integral
∫ g(t) p(t) dt over (-∞, 0), (0, ∞) or the whole line is rewritten as one integral over
(0, ∞) in a positive variable u, ∫_0^∞ [g(-u) p(-u) + g(u) p(u)] du, and compared by its
integrand. Two assumptions enter as substitution rules on that integrand:

- normalisation, ∫ p = 1: a constant c stands for ∫_0^∞ c [p(-u) + p(u)] du;
- symmetry, p(-t) = p(t): p(-u) is replaced by p(u).

The claim is then instantiated exactly on concrete families with ``sympy.stats``.
"""
from __future__ import annotations

import sympy as sp
from sympy.stats import pspace, random_symbols

from .moments import Expectation, Variance

__all__ = [
    "a", "t", "u", "p", "relu", "leaky_relu", "normal_form", "symmetric", "symmetric_normal_form",
    "expectation_of",
    "ratio_to_variance",
]

a = sp.Symbol("a", real=True)
t = sp.Symbol("t", real=True)
u = sp.Symbol("u", positive=True)
p = sp.Function("p")


def relu(x: sp.Expr) -> sp.Expr:
    return sp.Max(x, 0)


def leaky_relu(x: sp.Expr, slope: sp.Expr) -> sp.Expr:
    return sp.Max(x, 0) + slope * sp.Min(x, 0)


def _integrand_of(integral: sp.Integral) -> sp.Expr:
    if len(integral.limits) != 1 or len(integral.limits[0]) != 3:
        raise ValueError(f"{integral} is not a definite single integral")
    f = integral.function
    var, lo, hi = integral.limits[0]
    pieces = {
        (-sp.oo, sp.oo): f.subs(var, -u) + f.subs(var, u),
        (-sp.oo, 0): f.subs(var, -u),
        (0, sp.oo): f.subs(var, u),
    }
    if (lo, hi) not in pieces:
        raise ValueError(f"integral over ({lo}, {hi}) has no normal form")
    return pieces[(lo, hi)]


def _as_integral(node: sp.Basic) -> sp.Basic:
    if isinstance(node, Variance):
        x = node.args[0]
        return Expectation(x**2) - Expectation(x) ** 2
    return sp.Integral(node.args[0].subs(a, t) * p(t), (t, -sp.oo, sp.oo))


def symmetric(integrand: sp.Expr) -> sp.Expr:
    """The symmetry rule p(-u) = p(u), applied to a normal form."""
    return sp.expand(sp.sympify(integrand).subs(p(-u), p(u)))


def normal_form(expr: sp.Basic, *, symmetric_density: bool = False) -> sp.Expr:
    """The integrand F(u) with expr = ∫_0^∞ F(u) du.

    ``expr`` is built from E[g(a)], V[a], integrals against p and constants (∫ p = 1). Each
    integral is put in normal form on its own (with p(-u) = p(u) when ``symmetric_density``),
    integrals that vanish are dropped, and what is left must be linear in p.
    """
    expr = sp.sympify(expr)
    while expr.has(Expectation, Variance):
        expr = expr.replace(lambda n: isinstance(n, (Expectation, Variance)), _as_integral)

    def reduce(integral: sp.Integral) -> sp.Basic:
        integrand = _integrand_of(integral)
        if symmetric_density:
            integrand = symmetric(integrand)
        integrand = sp.expand(integrand)
        return sp.Integer(0) if integrand == 0 else sp.Integral(integrand, (u, 0, sp.oo))

    expr = sp.expand(expr.replace(lambda n: isinstance(n, sp.Integral), reduce))
    total = sp.Integer(0)
    for term in sp.Add.make_args(expr):
        integrals = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Integral)]
        if len(integrals) > 1:
            raise ValueError(f"{term} is not linear in the density")
        if not integrals:
            if term.has(p):
                raise ValueError(f"{term} is not linear in the density")
            constant = (p(-u) + p(u)) if not symmetric_density else 2 * p(u)
            total += term * constant
            continue
        (integral,) = integrals
        total += (term / integral) * integral.function
    return sp.expand(total)


def symmetric_normal_form(expr: sp.Basic) -> sp.Expr:
    """``normal_form`` under the symmetry p(-t) = p(t): the rule of a symmetry link."""
    return normal_form(expr, symmetric_density=True)


def ratio_to_variance(expr: sp.Basic, *, symmetric_density: bool = True) -> sp.Expr:
    """c with E[...] = c V[a], found by comparing normal forms; ValueError if none exists."""
    numerator = normal_form(expr, symmetric_density=symmetric_density)
    denominator = normal_form(Variance(a), symmetric_density=symmetric_density)
    ratio = sp.simplify(numerator / denominator)
    if ratio.has(p) or ratio.has(u):
        raise ValueError(f"{expr} is not a fixed multiple of V[a] under these assumptions")
    return ratio


def expectation_of(expression: sp.Expr, g) -> sp.Expr:
    """E[g(Y)] for Y a function of one ``sympy.stats`` random symbol, by integration.

    ``g`` maps a SymPy expression to a SymPy expression; the integration runs over the
    region where ``g`` is not identically zero when ``g`` declares it (``g.positive_part``).
    """
    symbols = random_symbols(expression)
    if len(symbols) != 1:
        raise ValueError(f"distribution must depend on exactly one random symbol, not {symbols}")
    (X,) = symbols
    distribution = pspace(X).distribution
    x = sp.Dummy("x", real=True)
    h = expression.subs(X, x)
    lower, upper = distribution.set.inf, distribution.set.sup
    if getattr(g, "positive_part", False):
        region = sp.solveset(h > 0, x, domain=sp.S.Reals)
        if not isinstance(region, sp.Interval):
            raise ValueError(f"cannot integrate over {region}: expression must be monotone in its variable")
        lower, upper = sp.Max(lower, region.inf), sp.Min(upper, region.sup)
    value = sp.integrate(g(h) * distribution.pdf(x), (x, lower, upper))
    return sp.simplify(value) if value.free_symbols else value
