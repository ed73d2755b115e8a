"""The solutions document: every problem of the seeds, solved, evidenced and drawn, from the registry.

``document(evidence, figures)`` writes one LaTeX document: a section per seed document, a
subsection per problem in the seed's order, and per claim id a labelled subsubsection
(``\\label{claim:ID}``, in the PDF outline) with the question restated from the claim's record, the
derivation (``Derivation.latex``: assumptions, the aligned chain with its reasons, the boxed result,
the facts), the answer, and the evidence of a ``verify --json`` run as a small table (estimate ± half
the confidence interval against the claimed value, samples, the error the test detects, verdict).
A claim with a record but no derivation shows its question and answer and says "not derived yet";
a claim that failed, or that the run skipped, shows as such. The errata section comes from
``derivations.errata()``. Nothing is typed here that the registry says.

The evidence is an ``EvidenceRun``: the reports of ``dlproofs verify --json`` (a list) or the file
``dlproofs latex`` saves (a dict with the seed, date and version of the run beside the reports).
"""
from __future__ import annotations

import datetime as _dt
import json
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import derivations
from derivations.latex_layout import PACKAGES
from derivations.reason_latex import prose_latex, text_latex
from derivations.sources import SEED_FILES

__all__ = ["EvidenceRun", "load_evidence", "run_evidence", "document", "write_document", "compile_pdf",
           "INSTALL_HINT", "problem_order"]

INSTALL_HINT = ("pdflatex is not installed: apt-get install texlive-latex-base texlive-latex-recommended "
                "texlive-pictures (the .tex is written)")
ROWS_SHOWN = 8  # evidence rows per claim before the rest are summarised


@dataclass
class EvidenceRun:
    """The reports of one verify run by claim id, with the run's seed (None: each claim's own), date and version."""

    reports: dict[str, dict]
    seed: int | None = None
    date: str = ""
    version: str = ""
    origin: str = ""

    def to_json(self) -> str:
        return json.dumps({"seed": self.seed, "date": self.date, "version": self.version,
                           "reports": list(self.reports.values())}, indent=1)


MAX_EVIDENCE_BYTES = 64 << 20  # an evidence file of every claim is a few MB


def load_evidence(path: str | Path) -> EvidenceRun:
    """An EvidenceRun from a file: ``dlproofs verify --json`` output, or a file ``dlproofs latex`` saved.

    ValueError naming ``path`` for a file that is neither.
    """
    path = Path(path)
    try:
        with path.open("rb") as stream:  # bounded: /dev/zero is not read forever
            raw = stream.read(MAX_EVIDENCE_BYTES + 1)
        if len(raw) > MAX_EVIDENCE_BYTES:
            raise ValueError(f"path {str(path)!r} is larger than {MAX_EVIDENCE_BYTES >> 20} MiB: not an evidence file")
        data = json.loads(raw.decode("utf-8"))
    except OSError as error:
        raise ValueError(f"path {str(path)!r} cannot be read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ValueError(f"path {str(path)!r} is not UTF-8 text: not an evidence file") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"path {str(path)!r} is not JSON ({error.msg}, line {error.lineno})") from None
    meta: dict = {}
    if isinstance(data, dict) and isinstance(data.get("reports"), list):
        meta, data = data, data["reports"]
    if not isinstance(data, list) or not all(isinstance(r, dict) and "id" in r and "checks" in r for r in data):
        raise ValueError(f"path {str(path)!r} is not the output of `dlproofs verify --json`")
    date = meta.get("date") or _dt.datetime.fromtimestamp(path.stat().st_mtime, _dt.timezone.utc).strftime(
        "%Y-%m-%d %H:%M UTC (file date)")
    return EvidenceRun({r["id"]: r for r in data}, meta.get("seed"), date,
                       meta.get("version") or "(version not recorded)", path.name)


def run_evidence(ids: Iterable[str], seed: int | None, version: str,
                 progress: Callable[[str], None] = lambda _: None, *, workers: int = 1,
                 scheduler: str | None = None) -> EvidenceRun:
    """Run ``montecarlo.verify`` on every derived claim of ``ids`` (on ``workers`` processes or a
    Dask ``scheduler``: the same reports), reporting progress per claim."""
    from .verify import verify_claims

    ids = [i for i in ids if i in derivations.catalog()]
    reports = {}
    for k, report in enumerate(verify_claims(ids, seed=seed, workers=workers, scheduler=scheduler), start=1):
        progress(f"[{k}/{len(ids)}] verified {report.id}")
        reports[report.id] = report.to_dict()
    date = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return EvidenceRun(reports, seed, date, version, "this run")


# ---- where things go ---------------------------------------------------------------------------------

def _seeds_folder() -> Path | None:
    """The seeds: $DLPROOFS_SEEDS, or ``shared/seeds`` beside the checkout or any folder above it."""
    import os

    if os.environ.get("DLPROOFS_SEEDS"):
        return Path(os.environ["DLPROOFS_SEEDS"])
    for folder in [*Path(__file__).resolve().parents, *Path.cwd().resolve().parents]:
        if (folder / "shared" / "seeds").is_dir():
            return folder / "shared" / "seeds"
    return None


def _seed_lines(seed: str) -> list[str]:
    folder = _seeds_folder()
    path = folder / SEED_FILES[seed] if folder else None
    return path.read_text(encoding="utf-8").splitlines() if path and path.is_file() else []


def _seed_title(seed: str) -> str:
    """The seed's first line without Markdown marks, or "" when the seeds are not at hand."""
    for line in _seed_lines(seed):
        title = re.sub(r"[#*]", "", line).strip()
        if title:
            return title
    return ""


def _normal(s: str) -> str:
    s = s.lower().replace("isation", "ization").replace("ise", "ize")
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def problem_order(seed: str, problems: list[str], claims_of: dict[str, list[str]]) -> list[str]:
    """``problems`` of one seed in the seed's order: by the line of the seed that names the problem
    ("Assignment 2 b)": the line opening with "b)" after the one naming "Assignment 2"; otherwise a
    heading naming it, past the title line, then any line, then the first line an erratum of its
    claims cites), ties and the unfound in the order of CLAIMS.md."""
    raw = _seed_lines(seed)
    lines = [_normal(line) for line in raw]
    headings = {k for k, line in enumerate(raw) if k > 0 and line.lstrip().startswith("#")}
    errata_lines: dict[str, int] = {}
    for e in derivations.errata():
        if e.seed == seed:
            errata_lines[e.claim] = min(errata_lines.get(e.claim, 10**9), min(e.lines))

    def position(problem: str) -> int:
        numbered = re.match(r"(?i)((?:assignment|problem|example|exercise)\s+\d+)\W*(.*)", problem)
        if numbered:
            head, part = _normal(numbered.group(1)), _normal(numbered.group(2))
            part = re.sub(r"^part (\d+)$", r"\1", part)
            heads = [k for k, line in enumerate(lines) if head in line]
            if heads:
                after = [k for k in range(heads[0], len(lines)) if part and lines[k].startswith(part + " ")]
                return 1 + (after[0] if after else heads[0])
        name = _normal(problem)
        words = [w for w in name.split() if len(w) > 2 and not w.isdigit()]
        named = [k for k, line in enumerate(lines)
                 if k > 0 and (name in line or words and all(w in line for w in words))]
        found = [k for k in named if k in headings] or named
        cited = [errata_lines[c] - 1 for c in claims_of[problem] if c in errata_lines]
        return 1 + min(found[:1] + cited, default=10**9)

    return sorted(problems, key=lambda p: (position(p), problems.index(p)))


def _layout() -> dict[str, dict[str, list[tuple[str, bool]]]]:
    """seed -> problem -> [(claim id, whether it is solved here)] ; a claim is solved under its first source."""
    layout: dict[str, dict[str, list[tuple[str, bool]]]] = {seed: {} for seed in SEED_FILES}
    for record in derivations.claim_infos():
        for k, source in enumerate(record.sources):
            problem = " ".join(p for p in (source.problem, source.part) if p)
            entries = layout[source.seed].setdefault(problem, [])
            if all(c != record.id for c, _ in entries):
                entries.append((record.id, k == 0))
    ordered = {}
    for seed, problems in layout.items():
        claims_of = {p: [c for c, _ in entries] for p, entries in problems.items()}
        ordered[seed] = {p: problems[p] for p in problem_order(seed, list(problems), claims_of)}
    return ordered


# ---- the pieces of a claim ---------------------------------------------------------------------------

def _heading(text: str, *, plain: bool = False) -> str:
    """A heading's text: LaTeX for the page (``plain``: no formula in it), ASCII for the PDF outline."""
    shown = text_latex(text) if plain else prose_latex(text)
    outline = re.sub(r"([_&%#$])", r"\\\1", _ascii(text)).replace("^", "").replace("{", "").replace("}", "")
    return rf"\texorpdfstring{{{shown}}}{{{outline}}}"


def _ascii(text: str) -> str:
    """For the PDF outline: ASCII only (Greek letters by name)."""
    text = "".join(unicodedata.name(c).split()[-1].lower() if unicodedata.category(c) == "Ll" and ord(c) > 0x36f
                   and "GREEK" in unicodedata.name(c, "") else c for c in text)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().replace("\\", "")


def _number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return text_latex(value)
    if value == 0:
        return "0"
    if abs(value) >= 1e5 or abs(value) < 1e-3:
        mantissa, exponent = f"{value:.3e}".split("e")
        return rf"${float(mantissa):.4g}\cdot 10^{{{int(exponent)}}}$"
    return f"{value:.6g}"


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None or value == 0 else float(f"{value:.{digits}g}")


def _half_width(ci) -> float | None:
    if not ci or any(isinstance(v, str) for v in ci):
        return None
    return (ci[1] - ci[0]) / 2


NOTE_CHARACTERS = 160  # a note longer than this is cut in the table (the JSON evidence keeps it whole)


def _clipped(note: str) -> str:
    """``note`` cut at a word boundary to NOTE_CHARACTERS, so that a table row stays a few lines high."""
    if len(note) <= NOTE_CHARACTERS:
        return note
    return note[:NOTE_CHARACTERS].rsplit(" ", 1)[0].rstrip(",;:") + " ..."


def _evidence_row(kind: str, e: dict) -> str:
    verdict = "pass" if e.get("passed") else r"\textbf{undecided}" if e.get("undecided") else r"\textbf{FAIL}"
    case = prose_latex(e.get("label", ""))
    estimate = claimed = samples = detects = ""
    if e.get("std_error") is not None and e.get("claimed") is not None:
        half = _half_width(e.get("ci"))
        estimate = _number(e.get("estimate")) + (rf" $\pm$ {_number(_rounded(half))}" if half is not None else "")
        claimed = _number(e.get("claimed"))
        samples = f"{e['samples']:,}".replace(",", r"\,") if e.get("samples") else ""
        if e.get("detectable_error") is not None:
            detects = f"{100 * e['detectable_error']:.1f}\\%"
    elif e.get("threshold") is not None:
        estimate = (text_latex(e.get("estimator") or "error") + " " + _number(e.get("estimate")))
        claimed = r"$\le$ " + _number(e.get("threshold"))
    else:
        note = _clipped((e.get("details") or {}).get("note", ""))
        measured = f"{e.get('estimator')} = {_number(e.get('estimate'))}" if e.get("estimate") is not None \
            and e.get("estimator") else ""
        estimate = "; ".join(p for p in (text_latex(measured) if "$" not in measured else measured,
                                         prose_latex(note)) if p)
    return f"{kind} & {case} & {estimate} & {claimed} & {samples} & {detects} & {verdict}"


def evidence_table(report: dict) -> str:
    """The evidence of one claim's report as a small table, the first ROWS_SHOWN rows and a summary."""
    rows = [(c["kind"], e) for c in report["checks"] for e in c["evidence"]]
    failed = [r for r in rows if not r[1].get("passed")]
    shown = rows if len(rows) <= ROWS_SHOWN else (failed + [r for r in rows if r[1].get("passed")])[:ROWS_SHOWN]
    body = [_evidence_row(kind, e) for kind, e in shown]
    lines = [r"\par\smallskip\noindent{\small\setlength{\tabcolsep}{3pt}\renewcommand{\arraystretch}{1.1}",
             r"\begin{tabular}{@{}l>{\raggedright}p{0.25\linewidth}>{\raggedright}p{0.25\linewidth}"
             r">{\raggedright}p{0.12\linewidth}rrl@{}}",
             r"\toprule check & case & estimate $\pm$ CI half-width & claimed & $N$ & detects & verdict\tabularnewline"
             r"\midrule", *[row + r"\tabularnewline" for row in body]]
    if len(rows) > len(shown):
        rest = rows[len(shown):] if len(failed) == 0 else [r for r in rows if r not in shown]
        all_passed = all(e.get("passed") for _, e in rest)
        lines.append(rf"\multicolumn{{7}}{{@{{}}l}}{{\ldots\ and {len(rest)} more item(s), "
                     rf"{'all passed' if all_passed else 'some FAILED'}.}}\tabularnewline")
    lines += [r"\bottomrule", r"\end{tabular}}\par\smallskip"]
    return "\n".join(lines)


def _claim_section(claim_id: str, run: EvidenceRun, figures: dict[str, list[tuple[str, str, str]]]) -> str:
    record = derivations.info(claim_id)
    out = [rf"\subsubsection{{{_heading(record.title)}}}\label{{claim:{claim_id}}}",
           rf"\noindent\texttt{{{text_latex(claim_id)}}} \quad {text_latex(record.source)} \quad checks: "
           rf"{' '.join(record.checks)}\par\smallskip",
           rf"\noindent\textbf{{Question.}} {prose_latex(record.question)}\par"]
    derived = claim_id in derivations.catalog()
    if derived:
        derivation = derivations.get(claim_id)
        out.append(derivation.latex(heading=False, answer=False))
        answer = derivation.answer or record.answer
    else:
        out.append(r"\smallskip\noindent\fbox{\textbf{Not derived yet.}} The toolkit has this claim's record but "
                   r"no derivation and no checks yet; the answer below is the record's, unproved.\par")
        answer = record.answer
    out.append(rf"\smallskip\noindent\textbf{{Answer.}} {prose_latex(answer)}\par")
    out.append(_evidence(claim_id, derived, run))
    for name, path, caption in figures.get(claim_id, []):
        shown = rf"\input{{{path}}}" if path.endswith(".tex") else rf"\includegraphics[width=0.85\linewidth]{{{path}}}"
        out += [r"\begin{figure}[!htbp]\centering", shown,
                rf"\caption{{{prose_latex(caption)} (\texttt{{{text_latex(claim_id)}}})}}\label{{fig:{name}}}",
                r"\end{figure}", rf"Figure~\ref{{fig:{name}}} shows it.\par"]
    return "\n".join(out)


def _evidence(claim_id: str, derived: bool, run: EvidenceRun) -> str:
    head = r"\smallskip\noindent\textbf{Evidence.} "
    if not derived:
        return head + r"None: not derived yet, so no check ran.\par"
    report = run.reports.get(claim_id)
    if report is None:
        return head + rf"\textbf{{Skipped}}: this claim is not in the verify run ({text_latex(run.origin)}).\par"
    outcome = report.get("outcome", "passed" if report["passed"] else "failed")
    verdict = {"passed": r"all checks passed", "failed": r"\textbf{FAILED}: at least one check failed",
               "undecided": r"\textbf{undecided}: no check failed, but at least one neither showed nor contradicted "
                            r"the claim at this scale"}[outcome]
    word = {"passed": "passed", "failed": "FAILED", "undecided": "UNDECIDED"}
    kinds = ", ".join(f"{c['kind']} {word[c.get('outcome', 'passed' if c['passed'] else 'failed')]}"
                      for c in report["checks"])
    return head + f"{verdict} ({kinds}).\\par\n" + evidence_table(report)


# ---- the document ------------------------------------------------------------------------------------

def _preamble(run: EvidenceRun, version: str) -> list[str]:
    seed = "each claim's own seed (derived from its id)" if run.seed is None else f"base seed {run.seed}"
    return [
        r"\documentclass[11pt,a4paper]{article}",
        r"\usepackage[T1]{fontenc}\usepackage[utf8]{inputenc}\usepackage{lmodern}",
        r"\usepackage[margin=2.3cm]{geometry}",
        rf"\usepackage{{{','.join(PACKAGES)},booktabs,array,microtype,tikz}}",
        r"\usepackage[hidelinks,bookmarksnumbered,bookmarksopen,bookmarksdepth=3]{hyperref}",
        r"\allowdisplaybreaks\sloppy\setcounter{secnumdepth}{3}\setcounter{tocdepth}{2}",
        r"\title{Solutions: initialisation, batch normalisation and their relatives, derived and checked}",
        rf"\author{{Generated by dlproofs {text_latex(version)}}}",
        rf"\date{{Evidence: verify run of {text_latex(run.date)} by dlproofs {text_latex(run.version)}, "
        rf"{text_latex(seed)}}}",
        r"\begin{document}", r"\maketitle",
    ]


def _introduction(run: EvidenceRun) -> str:
    infos = derivations.claim_infos()
    derived = [r.id for r in infos if r.id in derivations.catalog()]
    passed = sum(1 for i in derived if run.reports.get(i, {}).get("passed"))
    return "\n".join([
        r"\section*{How to read this document}",
        rf"The seed documents are solved here in their own order, one section each. Of the {len(infos)} claims "
        rf"of the catalogue, {len(derived)} are derived, and {passed} of those passed every check in the verify "
        rf"run this document was built from ({text_latex(run.origin)}); the others say so where they stand.",
        r"Each claim gives the question in our words, the assumptions, a derivation in which every link is proved "
        r"by SymPy (the number over an equals sign points to the reason listed under the display), the result in "
        r"a box, further statements proved on the way, the answer, and the numerical evidence.",
        r"Check kinds: \textbf{S} symbolic, \textbf{M} Monte-Carlo, \textbf{F} finite differences, "
        r"\textbf{N} a run of the NumPy network. A Monte-Carlo row is a two-sided $z$-test at a level that keeps "
        r"the family-wise false-alarm probability of the whole catalogue at $10^{-3}$; \emph{detects} is the "
        r"relative error the test rejects with 99\% power (the target is 2\%). A finite-difference row gives the "
        r"relative error against its bound.",
        r"\tableofcontents",
    ])


def _errata_section() -> str:
    out = [r"\section{Errata in the seeds}\label{sec:errata}",
           rf"{len(derivations.errata())} errata, from the registry's records (\texttt{{dlproofs errata}}): where "
           r"each is, what is written, what is right, and which check shows it."]
    for seed in SEED_FILES:
        items = [e for e in derivations.errata() if e.seed == seed]
        if not items:
            continue
        out.append(rf"\subsection*{{Seed {seed} (\texttt{{{text_latex(SEED_FILES[seed])}}})}}")
        out.append(r"\begin{itemize}")
        for e in items:
            shown = text_latex(e.shown_by)
            out.append(rf"\item \textbf{{{text_latex(e.location)}}} ({prose_latex(e.where)}), {e.kind}, "
                       rf"claim \hyperref[claim:{e.claim}]{{\texttt{{{text_latex(e.claim)}}}}}; shown by: {shown}.\\"
                       rf" \emph{{Written:}} {prose_latex(e.written)}\\ \emph{{Right:}} {prose_latex(e.right)}")
        out.append(r"\end{itemize}")
    return "\n".join(out)


def document(run: EvidenceRun, figures: dict[str, list[tuple[str, str, str]]] | None = None,
             version: str = "") -> str:
    """The whole document as LaTeX. ``figures`` maps a claim id to its (name, graphics path, caption)."""
    figures = figures or {}
    out = _preamble(run, version or run.version)
    out.append(_introduction(run))
    for seed, problems in _layout().items():
        title = _seed_title(seed)
        out.append(rf"\section{{Seed {seed}" + (f": {_heading(title, plain=True)}}}" if title else "}"))
        out.append(rf"\noindent File \texttt{{{text_latex(SEED_FILES[seed])}}}.")
        for problem, entries in problems.items():
            out.append(rf"\subsection{{{_heading(problem, plain=True)}}}")
            for claim_id, solved_here in entries:
                if solved_here:
                    out.append(_claim_section(claim_id, run, figures))
                else:
                    record = derivations.info(claim_id)
                    out.append(rf"\paragraph{{{prose_latex(record.title)}}} (\texttt{{{text_latex(claim_id)}}}) "
                               rf"is solved in Section~\ref{{claim:{claim_id}}}, under its first source "
                               rf"({text_latex(str(record.sources[0]))}).")
    out.append(r"\clearpage")
    out.append(_errata_section())
    out.append(r"\end{document}")
    return "\n\n".join(out) + "\n"


def write_document(tex: Path, run: EvidenceRun, version: str = "",
                   progress: Callable[[str], None] = lambda _: None) -> Path:
    """Write the document to ``tex`` and its figures to ``<stem>-figures/`` beside it (left out, with a
    line on stderr, when matplotlib is missing). The figures draw in a second process while this one
    builds the derivations, so the two cores share the work."""
    import importlib.util
    import sys

    from .figures import figures_for_claims, write_figures

    folder, figures = tex.parent / f"{tex.stem}-figures", {}
    pool = drawing = None
    if importlib.util.find_spec("matplotlib") is not None:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=1)
        drawing = pool.submit(write_figures, folder, progress=progress)
    else:
        print("figures left out: matplotlib is not installed (pip install 'dlproofs[plots]')", file=sys.stderr)
    try:
        for claim_id in derivations.catalog():
            derivations.get(claim_id)
        if drawing is not None:
            drawing.result()
            figures = {claim: [(name, Path(path).relative_to(tex.parent).as_posix(), caption)
                               for name, path, caption in entries]
                       for claim, entries in figures_for_claims(folder).items()}
    finally:
        if pool is not None:
            pool.shutdown()
    tex.write_text(document(run, figures, version), encoding="utf-8")
    return tex


def compile_pdf(tex: Path, runs: int = 4) -> tuple[bool, str]:
    """Compile ``tex`` with pdflatex in its folder, again while LaTeX asks for a rerun (at most ``runs``
    times, for the contents and the references): (ok, one line)."""
    if shutil.which("pdflatex") is None:
        return False, INSTALL_HINT
    for _ in range(runs):
        result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                                cwd=tex.parent, capture_output=True, text=True, errors="replace", timeout=600)
        if result.returncode != 0:
            error = next((line for line in result.stdout.splitlines() if line.startswith("!")), "see the .log")
            return False, f"pdflatex failed on {tex.name}: {error} (log: {tex.with_suffix('.log')})"
        if "Rerun to get" not in result.stdout and not tex.with_suffix(".toc").stat().st_size == 0:
            break
    return True, str(tex.with_suffix(".pdf"))
