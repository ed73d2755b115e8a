"""A student's derivation checked line by line in the claim's model.

A chain is a list of lines, one expression (or one equation ``lhs = rhs``, for the claims that
solve for a parameter) each, optionally followed by ``# reason``:

    V[a]
    E[a^2] - E[a]^2                      # definition of the variance
    n*E[w_1^2*x_1^2]                     # expand the square; E[w_i] = 0
    n*v*chi                              # E[w_i^2] = v, E[x_i^2] = chi

written in the claim's symbols (``dlproofs show ID`` lists them), with ``E[...]`` and ``V[...]``
for expectation and variance, ``sum(f, i, 1, n)`` for Σ_{i=1}^n f, members of a random family
as ``w_i``, ``w_1`` or ``w[i]``, and the claim's left-hand side (``a`` in V[a]) for what it names.

Each link e_{k-1} = e_k is checked in the claim's model: both lines are mapped by the
Derivation's ``evaluate`` (the moment algebra of its assumptions) or by one of its steps' rules,
then compared by ``derivations.equality.compare``: **valid** (proved equal), **invalid** (a witness
point where the two lines differ, with the diagnosis of how), or **cannot tell** (undecided, or a
line the model cannot evaluate). The last line is compared with the claim's answer.

Everything is bounded: the text (lines, characters, syntax nodes, nesting, digits, exponents, as for a
candidate), the sums inside one expectation (at most ``MAX_SUM_POWER``: the moment algebra
expands a product of k sums over the Bell(k) set partitions), and the time of each link
(``seconds_per_link`` for the verdict, and as much again for the diagnosis of an invalid link,
enforced by the spine's interval timer in the main thread).
"""
from __future__ import annotations

import ast
import re
import time
from dataclasses import dataclass, field

import sympy as sp

from .equality import Comparison, _Budget, _interrupt_after, check_size, compare
from .moments import Expectation, Variance

__all__ = ["Line", "Link", "StepsReport", "parse_chain", "check_steps", "hint", "MAX_LINES"]

MAX_LINES = 40          # lines of a chain
MAX_LENGTH = 2000       # characters of one line (as for a candidate)
MAX_NODES = 1500        # syntax nodes of one line
MAX_DEPTH = 30          # nesting depth of one line
MAX_EXPONENT = 12       # |numeric exponent| in a line
MAX_DIGITS = 20         # digits of a numeric literal
MAX_SUM_POWER = 6       # sums multiplied together inside one expectation (Bell(6) = 203 partitions)
PER_LINK = 2.0          # default seconds for one link
INDEX_NAMES = ("i", "j", "k", "l", "p", "q")  # names a summation index may have

_FUNCTIONS = {"sqrt": sp.sqrt, "exp": sp.exp, "log": sp.log, "Abs": sp.Abs, "abs": sp.Abs, "tanh": sp.tanh,
              "sign": sp.sign, "Max": sp.Max, "max": sp.Max, "Min": sp.Min, "min": sp.Min,
              "relu": lambda u: sp.Max(0, u)}
_CONSTANTS = {"pi": sp.pi}


@dataclass
class Line:
    """One line of the chain: its text, the expression (None when unreadable) and its reason."""

    number: int
    text: str
    expr: sp.Basic | None
    reason: str = ""
    error: str = ""


@dataclass
class Link:
    """The link from line ``number - 1`` to line ``number``: "valid", "invalid" or "cannot tell"."""

    number: int
    status: str
    comparison: Comparison | None
    note: str = ""
    diagnosis: object = None
    seconds: float = 0.0

    def describe(self) -> str:
        if self.status == "valid":
            return f"line {self.number}: valid ({self.note})"
        if self.status == "invalid":
            text = f"line {self.number}: INVALID: {self.comparison.describe()}"
            if self.diagnosis is not None and self.diagnosis.kind != "different":
                message = self.diagnosis.message.replace("the answer", "the previous line")
                text += f"; {message.replace('the candidate', 'this line')}"
            return text
        return f"line {self.number}: cannot tell ({self.note})"

    def to_dict(self) -> dict:
        return {"line": self.number, "status": self.status, "note": self.note, "seconds": round(self.seconds, 3),
                "comparison": None if self.comparison is None else self.comparison.to_dict(),
                "diagnosis": None if self.diagnosis is None else self.diagnosis.to_dict()}


@dataclass
class StepsReport:
    """Every link's verdict, and whether the last line is the claim's answer."""

    claim_id: str
    lines: list[Line]
    links: list[Link]
    answer: Comparison | None
    notes: list[str] = field(default_factory=list)

    @property
    def first_invalid(self) -> Link | None:
        return next((k for k in self.links if k.status == "invalid"), None)

    @property
    def valid(self) -> bool:
        """Every link proved and the last line proved to be the answer."""
        return all(k.status == "valid" for k in self.links) and self.answer is not None and self.answer.equal

    def describe(self) -> str:
        out = [f"{self.claim_id}: {len(self.lines)} line(s), {len(self.links)} link(s)"]
        for line in self.lines:
            if line.error:
                out.append(f"line {line.number}: unreadable: {line.error}")
        out += [k.describe() for k in self.links]
        if self.answer is None:
            out.append("the last line could not be compared with the answer")
        elif self.answer.equal:
            out.append("the last line is the claim's answer")
        elif self.answer.different:
            out.append(f"the last line is NOT the claim's answer: {self.answer.describe()}")
        else:
            out.append(f"cannot tell whether the last line is the claim's answer ({self.answer.reason})")
        first = self.first_invalid
        if first is not None:
            out.append(f"first invalid link: line {first.number - 1} -> line {first.number}")
        out += self.notes
        return "\n".join(out)

    def to_dict(self) -> dict:
        return {"id": self.claim_id, "valid": self.valid,
                "lines": [{"line": x.number, "text": x.text, "reason": x.reason, "error": x.error or None,
                           "expression": None if x.expr is None else sp.sstr(x.expr)} for x in self.lines],
                "links": [k.to_dict() for k in self.links],
                "answer": None if self.answer is None else self.answer.to_dict(),
                "first_invalid": None if self.first_invalid is None else self.first_invalid.number,
                "notes": list(self.notes)}


# --- names --------------------------------------------------------------------------------------

def _alias(name: str) -> str:
    plain = re.sub(r"\\(mathbb|mathrm|hat|bar|partial)", "", name)
    plain = plain.replace("\\", "").replace("{", "").replace("}", "").replace("^", "_").replace(" ", "")
    return plain


def _names(derivation) -> tuple[dict, set]:
    """The names a chain may use: the claim's symbols (and plain aliases of LaTeX-named ones),
    its left-hand side's name, and the random families (IndexedBase) of its steps."""
    names: dict[str, sp.Basic] = {}
    bases: set[str] = set()
    exprs = [s.expr for s in derivation.steps] + [sp.sympify(derivation.target)]
    for s in derivation.symbols:
        names[s.name] = s
    for expr in exprs:
        if not isinstance(expr, sp.Basic):
            continue
        for s in expr.free_symbols:
            if isinstance(s, sp.Symbol):
                names.setdefault(s.name, s)
                alias = _alias(s.name)
                if alias.isidentifier():
                    names.setdefault(alias, s)
        for atom in expr.atoms(sp.Indexed):
            bases.add(str(atom.base.label))
    result = derivation.result
    if isinstance(result, sp.Equality) and derivation.steps:
        first = derivation.steps[0].expr
        lhs = result.lhs
        if (isinstance(lhs, (Expectation, Variance)) and type(first) is type(lhs)
                and isinstance(lhs.args[0], sp.Symbol)):
            names[lhs.args[0].name] = first.args[0]
    return names, bases


def _index(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


# --- parsing ------------------------------------------------------------------------------------

def _exact_decimals(root: ast.AST, source: str) -> None:
    """Each decimal literal's exact value as typed (1.00000000000000000001 is not the float 1.0)."""
    for node in ast.walk(root):
        if isinstance(node, ast.Constant) and isinstance(node.value, float):
            literal = (ast.get_source_segment(source, node) or repr(node.value)).lower().replace("_", "")
            mantissa, _, exponent = literal.partition("e")
            if sum(c.isdigit() for c in mantissa) > MAX_DIGITS:
                raise ValueError(f"a number with more than {MAX_DIGITS} digits")
            if exponent and abs(int(exponent)) > 300:
                raise ValueError("a number with a decimal exponent beyond ±300")
            node.exact = sp.Rational(literal)


def _check_tree(root: ast.AST) -> None:
    nodes, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise ValueError(f"more than {MAX_NODES} parts")
        if depth > MAX_DEPTH:
            raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            if len(repr(node.value).replace(".", "").lstrip("-")) > MAX_DIGITS:
                raise ValueError(f"a number with more than {MAX_DIGITS} digits")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


class _Translator:
    def __init__(self, names: dict, bases: set):
        self.names, self.bases = names, bases

    def name(self, identifier: str) -> sp.Basic:
        if identifier in self.names:
            return self.names[identifier]
        if identifier in _CONSTANTS:
            return _CONSTANTS[identifier]
        base, _, label = identifier.partition("_")
        if base in self.bases and label:
            index = sp.Integer(int(label)) if label.isdigit() else (_index(label) if label.isidentifier() else None)
            if index is not None:
                return sp.IndexedBase(base)[index]
        if identifier in INDEX_NAMES:  # a summation index
            return _index(identifier)
        known = ", ".join(sorted(n for n in self.names if n.isidentifier())) or "none"
        raise ValueError(f"unknown name {identifier!r}; the claim's names are: {known}")

    def __call__(self, node: ast.AST) -> sp.Basic:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            if isinstance(node.value, float):
                return node.exact if hasattr(node, "exact") else sp.Rational(str(node.value))
            return sp.Integer(node.value)
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = self(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp):
            left, right = self(node.left), self(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if isinstance(node.op, ast.Div):
                return left / right
            if isinstance(node.op, ast.Pow):
                if right.is_number and abs(right) > MAX_EXPONENT:
                    raise ValueError(f"an exponent larger than {MAX_EXPONENT}")
                return left**right
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            inner = self(node.slice)
            if node.value.id == "E":
                return Expectation(inner)
            if node.value.id == "V":
                return Variance(inner)
            if node.value.id in self.bases:
                return sp.IndexedBase(node.value.id)[inner]
            raise ValueError(f"{node.value.id}[...] is not E[...], V[...] or a member of a random family")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            if node.func.id in ("sum", "Sum"):
                return self.sum(node.args)
            if node.func.id in _FUNCTIONS:
                try:
                    return _FUNCTIONS[node.func.id](*(self(a) for a in node.args))
                except TypeError:
                    raise ValueError(f"{node.func.id} called with {len(node.args)} argument(s)") from None
        raise ValueError(f"{type(node).__name__} is not allowed in a line")

    def sum(self, args) -> sp.Sum:
        if len(args) == 2 and isinstance(args[1], ast.Tuple) and len(args[1].elts) == 3:
            args = [args[0], *args[1].elts]
        if len(args) != 4 or not isinstance(args[1], ast.Name):
            raise ValueError("a sum is written sum(f, i, 1, n)")
        if args[1].id not in INDEX_NAMES and args[1].id not in self.names:
            raise ValueError(f"a summation index is one of {', '.join(INDEX_NAMES)}, not {args[1].id!r}")
        index = _index(args[1].id)
        return sp.Sum(self(args[0]), (index, self(args[2]), self(args[3])))


_EQUALS = re.compile(r"(?<![<>=!])=(?!=)")


def _parse_line(text: str, translate: _Translator) -> sp.Basic:
    """One expression, or an equation ``lhs = rhs`` (the claims that solve for a parameter)."""
    if len(text) > MAX_LENGTH:
        raise ValueError(f"longer than {MAX_LENGTH} characters")
    sides = _EQUALS.split(text)
    if len(sides) == 2:
        return sp.Eq(_parse_expression(sides[0], translate), _parse_expression(sides[1], translate), evaluate=False)
    if len(sides) > 2:
        raise ValueError("a line holds one expression or one equation lhs = rhs")
    return _parse_expression(text, translate)


def _parse_expression(text: str, translate: _Translator) -> sp.Basic:
    for position, character in enumerate(text):  # Python NFKC-normalises names: a fullwidth w would be w
        if ord(character) > 127:
            raise ValueError(f"the non-ASCII character {character!r} (U+{ord(character):04X}) at position {position}: "
                             "type the line in ASCII")
    source = text.strip().replace("^", "**")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise ValueError(f"not a formula: {error.msg}") from None
    except (RecursionError, MemoryError):
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep") from None
    _check_tree(tree.body)
    _exact_decimals(tree.body, source)
    expr = translate(tree.body)
    check_size(expr, name="the line")
    return expr


def parse_chain(derivation, lines) -> list[Line]:
    """The chain's lines (strings; blank lines skipped), each parsed in the claim's names."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    if not isinstance(lines, (list, tuple)) or not all(isinstance(x, str) for x in lines):
        raise TypeError("lines must be a list of strings (one expression per line)")
    kept = [x for x in lines if x.strip() and not x.strip().startswith("#")]
    if len(kept) > MAX_LINES:
        raise ValueError(f"lines: a chain has at most {MAX_LINES} lines, not {len(kept)}")
    if len(kept) < 1:
        raise ValueError("lines: the chain is empty")
    translate = _Translator(*_names(derivation))
    parsed = []
    for number, raw in enumerate(kept, start=1):
        formula, _, reason = raw.partition("#")
        try:
            parsed.append(Line(number, raw.strip(), _parse_line(formula.strip(), translate), reason.strip()))
        except (ValueError, TypeError, RecursionError) as error:
            message = " ".join(str(error).split())[:200]
            parsed.append(Line(number, raw.strip()[:200], None, reason.strip(), message))
    return parsed


# --- checking -----------------------------------------------------------------------------------

def _sum_power(expr: sp.Basic) -> int:
    """The most sums multiplied together inside one expectation or variance (a variance squares)."""
    worst = 0
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (Expectation, Variance)):
            inner = sp.expand(node.args[0]) if sp.count_ops(node.args[0]) < 200 else node.args[0]
            factor = 2 if isinstance(node, Variance) else 1
            for term in sp.Add.make_args(inner):
                count = 0
                for f in sp.Mul.make_args(term):
                    base, power = f.as_base_exp()
                    if isinstance(base, sp.Sum):
                        count += int(power) if power.is_Integer and power > 0 else MAX_SUM_POWER + 1
                worst = max(worst, factor * count)
    return worst


class _Evaluated:
    def __init__(self, value=None, error=""):
        self.value, self.error = value, error


def _evaluate(function, expr, seconds) -> _Evaluated:
    try:
        with _interrupt_after(seconds):
            value = function(expr)
        check_size(value, name="the evaluated line")
        return _Evaluated(value)
    except _Budget:
        return _Evaluated(error=f"evaluating it took more than {seconds:.1f} s")
    except Exception as error:  # noqa: BLE001 (the claim's evaluate on a student's line: any failure is "cannot tell")
        return _Evaluated(error=" ".join(str(error).split())[:160] or type(error).__name__)


def check_steps(derivation, lines, *, seconds_per_link: float = PER_LINK, diagnose_links: bool = True) -> StepsReport:
    """Check a student's chain (a list of lines, or one string) link by link in ``derivation``'s model.

    Each link gets at most ``seconds_per_link`` seconds for its verdict (evaluation, comparison,
    rules) and as much again for the diagnosis of an invalid link; every bound of the module
    docstring applies first.
    """
    if isinstance(seconds_per_link, bool) or not isinstance(seconds_per_link, (int, float)) or not 0 < seconds_per_link <= 60:
        raise ValueError(f"seconds_per_link must be a number in (0, 60], not {seconds_per_link!r}")
    parsed = parse_chain(derivation, lines)
    rules = [s.rule for s in derivation.steps if s.rule is not None]
    values: dict[int, _Evaluated] = {}

    def value(line: Line, deadline: float) -> _Evaluated:
        if line.number not in values:
            if line.expr is None:
                values[line.number] = _Evaluated(error=line.error)
            elif _sum_power(line.expr) > MAX_SUM_POWER:
                values[line.number] = _Evaluated(error=f"more than {MAX_SUM_POWER} sums multiplied inside one "
                                                       "expectation")
            else:
                seconds = max(deadline - time.monotonic(), 0.05)
                values[line.number] = _evaluate(derivation.evaluate, line.expr, seconds)
                if values[line.number].value is None and not line.expr.has(Expectation, Variance):
                    # a model that solves equations (or evaluates other lines) does not apply to a
                    # plain expression: it is compared as written
                    values[line.number] = _evaluate(lambda e: e, line.expr, seconds)
        return values[line.number]

    links = []
    for before, after in zip(parsed, parsed[1:]):
        start = time.monotonic()
        deadline = start + seconds_per_link
        links.append(_link(derivation, before, after, value, rules, deadline, diagnose_links, seconds_per_link))
        links[-1].seconds = time.monotonic() - start
    answer = None
    last = parsed[-1]
    final = value(last, time.monotonic() + seconds_per_link)
    notes = []
    if final.value is not None:
        try:
            answer = compare(final.value, derivation.target, seconds=seconds_per_link)
        except (ValueError, TypeError) as error:
            notes.append(f"the last line cannot be compared with the answer: {error}")
    else:
        notes.append(f"the last line cannot be evaluated: {final.error}")
    return StepsReport(derivation.id, parsed, links, answer, notes)


def _link(derivation, before: Line, after: Line, value, rules, deadline, diagnose_links, seconds_per_link) -> Link:
    number = after.number
    if before.expr is None or after.expr is None:
        which = before if before.expr is None else after
        return Link(number, "cannot tell", None, f"line {which.number} is unreadable: {which.error}")
    left, right = value(before, deadline), value(after, deadline)
    if left.value is None or right.value is None:
        which, evaluated = (before, left) if left.value is None else (after, right)
        return Link(number, "cannot tell", None, f"line {which.number} cannot be evaluated in the model: "
                                                 f"{evaluated.error}")
    left_value, right_value = left.value, right.value
    budget = max(deadline - time.monotonic(), 0.05)
    try:
        outcome = compare(left_value, right_value, seconds=budget * 0.6)
    except (ValueError, TypeError) as error:
        return Link(number, "cannot tell", None, str(error)[:160])
    if outcome.equal:
        return Link(number, "valid", outcome, f"proved equal in the claim's model: {outcome.reason}")
    for rule in rules:
        budget = deadline - time.monotonic()
        if budget <= 0.05:
            break
        try:
            with _interrupt_after(budget):
                a, b = rule(before.expr), rule(after.expr)
            by_rule = compare(a, b, seconds=max(deadline - time.monotonic(), 0.05))
        except (_Budget, ValueError, TypeError, NotImplementedError, AttributeError, RecursionError):
            continue
        if by_rule.equal:
            return Link(number, "valid", by_rule, "proved equal by an assumption of the claim")
    if outcome.different:
        found = None
        left_time = deadline - time.monotonic() + seconds_per_link  # the diagnosis has a budget of its own
        if diagnose_links:
            from .diagnosis import diagnose
            from .mutants import CATALOGUE
            words = CATALOGUE.get(derivation.id, {}).get("words")
            try:
                found = diagnose(left_value, right_value, symbol_words=words, seconds=left_time, comparison=outcome)
            except (ValueError, TypeError):
                found = None
        return Link(number, "invalid", outcome, "the lines differ in the claim's model", found)
    return Link(number, "cannot tell", outcome, outcome.reason)


def hint(derivation, step: int | None = None) -> tuple[int, int, str]:
    """(k, number of steps, reason of step k): the claim's k-th step as its reason only (k from 1;
    None: the first). ValueError naming ``step`` when there is no such step."""
    reasons = [s.reason for s in derivation.steps[1:]]
    if not reasons:
        raise ValueError(f"{derivation.id} has no steps to hint at")
    if step is None:
        step = 1
    if isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= len(reasons):
        raise ValueError(f"step must be an integer from 1 to {len(reasons)} for {derivation.id}, not {step!r}")
    return step, len(reasons), reasons[step - 1]
