"""The Derivation record, its step-by-step check, and the claim registry.

A derivation is data: the claim's symbols and assumptions, a chain of steps
e0 = e1 = ... = ek each with its reason, and the result SymPy computed from the model.
``check()`` proves every link equal with ``derivations.equality.compare`` (the difference
simplifies to 0); a fact claimed false needs a witness point where its sides differ; never
``==`` on expression trees.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import sympy as sp

from .sources import ClaimInfo, claim_ids, info as claim_info

__all__ = [
    "Step", "Fact", "TypesetSymbol", "Derivation", "DerivationError", "equal", "claim", "catalog", "get",
    "positive_parameter", "real_parameter",
]


class TypesetSymbol(sp.Symbol):
    """A symbol typed by its Python name (``lam``, a name a candidate can type) and typeset as the
    mathematics it stands for (λ); the LaTeX of each such name is in ``TYPESET``."""

    TYPESET = {"lam": r"\lambda", "sigma2": r"\sigma^{2}"}

    def _latex(self, printer) -> str:
        return self.TYPESET.get(self.name) or printer._print_Symbol(self)


class DerivationError(AssertionError):
    """A link of a derivation, or one of its facts, does not hold."""


@dataclass(frozen=True)
class Step:
    """One link target of a chain: ``expr`` equals the previous expression because of ``reason``.

    ``rule`` optionally maps both sides to the canonical form they are compared in, in
    place of the derivation's ``evaluate``: it is how an assumption that is not an
    algebraic identity (the symmetry of an unknown density, say) is put to work.
    """

    expr: sp.Basic
    reason: str
    rule: Callable[[sp.Basic], sp.Basic] | None = None


@dataclass(frozen=True)
class Fact:
    """A further statement ``lhs = rhs`` the derivation proves (an instance, a side result)."""

    statement: str
    lhs: sp.Basic
    rhs: sp.Basic
    holds: bool = True


def real_parameter(name: str, value) -> sp.Expr:
    """``value`` as SymPy: a finite real number (Python, NumPy or SymPy) or a SymPy expression not
    known to be non-real. TypeError naming ``name`` for anything else (a string is never parsed:
    ``sympify`` would evaluate it), ValueError for NaN, an infinity or a complex number."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, sp.Basic)):
        raise TypeError(f"{name} must be a number or a SymPy expression, not {type(value).__name__}")
    if isinstance(value, sp.Basic) and not isinstance(value, sp.Expr):
        raise TypeError(f"{name} must be a number or a SymPy expression, not {type(value).__name__}")
    if isinstance(value, numbers.Integral) and not isinstance(value, sp.Basic):
        value = sp.Integer(int(value))
    elif not isinstance(value, sp.Basic):
        value = sp.Float(float(value)) if math.isfinite(float(value)) else sp.nan
    if value.has(sp.nan) or value.is_extended_real is False:
        raise ValueError(f"{name} must be a real number, not {_short(value)}")
    if value.is_finite is False:
        raise ValueError(f"{name} must be finite, not {_short(value)}")
    return value


def positive_parameter(name: str, value, *, allow_zero: bool = False) -> sp.Expr:
    """``value`` as SymPy (see ``real_parameter``), refusing a number that is NaN, infinite, complex or
    not positive (zero too unless ``allow_zero``), with a ValueError naming it."""
    value = real_parameter(name, value)
    if allow_zero and value == 0:
        return value
    if value.is_positive is False:
        raise ValueError(f"{name} must be positive, not {_short(value)}")
    return value


def _short(value, limit: int = 60) -> str:
    text = sp.sstr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def equal(a: sp.Basic, b: sp.Basic, *, seconds: float | None = None, seed: int = 0) -> bool:
    """Whether ``a`` and ``b`` are PROVED to be the same expression for every value of their symbols.

    ``compare(a, b).equal`` (see ``derivations.equality``): the difference simplifies to 0, or
    matrix algebra reduces it to zero. False means different or undecided; use ``compare`` to
    tell the two apart and to get the witness of a difference.
    """
    from .equality import compare

    return compare(a, b, seconds=seconds, seed=seed).equal


def _latex(expr: sp.Basic) -> str:
    return sp.latex(expr)


def text(plain: str) -> str:
    """Plain prose (a reason, a fact's statement) as LaTeX text, its formulas typeset as mathematics
    (``derivations.reason_latex.prose_latex``); text holding ``$`` is LaTeX already and kept."""
    from .reason_latex import prose_latex

    return prose_latex(plain)


@dataclass(kw_only=True)
class Derivation:
    """One claim of CLAIMS.md, derived.

    Attributes
    ----------
    id : the claim's public id; a record for it must exist in ``derivations.sources``.
    title, source : a short title and the seed, problem and part; left empty, ``get()`` fills them
        from the claim's record.
    checks : the check kinds CLAIMS.md lists for it, letters of "SMFN" (filled from the record when empty).
    info : the claim's record (question, answer, sources as data), set by ``get()``.
    symbols : the free parameters, with their SymPy assumptions.
    assumptions : human-readable assumptions, in the seed's notation.
    steps : the chain; ``steps[0].expr`` is the starting expression (its reason is "").
    result : what SymPy derived (an ``Eq``, an expression, or a solution).
    values : named derived quantities; ``values["target"]`` is what a candidate answer is
        compared with (defaults to the right-hand side of ``result``).
    expected : an optional typed textbook form, proved equal to the target by ``check()``.
    facts : further statements the derivation proves (instances on concrete families, ...).
    answer : the answer in words, for claims that are questions.
    evaluate : maps a step expression to a canonical value before links are compared
        (e.g. the moment algebra that evaluates unevaluated expectations).
    equivalent : decides whether a candidate equals the target, where plain symbolic
        equality is not the right test (summary symbols that depend on each other).
    parts : where an answer has several parts, part name -> key of ``values``; a candidate for
        one part is compared with that value (``accepts(candidate, part=name)``).
    target_parts : the parts that make up the target, in order: its entries (a column) or, for one
        name, the whole target; a candidate for one of them can be simulated inside the whole answer.
    """

    id: str
    title: str = ""
    source: str = ""
    checks: str = ""
    symbols: tuple[sp.Symbol, ...]
    assumptions: tuple[str, ...]
    steps: list[Step]
    result: sp.Basic
    values: dict[str, sp.Basic] = field(default_factory=dict)
    expected: sp.Basic | None = None
    facts: list[Fact] = field(default_factory=list)
    answer: str = ""
    convention: str = ""
    evaluate: Callable[[sp.Basic], sp.Basic] = staticmethod(lambda e: e)
    equivalent: Callable[[sp.Basic], bool] | None = None
    info: ClaimInfo | None = None
    parts: dict[str, str] = field(default_factory=dict)
    target_parts: tuple[str, ...] = ()

    def part_value(self, part: str | None) -> sp.Basic:
        """The derived value a candidate for ``part`` is compared with (the target for None);
        ValueError listing the parts for an unknown one."""
        if part is None:
            return self.target
        if not isinstance(part, str) or part not in self.parts:
            listed = ", ".join(self.parts) if self.parts else "none (its answer is one formula)"
            raise ValueError(f"part {part!r} is not a part of {self.id}; its parts are: {listed}")
        return self.values[self.parts[part]]

    def whole_answer(self, part: str, candidate: sp.Basic) -> sp.Basic | None:
        """The target with ``candidate`` in place of ``part`` (None when the part is not in ``target_parts``)."""
        self.part_value(part)
        if part not in self.target_parts:
            return None
        if len(self.target_parts) == 1:
            return candidate
        whole = sp.Matrix(self.target)
        whole[self.target_parts.index(part)] = candidate
        return whole

    def accepts(self, candidate: sp.Basic, *, part: str | None = None, seconds: float | None = 5.0):
        """How ``candidate`` (in the claim's symbols) compares with the derived target, or with the
        value of ``part``: a ``Comparison`` (equal, different with a witness, or undecided), truthy
        only when proved equal.

        Where the claim has its own ``equivalent`` test, it may answer a Comparison (passed on), or
        a bool: True proves it equal, False (no witness) leaves it undecided (whole answers only).
        """
        from .equality import Comparison, compare

        if isinstance(candidate, str) or not isinstance(candidate, (sp.Basic, sp.MatrixBase, int, float)) \
                or isinstance(candidate, bool):  # a claim's own test may sympify: a string would be evaluated
            raise TypeError(f"candidate must be a SymPy expression or matrix, not {type(candidate).__name__} "
                            "(montecarlo.verify parses a string safely)")
        if part is not None:
            return compare(candidate, self.part_value(part), seconds=seconds)
        if self.equivalent is not None:
            verdict = self.equivalent(candidate)
            if isinstance(verdict, Comparison):
                return verdict
            if verdict:
                return Comparison("equal", f"proved equivalent by {self.id}'s own test")
            return Comparison("undecided", f"{self.id}'s own equivalence test does not prove it equal")
        return compare(candidate, self.target, seconds=seconds)

    @property
    def target(self) -> sp.Basic:
        if "target" in self.values:
            return self.values["target"]
        if isinstance(self.result, sp.Equality):
            return self.result.rhs
        return self.result

    def symbol(self, name: str) -> sp.Symbol:
        for s in self.symbols:
            if s.name == name:
                return s
        raise KeyError(f"{self.id} has no symbol {name!r}; it has {[s.name for s in self.symbols]}")

    def check(self) -> int:
        """Verify every link, the expected form and every fact; return the number verified.

        A link, the chain's end, the expected form and a fact that holds must be PROVED equal
        (``derivations.equality.compare``); a fact with ``holds=False`` needs a witness point
        where its sides differ. Raises DerivationError naming the first that fails.
        """
        from .equality import compare

        verified = 0
        unknown_parts = {name: key for name, key in self.parts.items() if key not in self.values}
        if unknown_parts or not set(self.target_parts) <= set(self.parts):
            raise DerivationError(f"{self.id}: parts {unknown_parts} name no derived value, or target_parts "
                                  f"{self.target_parts} are not parts")
        for k in range(1, len(self.steps)):
            before, after = self.steps[k - 1].expr, self.steps[k].expr
            rule = self.steps[k].rule
            canonical = rule if rule is not None else self.evaluate
            lhs, rhs = canonical(before), canonical(after)
            outcome = compare(lhs, rhs, seconds=None)
            if not outcome.equal:
                raise DerivationError(
                    f"{self.id}: link {k} ({self.steps[k].reason}) fails: "
                    f"{sp.sstr(before)} != {sp.sstr(after)} ({outcome.describe()})"
                )
            verified += 1
        if self.steps:
            last = self.evaluate(self.steps[-1].expr)
            outcome = compare(last, self.target, seconds=None)
            if not outcome.equal:
                raise DerivationError(
                    f"{self.id}: the chain ends in {sp.sstr(last)}, not the result {sp.sstr(self.target)} "
                    f"({outcome.describe()})"
                )
            verified += 1
        if self.expected is not None:
            outcome = compare(self.expected, self.target, seconds=None)
            if not outcome.equal:
                raise DerivationError(
                    f"{self.id}: expected form {sp.sstr(self.expected)} differs from the derived "
                    f"{sp.sstr(self.target)} ({outcome.describe()})"
                )
            verified += 1
        for fact in self.facts:
            outcome = compare(fact.lhs, fact.rhs, seconds=None)
            if fact.holds and not outcome.equal:
                raise DerivationError(f"{self.id}: fact '{fact.statement}' does not hold ({outcome.describe()})")
            if not fact.holds and not outcome.different:
                raise DerivationError(
                    f"{self.id}: fact '{fact.statement}' is claimed false but no witness of a difference "
                    f"is found ({outcome.describe()})"
                )
            verified += 1
        return verified

    def check_steps(self, lines, **options):
        """A student's chain checked link by link in this claim's model (``derivations.steps.check_steps``)."""
        from .steps import check_steps

        return check_steps(self, lines, **options)

    def latex(self, *, heading: bool = True, answer: bool = True) -> str:
        """The derivation as LaTeX (needs ``latex_layout.PACKAGES``: amsmath, amssymb, graphicx).

        The assumptions; the chain as an ``align*``, each link's number over its equals sign and the
        reasons, typeset as mathematics where they are mathematics, listed under it; the result boxed;
        the facts (a fact whose two sides print alike, 0 = 0, shows its statement only); the answer.
        Long lines break between the terms of a sum, and what still does not fit is scaled to the line.
        ``heading`` adds a ``\\paragraph`` with title, id and source; ``answer`` the answer in words.
        """
        from .latex_layout import boxed_equation, chain_align, fit, trivial

        from .reason_latex import text_latex

        lines = [rf"\paragraph{{{text(self.title)}}} (\texttt{{{text_latex(self.id)}}}, {text_latex(self.source)})"
                 ] if heading else []
        if self.convention:
            lines.append(text(self.convention) + r"\par")
        if self.assumptions:
            lines.append(r"\noindent\textit{Assumptions.}")
            lines.append(r"\begin{itemize}")
            lines += [rf"\item {text(a)}" for a in self.assumptions]
            lines.append(r"\end{itemize}")
        if self.steps:
            reasons = [s.reason for s in self.steps[1:] if s.reason]
            numbered, k = [], 0
            for step in self.steps[1:]:
                k += bool(step.reason)
                numbered.append((step.expr, k if step.reason else None))
            if numbered:
                lines.append(r"\noindent\textit{Derivation.}")
                lines.append(chain_align(self.steps[0].expr, numbered))
                if reasons:
                    lines.append(r"{\small\begin{enumerate}\setlength{\itemsep}{0pt}")
                    lines += [rf"\item[({n})] {text(r)}" for n, r in enumerate(reasons, start=1)]
                    lines.append(r"\end{enumerate}}")
        lines.append(r"\noindent\textit{Result.}")
        lines.append(boxed_equation(self.result))
        facts = []
        for fact in self.facts:
            if fact.holds and trivial(fact.lhs, fact.rhs):
                facts.append(rf"\item {text(fact.statement)}.")
                continue
            relation = "=" if fact.holds else r"\neq"
            equation = f"{sp.latex(fact.lhs)} {relation} {sp.latex(fact.rhs)}"
            facts.append(rf"\item {text(fact.statement)}: \[{fit(equation, 1)}\]" if len(equation) > 40
                         else rf"\item {text(fact.statement)}: ${equation}$.")
            if not fact.holds:  # the point that proves the sides differ
                from .equality import compare

                facts[-1] += rf" Witness: \[{fit(compare(fact.lhs, fact.rhs, seconds=None).latex(), 1)}\]"
        if facts:
            lines.append(r"\noindent\textit{Also proved.}")
            lines += [r"\begin{itemize}", *facts, r"\end{itemize}"]
        if answer and self.answer:
            lines.append(rf"\noindent\textbf{{Answer.}} {text(self.answer)}")
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        return "$$" + _latex(self.result) + "$$"

    def summary(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "symbols": [s.name for s in self.symbols],
            "checks": list(self.checks),
        }


_BUILDERS: dict[str, Callable[[], Derivation]] = {}
_CLAIMS_ORDER = list(claim_ids())
_BUILT: dict[str, Derivation] = {}


def claim(claim_id: str) -> Callable[[Callable[[], Derivation]], Callable[[], Derivation]]:
    """Register a builder of the Derivation with this id; the id must have a record in ``derivations.sources``."""
    try:
        claim_info(claim_id)
    except (TypeError, ValueError) as error:
        raise ValueError(f"claim_id {claim_id!r} has no record in derivations.sources ({error})") from None

    def register(builder: Callable[[], Derivation]) -> Callable[[], Derivation]:
        if claim_id in _BUILDERS:
            raise ValueError(f"claim id {claim_id!r} registered twice")
        _BUILDERS[claim_id] = builder
        return builder

    return register


class _Catalog(Mapping):
    """Every Derivation by id; each is built (and cached) on first access."""

    def __getitem__(self, claim_id: str) -> Derivation:
        return get(claim_id)

    def __iter__(self) -> Iterator[str]:  # CLAIMS.md's order, whatever order the modules register in
        return iter(sorted(_BUILDERS, key=_CLAIMS_ORDER.index))

    def __len__(self) -> int:
        return len(_BUILDERS)

    def __contains__(self, claim_id: object) -> bool:  # without building, unlike Mapping's default
        return claim_id in _BUILDERS


def catalog() -> Mapping[str, Derivation]:
    """Every registered Derivation by id, in the order of CLAIMS.md; ``id in catalog()`` builds nothing.

    ``derivations.claim_infos()`` lists every claim of CLAIMS.md, built or not, without building any.
    """
    return _Catalog()


def get(claim_id: str) -> Derivation:
    """The Derivation with this id, built on first use, with title, source and checks from its record.

    ValueError naming ``claim_id`` for an unknown id, or for a claim that has a record but no derivation yet.
    """
    record = claim_info(claim_id)  # TypeError / ValueError naming claim_id
    if claim_id not in _BUILDERS:
        raise ValueError(f"claim_id {claim_id!r} ({record.title}) has no derivation yet; "
                         "`derivations.info(claim_id)` gives its record")
    if claim_id not in _BUILT:
        derivation = _BUILDERS[claim_id]()
        if derivation.id != claim_id:
            raise RuntimeError(f"builder for {claim_id} made {derivation.id}")
        derivation.title = derivation.title or record.title
        derivation.source = derivation.source or record.source
        derivation.checks = derivation.checks or record.checks
        derivation.info = record
        _BUILT[claim_id] = derivation
    return _BUILT[claim_id]
