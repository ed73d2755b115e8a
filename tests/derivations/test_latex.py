"""Every derivation's LaTeX compiles with pdflatex and amsmath (skipped where pdflatex is absent)."""
import shutil
import subprocess

import pytest

import derivations
import nets

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")


def test_every_derivation_and_the_bn_graph_compile(tmp_path):
    body = [derivations.get(claim_id).latex() for claim_id in derivations.catalog()]
    document = "\n\n".join([r"\documentclass{article}", r"\usepackage{amsmath,amssymb,tikz}", r"\allowdisplaybreaks",
                            r"\begin{document}", *body, nets.NORMALISATION_GRAPH.to_tikz(), r"\end{document}"])
    (tmp_path / "all.tex").write_text(document, encoding="utf-8")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "all.tex"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "all.pdf").stat().st_size > 10_000
