"""Plain mathematical prose as LaTeX: the reasons of a chain, the statements of facts, the records' text.

Reasons are plain ASCII ("E[w_i^2] = V[w_i] = v", "solve for sigma"); the claim records and the
errata are Unicode ("V[a] = n·v·χ with χ = E[xᵢ²]"). ``prose_latex`` splits such a line into words,
finds the runs of words that are mathematics (a formula: an operator, a bracket, a sub- or
superscript, a Greek letter or a lone variable) and typesets each run in ``$...$``; the other words
stay text, escaped for LaTeX. A claim id (``init.preact_var``) becomes typewriter text. Text that
already holds ``$`` is taken to be LaTeX and passed through.

``math_latex`` converts one formula: ``E[`` and ``V[`` become blackboard letters, Greek names their
letters, ``sqrt(t)`` a root, ``x^(L-1)`` and ``n_k1`` braced scripts, ``!=``, ``>=``, ``->`` and ``oo``
their symbols, Unicode sub- and superscripts and letters their commands.
"""
from __future__ import annotations

import re

__all__ = ["prose_latex", "math_latex", "text_latex"]

_GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta kappa lambda mu nu xi pi rho sigma tau "
          "phi chi psi omega Gamma Delta Theta Lambda Sigma Phi Psi Omega nabla").split()
_FUNCTIONS = {"relu": r"\mathrm{relu}", "sigmoid": r"\sigma", "tanh": r"\tanh", "exp": r"\exp", "log": r"\log",
              "ln": r"\ln", "sign": r"\operatorname{sign}", "Be": r"\mathrm{Be}", "int": r"\int", "sum": r"\sum",
              "lim": r"\lim", "max": r"\max", "min": r"\min", "softmax": r"\operatorname{softmax}",
              "xbar": r"\bar{x}", "xhat": r"\hat{x}", "oo": r"\infty", "grad": r"\mathrm{grad}"}
_MATH_WORDS = set(_GREEK) | {"xbar", "xhat", "oo", "dy", "dx", "du", "dt", "log", "exp"}

_UNICODE_MATH = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon", "η": r"\eta",
    "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu", "π": r"\pi", "ρ": r"\rho", "σ": r"\sigma", "χ": r"\chi",
    "ω": r"\omega", "Γ": r"\Gamma", "Σ": r"\sum", "ℓ": r"\ell", "∇": r"\nabla", "∂": r"\partial",
    "·": r"\cdot ", "×": r"\times ", "−": "-", "√": r"\surd ", "∼": r"\sim ", "≈": r"\approx ", "≤": r"\le ",
    "≥": r"\ge ", "≠": r"\neq ", "→": r"\to ", "←": r"\leftarrow ", "↔": r"\leftrightarrow ", "⟺": r"\iff ",
    "∀": r"\forall ", "∈": r"\in ", "⋯": r"\cdots ", "…": r"\ldots ", "‖": r"\|", "′": "'", "ℝ": r"\mathbb{R}",
    "𝒩": r"\mathcal{N}", "¼": r"\tfrac14", "½": r"\tfrac12", "§": r"\S ", "±": r"\pm ", "∓": r"\mp ",
    "∞": r"\infty ", "∑": r"\sum ", "∏": r"\prod ", "⊙": r"\odot ", "⊗": r"\otimes ", "≡": r"\equiv ",
    "≪": r"\ll ", "≫": r"\gg ", "∝": r"\propto ", "⟨": r"\langle ", "⟩": r"\rangle ", "ℕ": r"\mathbb{N}",
    "ℤ": r"\mathbb{Z}", "∘": r"\circ ", "∫": r"\int ", "⇒": r"\Rightarrow ", "∃": r"\exists ",
    "δ": r"\delta", "ζ": r"\zeta", "ι": r"\iota", "κ": r"\kappa", "ν": r"\nu", "ξ": r"\xi", "τ": r"\tau",
    "φ": r"\varphi", "ϕ": r"\phi", "ψ": r"\psi", "ϵ": r"\epsilon", "Δ": r"\Delta", "Θ": r"\Theta",
    "Λ": r"\Lambda", "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega", "𝔼": r"\mathbb{E}", "𝕍": r"\mathbb{V}",
    "ᵀ": r"^{\top}", "²": "^{2}", "³": "^{3}", "¹": "^{1}", "⁰": "^{0}", "⁴": "^{4}", "⁹": "^{9}", "⁻": "^{-}",
    "ⁿ": "^{n}", "ˣ": "^{x}", "ᵢ": "_{i}", "ⱼ": "_{j}", "ₖ": "_{k}", "₀": "_{0}", "₁": "_{1}", "₂": "_{2}",
}
_ACCENTS = {"\u0302": r"\hat", "\u0303": r"\tilde", "\u0304": r"\bar"}
_PRECOMPOSED = {"â": r"\hat{a}", "ā": r"\bar{a}", "ŝ": r"\hat{s}", "ŷ": r"\hat{y}"}
_TEXT_UNICODE = {"“": "``", "”": "''", "…": r"\ldots{}", "−": "--", "§": r"\S{}", "’": "'", "‘": "`",
                 "–": "--", "—": "---"}
_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "_": r"\_", "^": r"\^{}", "&": r"\&", "%": r"\%", "#": r"\#",
                 "$": r"\$", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "<": r"\textless{}",
                 ">": r"\textgreater{}", "|": r"\textbar{}"}

_CLAIM_ID = re.compile(r"^[a-z_]{2,}(\.[a-z_][a-z0-9_]*)+(\(\))?$")  # a claim id or a dotted Python name
_TEXT_HYPHENATED = re.compile(r"^[A-Za-z]{2,}(-[A-Za-z]{2,})+$")
_OPERATORS = {"=", "+", "-", "*", "/", "!=", "<", ">", "<=", ">=", "->", "<-", "o", "~", "|", "−", "·", "×", "→",
              "←", "≤", "≥", "≈", "≠", "∼"}
_ENGLISH_PAIRS = set("an or is of to in at by as if it be we no on so up do go me my he us am".split())
_TEXT_ONLY = set("“”’‘–—§")
_SUPERSCRIPT_ASCII = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ⁿⁱᵀˣ", "0123456789+-niTx"))
_SUBSCRIPT_ASCII = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋ᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", "0123456789+-ijklmnoprstuvx"))
_IDENTIFIER = re.compile(r"^[a-z]{3,}(_[a-z]{2,})+$")
_SEPARATORS = ",;:"
_OPEN, _CLOSE = "([{", ")]}"


def text_latex(plain: str) -> str:
    """Text-mode LaTeX of ``plain``: specials escaped, Unicode punctuation as LaTeX, other Unicode as math."""
    out = []
    for c in _compose(plain):
        if c in _TEXT_ESCAPES:
            out.append(_TEXT_ESCAPES[c])
        elif c in _TEXT_UNICODE:
            out.append(_TEXT_UNICODE[c])
        elif ord(c) > 127 or len(c) > 1:
            out.append("$" + math_latex(c) + "$")
        else:
            out.append(c)
    return "".join(out)


def _compose(s: str) -> list[str]:
    """Characters, with a combining accent kept on the letter before it."""
    out: list[str] = []
    for c in s:
        if c in _ACCENTS and out:
            out[-1] += c
        else:
            out.append(c)
    return out


def _braced(s: str, start: int) -> tuple[str, int]:
    """The script that starts at ``s[start]``: a braced or parenthesised group, a signed run of
    letters and digits (n_k1 -> {k1}), or one character."""
    if start >= len(s):
        return "", start
    if s[start] in "({":
        depth, k = 0, start
        while k < len(s):
            depth += s[k] in "({"
            depth -= s[k] in ")}"
            if depth == 0:
                break
            k += 1
        return s[start + 1:k], k + 1
    match = re.match(r"-?[A-Za-z0-9]+", s[start:])
    if match:
        return match.group(0), start + match.end()
    return s[start], start + 1


def math_latex(formula: str) -> str:
    """One formula in plain ASCII or Unicode (``E[w_i^2] = V[w_i] = v``) as math-mode LaTeX."""
    s = re.sub("[" + "".join(_SUPERSCRIPT_ASCII) + "]+",
               lambda m: "^{" + "".join(_SUPERSCRIPT_ASCII[c] for c in m.group(0)) + "}", formula)
    s = re.sub("[" + "".join(_SUBSCRIPT_ASCII) + "]+",
               lambda m: "_{" + "".join(_SUBSCRIPT_ASCII[c] for c in m.group(0)) + "}", s)
    s = s.replace("√(", "sqrt(")
    out: list[str] = []
    k = 0
    while k < len(s):
        c = s[k]
        if c in "^_":
            script, k = _braced(s, k + 1)
            if c == "^" and script == "T":
                out.append(r"^{\top}")
            else:
                out.append(c + "{" + math_latex(script) + "}")
            continue
        if k + 1 < len(s) and s[k + 1] in _ACCENTS:
            out.append(_ACCENTS[s[k + 1]] + "{" + math_latex(c) + "}")
            k += 2
            continue
        word = re.match(r"[A-Za-z]+", s[k:])
        if word:
            name = word.group(0)
            end = k + len(name)
            nxt = s[end] if end < len(s) else ""
            if name in ("E", "V") and nxt == "[":
                out.append(r"\mathbb{" + name + "}")
            elif name == "sqrt" and nxt == "(":
                inner, end = _braced(s, end)
                out.append(r"\sqrt{" + math_latex(inner) + "}")
            elif name in _GREEK:  # (a prime after it, lambda', stays a prime)
                out.append("\\" + name + " ")
            elif name[:1] == "d" and name[1:] in _GREEK:  # dgamma in df/dgamma
                out.append("d\\" + name[1:] + " ")
            elif name in _FUNCTIONS:
                out.append(_FUNCTIONS[name] + " ")
            elif name == "o" and out and not nxt.isalnum():
                out.append(r"\circ ")
            elif len(name) > 2 and name not in _MATH_WORDS:
                # several letters: a product of one-letter symbols reads wrong; a name (Var, Conv, out)
                out.append(r"\mathrm{" + name + "}")
            else:
                out.append(name)
            k = end
            continue
        two = s[k:k + 2]
        if two in ("!=", ">=", "<=", "->", "<-"):
            out.append({"!=": r"\neq ", ">=": r"\geq ", "<=": r"\leq ", "->": r"\to ", "<-": r"\leftarrow "}[two])
            k += 2
            continue
        if c == "*":
            out.append(r"\cdot ")
        elif c in "{}":
            out.append("\\" + c)
        elif c == "|":
            out.append(r"\vert ")
        elif c == "~":
            out.append(r"\sim ")
        elif c in "%#&$":
            out.append("\\" + c)
        elif c in _PRECOMPOSED:
            out.append(_PRECOMPOSED[c])
        elif c in _UNICODE_MATH:
            command = _UNICODE_MATH[c]
            out.append(command + " " if command[-1].isalpha() else command)
        elif ord(c) > 127:
            out.append(r"\text{?}")
        else:
            out.append(c)
        k += 1
    return "".join(out).strip()


def _is_math(core: str, before: str, after: str) -> bool:
    """Whether one word (punctuation stripped) is mathematics, given its neighbours."""
    if not core:
        return False
    if _CLAIM_ID.match(core) or _TEXT_HYPHENATED.match(core) or _IDENTIFIER.match(core):
        return False
    if core in ("i.i.d.", "e.g.", "i.e.", "cf.", "vs."):
        return False
    if any(c in core for c in "=<>^_[]+*/{}|") or any(ord(c) > 127 for c in core if c not in _TEXT_ONLY):
        return True
    if re.fullmatch(r"-?\d+(\.\d+)?[A-Za-z]?", core):
        return True
    if core.rstrip("'") in _MATH_WORDS or re.fullmatch(r"-?[A-Za-z]\d*", core) and core not in ("a", "A", "I"):
        return True
    if " " in core:  # a bracket group _words kept whole: a formula
        return True
    if re.fullmatch(r"-?[A-Za-z]+\(.*", core):  # a function applied: relu(t), n(n-1)
        head = re.match(r"-?([A-Za-z]+)", core).group(1)
        return len(head) == 1 or head in _MATH_WORDS or head in _FUNCTIONS
    if core.startswith("-") and len(core) > 1:
        return True
    if core in _OPERATORS:
        return True
    short = re.fullmatch(r"[A-Za-z]{2}", core) and core.lower() not in _ENGLISH_PAIRS
    if (core in ("a", "A") or short) and (before in _OPERATORS or after in _OPERATORS):
        return True  # "a = ...", "u = Wx + b": a short name beside an operator
    return False


def _split(word: str) -> tuple[str, str, str]:
    """(leading punctuation, core, trailing punctuation) of a word; brackets kept when balanced."""
    lead = ""
    while word and (word[0] in "“‘" or word[0] == "(" and word.count("(") > word.count(")")):
        lead, word = lead + word[0], word[1:]
    trail = ""
    while word and (word[-1] in _SEPARATORS + ".!?”’" or word[-1] == ")" and word.count(")") > word.count("(")):
        trail, word = word[-1] + trail, word[:-1]
    return lead, word, trail


def _words(plain: str) -> list[str]:
    """Whitespace-separated words, except that a bracket group holding a formula stays one word
    ("a(-w, x)", "(n v / 2)^K"); a group holding prose ("(the zero needs ...)") is split."""
    pieces, words, k = plain.split(), [], 0
    while k < len(pieces):
        word, j = pieces[k], k
        while _depth(word) > 0 and j + 1 < len(pieces):
            j += 1
            word += " " + pieces[j]
        opening = min((word.index(c) for c in _OPEN if c in word), default=0)
        inner = re.sub(r"[^A-Za-z ]", " ", re.sub(r"[_^](\{[^}]*\}|[A-Za-z0-9]+)", "", word[opening:])).split()
        prose = any(len(w) >= 3 and w not in _MATH_WORDS and w not in _FUNCTIONS for w in inner)
        if j > k and (prose or _depth(word) != 0):
            words.append(pieces[k])
            k += 1
        else:
            words.append(word)
            k = j + 1
    return words


def _depth(word: str) -> int:
    return sum(word.count(c) for c in _OPEN) - sum(word.count(c) for c in _CLOSE)


def prose_latex(plain: str) -> str:
    """A line of plain mathematical prose as LaTeX text with its formulas in ``$...$``."""
    if "$" in plain:
        return plain
    words = _words(plain)
    parts = [_split(w) for w in words]
    cores = [p[1] for p in parts]
    kinds = [_is_math(core, cores[k - 1] if k else "", cores[k + 1] if k + 1 < len(cores) else "")
             for k, core in enumerate(cores)]
    # an operator or a lone "a" between text words is text (a dash, an article)
    for k, core in enumerate(cores):
        if kinds[k] and core in _OPERATORS | {"a", "A"}:
            left = k > 0 and kinds[k - 1] and not parts[k - 1][2]
            right = k + 1 < len(cores) and kinds[k + 1] and not parts[k][2]
            kinds[k] = left or right
    out: list[str] = []
    run: list[str] = []

    def close():
        if run:
            out.append("$" + math_latex(" ".join(run)) + "$")
            run.clear()

    for (lead, core, trail), is_math in zip(parts, kinds):
        if not is_math:
            close()
            if _CLAIM_ID.match(core) or _IDENTIFIER.match(core):
                code = re.sub(r"(\\_|\.)(?=.)", r"\1\\allowbreak{}", text_latex(core))  # breakable
                out.append(text_latex(lead) + r"\texttt{" + code + "}" + text_latex(trail))
            else:
                out.append(text_latex(lead + core + trail))
            continue
        if lead and run:
            close()
        if lead:
            out.append(text_latex(lead))
        run.append(core)
        if trail:
            close()
            out.append(text_latex(trail))
    close()
    return _join(out)


def _join(pieces: list[str]) -> str:
    """Words joined by spaces, with no space before closing punctuation or after an opening bracket."""
    text = ""
    for piece in pieces:
        glued = piece[:1] in ",;:.!?)'" and not piece.startswith("$")
        if text and not glued and not text.endswith(("(", "`")):
            text += " "
        text += piece
    return text
