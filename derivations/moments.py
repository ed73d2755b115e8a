"""A moment algebra: expectations of polynomials in independent random families.

SymPy cannot integrate against an unspecified density, but the initialisation results
only need moments: expand the polynomial, use linearity, factor each monomial over
mutually independent families, and replace E[w^k] by the family's moment.

A *family* is a collection of identically distributed random variables ``w[1], w[2], ...``
(an ``IndexedBase``) or a single one (a ``Symbol``). Its members are either independent
(``iid``) or merely exchangeable (``exchangeable``: joint moments of distinct members are
their own symbols unless given). Distinct families are independent of each other.

Sums over ``n`` members, ``Sum(f(i), (i, 1, n))``, are expanded exactly: the product of
k such sums is a sum over the set partitions of the k indices, each block of indices
made equal, with ``n (n-1) ... (n-b+1)`` terms for b blocks.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import sympy as sp
from sympy.utilities.iterables import multiset_partitions

__all__ = ["Expectation", "Variance", "Family", "iid", "exchangeable", "MomentModel"]


def _power(tex: str, exp) -> str:
    return tex if exp is None else r"%s^{%s}" % (tex, exp)


class Expectation(sp.Function):
    """Unevaluated expectation E[X]; a MomentModel evaluates it."""

    nargs = 1

    def _latex(self, printer, exp=None) -> str:
        return _power(r"\mathbb{E}\left[%s\right]" % printer._print(self.args[0]), exp)

    def _sympystr(self, printer) -> str:
        return "E[%s]" % printer._print(self.args[0])


class Variance(sp.Function):
    """Unevaluated variance V[X] = E[X^2] - E[X]^2."""

    nargs = 1

    def _latex(self, printer, exp=None) -> str:
        return _power(r"\mathbb{V}\left[%s\right]" % printer._print(self.args[0]), exp)

    def _sympystr(self, printer) -> str:
        return "V[%s]" % printer._print(self.args[0])


def _base_name(base: sp.Basic) -> str:
    return str(base.label) if isinstance(base, sp.IndexedBase) else str(base)


@dataclass(frozen=True)
class Family:
    """Identically distributed random variables sharing one name.

    ``moments[p]`` is E[X^p] of one member; ``joint[powers]`` the joint raw moment of
    distinct members raised to ``powers`` (sorted, descending). Missing moments become
    symbols that render as E[...] so a result shows what it depends on.
    """

    base: sp.Basic
    moments: Mapping[int, sp.Expr] = field(default_factory=dict)
    joint: Mapping[tuple[int, ...], sp.Expr] = field(default_factory=dict)
    independent_members: bool = True

    @property
    def name(self) -> str:
        return _base_name(self.base)

    def moment(self, power: int) -> sp.Expr:
        if power == 0:
            return sp.Integer(1)
        if power in self.moments:
            return sp.sympify(self.moments[power])
        return sp.Symbol(r"\mathbb{E}[%s^{%d}]" % (self.name, power), real=True)

    def joint_moment(self, powers: list[int]) -> sp.Expr:
        powers = sorted((p for p in powers if p), reverse=True)
        if not powers:
            return sp.Integer(1)
        if len(powers) == 1:
            return self.moment(powers[0])
        if self.independent_members:
            return sp.Mul(*(self.moment(p) for p in powers))
        key = tuple(powers)
        if key in self.joint:
            return sp.sympify(self.joint[key])
        factors = " ".join(
            "%s_{%d}^{%d}" % (self.name, k + 1, p) if p > 1 else "%s_{%d}" % (self.name, k + 1)
            for k, p in enumerate(powers)
        )
        return sp.Symbol(r"\mathbb{E}[%s]" % factors, real=True)


def _raw_moments(mean, variance, moments) -> dict[int, sp.Expr]:
    out = {int(k): sp.sympify(v) for k, v in (moments or {}).items()}
    if mean is not None:
        out.setdefault(1, sp.sympify(mean))
    if variance is not None:
        if mean is None and 1 not in out:
            raise ValueError("variance needs the mean too (give mean= or moments={1: ...})")
        out.setdefault(2, sp.sympify(variance) + out[1] ** 2)
    return out


def iid(base, *, mean=None, variance=None, moments=None) -> Family:
    """Independent, identically distributed members with the given moments."""
    return Family(base, _raw_moments(mean, variance, moments), {}, True)


def exchangeable(base, *, mean=None, variance=None, moments=None, joint=None) -> Family:
    """Identically distributed members that need not be independent of each other."""
    joint = {tuple(sorted(k, reverse=True)): sp.sympify(v) for k, v in (joint or {}).items()}
    return Family(base, _raw_moments(mean, variance, moments), joint, False)


def _set_partitions(k: int) -> Iterator[list[list[int]]]:
    yield from multiset_partitions(list(range(k)))


class MomentModel:
    """Expectations of polynomials in mutually independent families."""

    def __init__(self, *families: Family):
        self.families: dict[str, Family] = {}
        for family in families:
            if family.name in self.families:
                raise ValueError(f"family {family.name!r} given twice")
            self.families[family.name] = family

    def _family_of(self, atom: sp.Basic) -> Family | None:
        if isinstance(atom, sp.Indexed):
            return self.families.get(_base_name(atom.base))
        if isinstance(atom, sp.Symbol):
            family = self.families.get(atom.name)
            return family if family is not None and not isinstance(family.base, sp.IndexedBase) else None
        return None

    def expect(self, expr: sp.Basic) -> sp.Expr:
        """E[expr] for a polynomial in the model's families (sums over members allowed)."""
        expr = sp.expand(sp.sympify(expr))
        return sp.expand(sp.Add(*(self._expect_term(t) for t in sp.Add.make_args(expr))))

    def variance(self, expr: sp.Basic) -> sp.Expr:
        return sp.factor(sp.expand(self.expect(expr**2) - self.expect(expr) ** 2))

    def evaluate(self, expr: sp.Basic) -> sp.Basic:
        """Replace every unevaluated Expectation/Variance by its value and do the sums."""
        def value(node):
            if isinstance(node, Expectation):
                return self.expect(node.args[0])
            return self.variance(node.args[0])

        replaced = sp.sympify(expr).replace(
            lambda node: isinstance(node, (Expectation, Variance)), value
        )
        return replaced.doit()

    def _expect_term(self, term: sp.Expr) -> sp.Expr:
        sums: list[sp.Sum] = []
        rest: list[sp.Expr] = []
        for factor in sp.Mul.make_args(term):
            base, power = factor.as_base_exp()
            if isinstance(base, sp.Sum):
                if not (power.is_Integer and power > 0):
                    raise ValueError(f"cannot take the expectation of {factor}: a sum to a non-integer power")
                sums += [base] * int(power)
            else:
                rest.append(factor)
        if not sums:
            return self._expect_product(sp.Mul(*rest))
        return self._expect_sums(sums, sp.Mul(*rest))

    def _expect_sums(self, sums: list[sp.Sum], rest: sp.Expr) -> sp.Expr:
        summands, ranges = [], set()
        for k, s in enumerate(sums):
            if len(s.limits) != 1:
                raise ValueError(f"only single sums are supported, not {s}")
            index, lower, upper = s.limits[0]
            fresh = sp.Dummy(f"j{k}", integer=True)
            summand = s.function.subs(index, fresh)
            if summand.has(sp.Sum):
                raise ValueError(f"nested sums are not supported: {s}")
            summands.append((fresh, summand))
            ranges.add((lower, upper))
        if len(ranges) != 1:
            raise ValueError(f"sums over different ranges cannot be expanded together: {ranges}")
        (lower, upper), = ranges
        count = upper - lower + 1
        if any(self._family_of(a) is not None for a in rest.atoms(sp.Indexed)):
            raise ValueError("members outside the sums would be ambiguous with summed ones")
        total = sp.Integer(0)
        for partition in _set_partitions(len(summands)):
            product = rest
            for label, block in enumerate(partition, start=1):
                for j in block:
                    fresh, summand = summands[j]
                    product *= summand.subs(fresh, label)
            total += sp.ff(count, len(partition)) * self._expect_product(sp.expand(product))
        return total

    def _expect_product(self, expr: sp.Expr) -> sp.Expr:
        total = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(expr)):
            total += self._expect_monomial(term)
        return total

    def _expect_monomial(self, term: sp.Expr) -> sp.Expr:
        constant = sp.Integer(1)
        powers: dict[str, dict[sp.Basic, int]] = defaultdict(lambda: defaultdict(int))
        for factor in sp.Mul.make_args(term):
            base, power = factor.as_base_exp()
            family = self._family_of(base)
            if family is None:
                if any(self._family_of(a) is not None for a in factor.atoms(sp.Indexed, sp.Symbol)):
                    raise ValueError(f"{factor} is not a polynomial in the random variables")
                constant *= factor
                continue
            if not (power.is_Integer and power > 0):
                raise ValueError(f"{factor} is not a polynomial in the random variables")
            label = base.indices[0] if isinstance(base, sp.Indexed) else None
            powers[family.name][label] += int(power)
        value = constant
        for name, by_label in powers.items():
            labels = list(by_label)
            symbolic = [label for label in labels if label is not None and not label.is_Integer]
            if len(labels) > 1 and symbolic:
                raise ValueError(
                    f"cannot tell whether members {labels} of {name} coincide; use concrete labels"
                )
            value *= self.families[name].joint_moment(list(by_label.values()))
        return value
