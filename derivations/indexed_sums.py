"""Sums over a symbolic number of terms, evaluated by linearity, Kronecker deltas and named sums.

Differentiating Σ_{j=1}^m h(x_j) with respect to one member x_k gives Σ_j h'(x_j) δ_jk, where
``sp.diff`` writes ∂x_j/∂x_k as ``KroneckerDelta(j, k)``. ``evaluate_sums`` removes those
deltas and names what is left, innermost sum first:

- linearity: Σ_j (a_j + b_j) = Σ_j a_j + Σ_j b_j, and a factor free of j leaves the sum;
- the delta: Σ_j h_j δ_jk = h_k, for a k in 1..m (the caller states that assumption);
- counting: Σ_j 1 = m;
- named sums: Σ_j s(j) = value for each summand s the caller names (Σ_j x_j = m μ, say).

A summand it cannot name stays an unevaluated ``Sum``.
"""
from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

__all__ = ["evaluate_sums"]


def evaluate_sums(expr: sp.Basic, named: Mapping[sp.Expr, sp.Expr], index: sp.Symbol) -> sp.Basic:
    """``expr`` with every single sum Σ_{j=1}^{upper} evaluated as the module docstring says.

    ``named`` maps a summand written in ``index`` (e.g. ``x[index]**2``) to the value of its
    sum from 1 to the upper limit.
    """
    def evaluate(total: sp.Sum) -> sp.Expr:
        if len(total.limits) != 1 or len(total.limits[0]) != 3 or total.limits[0][1] != 1:
            raise ValueError(f"only single sums from 1 are evaluated, not {total}")
        j, _, upper = total.limits[0]
        value = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(total.function)):
            free, summand = term.as_independent(j, as_Add=False)
            value += free * _sum_of(summand, j, upper, named, index)
        return value

    return sp.sympify(expr).replace(lambda node: isinstance(node, sp.Sum), evaluate)


def _sum_of(summand: sp.Expr, j: sp.Symbol, upper: sp.Expr, named, index: sp.Symbol) -> sp.Expr:
    deltas = [f for f in sp.Mul.make_args(summand) if isinstance(f, sp.KroneckerDelta) and f.has(j)]
    if deltas:
        delta = deltas[0]
        other = delta.args[0] if delta.args[1] == j else delta.args[1]
        return (summand / delta).subs(j, other)
    if summand == 1:
        return upper
    template = summand.subs(j, index)
    if template in named:
        return sp.sympify(named[template])
    return sp.Sum(summand, (j, 1, upper))
