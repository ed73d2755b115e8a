"""Readable terminal text: the LaTeX in a claim's prose turned into Unicode, SymPy's pretty printer
for expressions.

``latex_to_text`` handles the LaTeX the claims use (``$...$``, fractions, roots, Greek letters,
accents, ``\\mathbb``, ``\\texttt``, sub- and superscripts); any command it does not know is
printed as its name without the backslash, so no raw LaTeX reaches the terminal.
``pretty_lines`` gives an expression as the lines of SymPy's Unicode pretty form with the index
of its baseline (where a leading "=" belongs).
"""
from __future__ import annotations

import re

import sympy as sp
from sympy.printing.pretty.pretty import PrettyPrinter

__all__ = ["latex_to_text", "pretty_lines", "plain_symbols"]

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Sigma": "Σ", "Phi": "Φ",
    "Psi": "Ψ", "Omega": "Ω", "nabla": "∇",
}
_SYMBOLS = {
    "sum": "Σ", "prod": "∏", "partial": "∂", "infty": "∞", "cdot": "·", "cdots": "⋯", "ldots": "…", "dots": "…",
    "times": "×", "to": "→", "rightarrow": "→", "Rightarrow": "⇒", "leftarrow": "←", "mapsto": "↦",
    "neq": "≠", "ne": "≠", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "approx": "≈", "sim": "~",
    "propto": "∝", "in": "∈", "pm": "±", "mp": "∓", "top": "ᵀ", "intercal": "ᵀ", "int": "∫", "circ": "∘",
    "odot": "⊙", "otimes": "⊗", "equiv": "≡", "ll": "≪", "gg": "≫", "forall": "∀", "exists": "∃", "|": "‖",
    "lVert": "‖", "rVert": "‖", "Vert": "‖", "langle": "⟨", "rangle": "⟩", "{": "{", "}": "}", "_": "_",
    "%": "%", "&": "&", "#": "#", "$": "$", ",": " ", ";": " ", ":": " ", "!": "", "quad": "  ", "qquad": "    ",
    " ": " ", "\\": "\n", "log": "log", "exp": "exp", "max": "max", "min": "min", "sin": "sin", "cos": "cos",
    "tanh": "tanh", "det": "det", "ell": "ℓ", "prime": "′", "emptyset": "∅", "setminus": "∖", "cup": "∪",
    "cap": "∩", "subset": "⊂", "neg": "¬", "land": "∧", "lor": "∨", "star": "⋆",
}
_DROPPED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle",
            "textstyle", "limits", "nolimits", "noindent", "par", "medskip", "smallskip", "bigskip", "hfill"}
_BLACKBOARD = {"E": "𝔼", "R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "P": "ℙ", "V": "𝕍", "C": "ℂ"}
_CALLIGRAPHIC = {"N": "𝒩", "L": "ℒ", "O": "𝒪", "D": "𝒟", "U": "𝒰"}
_SUPERSCRIPTS = dict(zip("0123456789+-=()niT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ"))
_SUBSCRIPTS = dict(zip("0123456789+-=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
_ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "dot": "\u0307", "vec": "\u20d7"}
_TEXT_COMMANDS = {"text", "textrm", "textit", "textbf", "emph", "mathrm", "mathit", "mathbf", "operatorname",
                  "texttt", "mathsf", "boldsymbol", "bm", "textsf", "mbox", "underline"}


def latex_to_text(source: str) -> str:
    """``source`` (prose with inline ``$...$`` LaTeX, or a bare LaTeX fragment) as Unicode text."""
    return _Reader(source.replace("$", "")).text().replace("  ", " ").strip()


class _Reader:
    def __init__(self, source: str):
        self.source, self.at = source, 0

    def text(self, stop: str | None = None) -> str:
        out = []
        while self.at < len(self.source):
            c = self.source[self.at]
            if stop is not None and c == stop:
                self.at += 1
                return "".join(out)
            if c == "\\":
                out.append(self._command())
            elif c == "{":
                self.at += 1
                out.append(self.text("}"))
            elif c in "^_":
                self.at += 1
                out.append(self._script(c))
            elif c == "~":
                self.at += 1
                out.append(" ")
            else:
                self.at += 1
                out.append(c)
        return "".join(out)

    def _argument(self) -> str:
        """One argument: a braced group, a command, or a single character."""
        while self.at < len(self.source) and self.source[self.at] == " ":
            self.at += 1
        if self.at >= len(self.source):
            return ""
        c = self.source[self.at]
        if c == "{":
            self.at += 1
            return self.text("}")
        if c == "\\":
            return self._command()
        self.at += 1
        return c

    def _script(self, kind: str) -> str:
        body = self._argument()
        table = _SUPERSCRIPTS if kind == "^" else _SUBSCRIPTS
        if body and all(ch in table for ch in body):
            return "".join(table[ch] for ch in body)
        if kind == "^" and body in ("ᵀ", "′", "*"):
            return body
        if len(body) == 1:
            return ("^" if kind == "^" else "_") + body
        return ("^" if kind == "^" else "_") + "(" + body + ")"

    def _command(self) -> str:
        self.at += 1
        match = re.match(r"[A-Za-z]+|.", self.source[self.at:], re.S)
        if match is None:
            return ""
        name = match.group(0)
        self.at += len(name)
        if name in ("frac", "tfrac", "dfrac"):
            top, bottom = self._argument(), self._argument()
            return f"{_group(top)}/{_group(bottom)}"
        if name == "sqrt":
            return "√" + _group(self._argument())
        if name == "mathbb":
            body = self._argument()
            return "".join(_BLACKBOARD.get(ch, ch) for ch in body)
        if name == "mathcal":
            body = self._argument()
            return "".join(_CALLIGRAPHIC.get(ch, ch) for ch in body)
        if name in _ACCENTS:
            body = self._argument()
            return body + _ACCENTS[name] if len(body) == 1 else f"{name}({body})"
        if name in _TEXT_COMMANDS:
            return self._argument()
        if name in ("begin", "end"):
            self._argument()
            return ""
        if name in _DROPPED:
            return ""
        if name in _GREEK:
            return _GREEK[name]
        if name in _SYMBOLS:
            return _SYMBOLS[name]
        return name


def _group(body: str) -> str:
    body = body.strip()
    return body if re.fullmatch(r"[\w.′̂̄]+|√\S+|\(.*\)", body) else f"({body})"


def plain_symbols(expr: sp.Basic) -> sp.Basic:
    """``expr`` with every symbol and undefined function whose name is LaTeX (``\\hat{y}``,
    ``\\mathbb{E}[r]``) renamed to its Unicode text."""
    if not isinstance(expr, (sp.Basic, sp.MatrixBase)):
        return expr
    latex_named = lambda name: "\\" in name or "{" in name  # noqa: E731
    renames = {s: sp.Symbol(latex_to_text(s.name), **s.assumptions0)
               for s in expr.atoms(sp.Symbol) if latex_named(s.name)}
    renames.update({f: sp.Function(latex_to_text(f.func.__name__))(*f.args)
                    for f in expr.atoms(sp.core.function.AppliedUndef) if latex_named(f.func.__name__)})
    return expr.xreplace(renames) if renames else expr


def pretty_lines(expr: sp.Basic) -> tuple[list[str], int]:
    """The lines of ``expr``'s Unicode pretty form and the index of its baseline."""
    printer = PrettyPrinter({"use_unicode": True, "wrap_line": False})
    form = printer._print(plain_symbols(expr))
    lines = form.render(wrap_line=False).split("\n")
    return lines, min(max(form.baseline, 0), len(lines) - 1)
