"""Every derivation's LaTeX compiles with pdflatex, with no overfull line (skipped where pdflatex is absent);
the reasons are typeset as mathematics where they are mathematics."""
import re
import shutil
import subprocess

import pytest

import derivations
import nets
from derivations.latex_layout import PACKAGES, broken_lines, trivial
from derivations.reason_latex import math_latex, prose_latex

needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")


def overfull_points(log: str) -> list[float]:
    """The widths of the overfull boxes pdflatex reports in its log."""
    return [float(p) for p in re.findall(r"Overfull \\[hv]box \(([\d.]+)pt too", log)]


@needs_pdflatex
def test_every_derivation_and_the_bn_graph_compile_without_overfull_lines(tmp_path):
    body = [derivations.get(claim_id).latex() for claim_id in derivations.catalog()]
    document = "\n\n".join([r"\documentclass{article}", rf"\usepackage{{{','.join(PACKAGES)},tikz}}",
                            r"\usetikzlibrary{positioning}", r"\allowdisplaybreaks", r"\sloppy",
                            r"\begin{document}", *body, nets.NORMALISATION_GRAPH.to_tikz(), r"\end{document}"])
    (tmp_path / "all.tex").write_text(document, encoding="utf-8")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "all.tex"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout[-2000:]
    log = (tmp_path / "all.log").read_text(encoding="latin-1")
    assert [p for p in overfull_points(log) if p > 10] == []


def test_a_reason_is_typeset_as_mathematics_where_it_is_mathematics():
    assert prose_latex("E[w_i^2] = V[w_i] = v") == r"$\mathbb{E}[w_{i}^{2}] = \mathbb{V}[w_{i}] = v$"
    assert prose_latex("w independent of x; solve for sigma") == r"$w$ independent of $x$; solve for $\sigma$"
    assert prose_latex("as init.preact_var with n = n_{k-1}") == (
        r"as \texttt{init.\allowbreak{}preact\_\allowbreak{}var} with $n = n_{k-1}$")


def test_unicode_records_become_latex_without_raw_unicode():
    converted = prose_latex("V[a] = n·v·χ with χ = E[xᵢ²] (not the variance of xᵢ); ŷ = (1.2)²⁰⁰ x")
    assert all(ord(c) < 128 for c in converted)
    assert r"(1.2)^{200}" in converted and r"\chi" in converted and r"\hat{y}" in converted
    assert math_latex("sqrt(d sigma / (2 pi))") == r"\sqrt{d \sigma  / (2 \pi )}"


def test_trivial_facts_are_recognised():
    import sympy as sp

    s = sp.Symbol("s")
    assert trivial(sp.Integer(0), sp.Integer(0)) and trivial(s**2, s**2)
    assert not trivial(s**2, s)


def test_a_long_sum_breaks_between_its_terms():
    import sympy as sp

    xs = sp.symbols("x0:40")
    pieces = broken_lines(sum(x**2 for x in xs))
    assert len(pieces) > 2 and all(p.startswith("+") or r"{$\displaystyle + " in p for p in pieces[1:])


def test_a_trivial_fact_shows_its_statement_only():
    latex = derivations.get("init.preact_var").latex()
    assert "0 = 0" not in latex and "whatever the correlation" in latex


def test_the_bn_graph_draws_in_layers_with_no_edge_through_a_node_and_dot_labels_without_latex():
    tikz = nets.NORMALISATION_GRAPH.to_tikz()
    at = {name: (float(x), float(y)) for name, x, y in
          re.findall(r"\\node(?:\[[^\]]*\])? \((\w+)\) at \(([-\d.]+), ([-\d.]+)\)", tikz)}
    assert len(at) == len(nets.NORMALISATION_GRAPH.nodes)
    rows = sorted({y for _, y in at.values()})
    step = rows[1] - rows[0]
    for source, target in re.findall(r"\\draw\[->\] \((\w+)\) -- \((\w+)\);", tikz):
        assert abs(abs(at[target][1] - at[source][1]) - step) < 1e-6  # straight edges join neighbouring rows
    xs = [x for x, _ in at.values()]
    for lane in re.findall(r"-\| \(([-\d.]+), ", tikz):  # edges that skip rows run outside every column
        assert float(lane) < min(xs) - 1 or float(lane) > max(xs) + 1
    assert max(xs) - min(xs) < 8  # fits the page width
    dot = nets.NORMALISATION_GRAPH.to_dot("bn")
    assert re.search(r"\\[a-mo-zA-Z]", dot) is None and "$" not in dot and "σ_B²" in dot


def test_every_text_of_the_registry_converts_without_an_unknown_character():
    texts = [t for r in derivations.claim_infos() for t in (r.title, r.question, r.answer)]
    texts += [t for e in derivations.errata() for t in (e.where, e.written, e.right)]
    texts += ["x = ±1, d = 64", "E[w] → ∞"]
    for text in texts:
        assert r"\text{?}" not in prose_latex(text), text
