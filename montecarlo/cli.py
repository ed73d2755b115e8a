"""The ``dlproofs`` command: list, show, verify and check claims; calibrate the checks; list the errata.

Exit codes (one line on stderr for every error, no traceback):
0 success; 1 a claim failed, a candidate was rejected or a calibration saw a false alarm; 2 bad
input (or a missing optional dependency); 3 an internal error (a bug: please report it); 4 a
candidate or a claim is undecided (neither proved nor refuted, nor shown nor contradicted); 141 the output pipe was closed (``dlproofs show ID | head``);
130 interrupted.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import signal
import sys
import threading
import time
from pathlib import Path

import sympy as sp

import derivations
from derivations import compare
from . import feedback, verify
from .checks.base import KINDS, alpha_per_test, total_tests
from .parallel import check_workers
from .plaintext import latex_to_text, pretty_lines
from .verify import candidate_symbols, example_candidate, prepare_candidate, verify_claims

__all__ = ["main"]

SUMMARY_LIMIT = 12  # evidence lines shown per check before the rest are summarised


class UsageError(Exception):
    """Bad input from the user: reported on one line, exit code 2."""


class MissingDependency(Exception):
    """An optional dependency is not installed: reported on one line, exit code 2."""


EXIT_CODES = """exit codes:
  0    success
  1    a claim failed, a candidate was rejected, or calibrate saw a false alarm
  2    bad input, or a missing optional dependency (one line on stderr)
  3    internal error (a bug in dlproofs: please report it)
  4    undecided: a candidate neither proved equal nor shown different, or a claim's
       experiment neither shown nor contradicted at this scale
  130  interrupted
  141  the output pipe was closed (e.g. piped into head)"""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def version() -> str:
    """The installed distribution's version, or the checkout's pyproject.toml version."""
    from importlib.metadata import PackageNotFoundError, version as installed

    try:
        return installed("dlproofs")
    except PackageNotFoundError:
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        found = re.search(r'^version\s*=\s*"([^"]+)"', pyproject.read_text(encoding="utf-8"), re.M) \
            if pyproject.is_file() else None
        return f"{found.group(1)} (checkout)" if found else "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dlproofs", description="Derive, check and run the classic results of deep learning.",
                     epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"dlproofs {version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    listing = sub.add_parser("list", help="every claim id of CLAIMS.md with its checks and title")
    listing.add_argument("--json", action="store_true", help="records: source, question, answer, checks, derived")
    errata = sub.add_parser("errata", help="the slips found in the seeds: where, what is written, what is right")
    errata.add_argument("--json", action="store_true")
    show = sub.add_parser("show", help="a claim's derivation, symbols and checks")
    show.add_argument("id")
    show.add_argument("--latex", action="store_true", help="print the derivation as LaTeX")
    run = sub.add_parser("verify", help="run the checks of claims (all, or those matching the patterns)")
    run.add_argument("patterns", nargs="*", metavar="PATTERN", help="shell-style patterns such as 'init.*'")
    run.add_argument("--seed", type=int, help="base seed for every claim (default: one derived from each id)")
    run.add_argument("--kinds", default=KINDS, help="check kinds to run, letters of SMFN (default: all)")
    run.add_argument("--json", action="store_true")
    _add_parallel_options(run)
    _add_calibrate_parser(sub)
    check = sub.add_parser("check", help="judge a candidate answer, symbolically and by simulation")
    check.add_argument("id")
    check.add_argument("candidate", nargs="?", help="a formula in the claim's symbols, e.g. \"n*v*chi\", \"-x\", "
                       "\"[[a, b], [c, d]]\", \"where(x > 0, 1, 0)\" (`dlproofs show ID` gives an example)")
    check.add_argument("--part", metavar="NAME", help="judge one part of a several-part answer (`show ID` lists them)")
    check.add_argument("--seed", type=int)
    check.add_argument("--json", action="store_true")
    check.add_argument("--steps", metavar="FILE", help="check a derivation line by line (FILE, or - for stdin)")
    feedback.add_hint_parser(sub)
    mutants = sub.add_parser("mutants", help="run the mutation catalogue through check: kill and false-rejection "
                             "rates per topic, and every survivor with why")
    mutants.add_argument("patterns", nargs="*", metavar="PATTERN", help="shell-style patterns such as 'init.*'")
    _add_parallel_options(mutants)
    mutants.add_argument("--seed", type=int, help="base seed (default: one derived from each claim id)")
    mutants.add_argument("--json", action="store_true")
    figures = sub.add_parser("figures", help="write the figures (PDF and PNG; the BN graph as DOT and TikZ)")
    figures.add_argument("-o", "--output", required=True, metavar="DIR")
    figures.add_argument("names", nargs="*", metavar="NAME", help="only these figures (default: all)")
    figures.add_argument("--seed", type=int)
    latex = sub.add_parser("latex", help="write the solutions document (LaTeX; --pdf compiles it)")
    latex.add_argument("-o", "--output", required=True, metavar="FILE", help="the .tex to write")
    latex.add_argument("--pdf", action="store_true", help="compile it with pdflatex when installed")
    latex.add_argument("--evidence", metavar="FILE", help="a saved `verify --json` file: no sampling again")
    latex.add_argument("--seed", type=int, help="base seed of the verify run (without --evidence)")
    _add_parallel_options(latex)
    return parser


def _add_parallel_options(parser) -> None:
    parser.add_argument("--workers", type=int, default=1, metavar="W",
                        help="processes to run on (default 1); the verdicts are the same for any W")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run on a Dask distributed cluster (tcp://host:port; pip install 'dlproofs[distributed]')")


def _add_calibrate_parser(sub) -> None:
    calibrate = sub.add_parser("calibrate", help="false alarms of every numeric check over K independent seeds")
    calibrate.add_argument("patterns", nargs="*", metavar="PATTERN", help="shell-style patterns such as 'init.*'")
    calibrate.add_argument("--seeds", type=int, required=True, metavar="K", help="independent seeds per check")
    calibrate.add_argument("--base-seed", type=int, default=0, metavar="S",
                           help="the seeds are SeedSequence(S).spawn(K) (default 0)")
    calibrate.add_argument("--kinds", default="MFN", help="numeric kinds to run, letters of MFN (default: all)")
    calibrate.add_argument("-o", "--output", default="dlproofs-calibration.jsonl", metavar="FILE",
                           help="JSON lines, one per check and seed; a run resumes from what FILE holds")
    calibrate.add_argument("--json", action="store_true", help="print the summary as JSON")
    _add_parallel_options(calibrate)


def _parallel(args) -> tuple[int, str | None]:
    try:
        check_workers(args.workers, args.scheduler)
    except (ValueError, TypeError) as error:
        raise UsageError(f"--{error}") from None
    if args.scheduler is not None:
        import importlib.util

        if importlib.util.find_spec("distributed") is None:
            raise MissingDependency("--scheduler needs Dask's distributed: pip install 'dlproofs[distributed]' "
                                    "(from a checkout: pip install '.[distributed]')")
    return args.workers, args.scheduler


def _matching(patterns: list[str]) -> list[str]:
    ids = list(derivations.catalog())
    if not patterns:
        return ids
    chosen = [i for i in ids if any(fnmatch.fnmatchcase(i, p) for p in patterns)]
    if not chosen:
        raise UsageError(f"no claim matches {' '.join(patterns)}; `dlproofs list` shows the ids")
    return chosen


def _list(args) -> int:
    """Every claim of CLAIMS.md from the records alone: nothing is built or simplified."""
    derived = set(derivations.catalog())
    rows = [{**record.as_dict(), "derived": record.id in derived} for record in derivations.claim_infos()]
    if args.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return 0
    for row in rows:
        checks = "".join(row["checks"]) if row["derived"] else "-"
        print(f"{row['id']:<36} {checks:<5} {latex_to_text(row['title'])}")
    print(f"{len(derived)} of {len(rows)} claims derived; '-' marks a claim not built yet "
          "(`dlproofs show ID` gives a derived claim's symbols and chain)")
    return 0


def _errata(args) -> int:
    print(derivations.errata_text(as_json=args.json), end="")
    return 0


def _claim(claim_id: str):
    if claim_id not in set(derivations.catalog()):
        raise UsageError(f"claim_id {claim_id!r} is unknown; `dlproofs list` shows the ids")
    return derivations.get(claim_id)


def _print_expression(lead: str, expr, note: str = "") -> None:
    lines, baseline = pretty_lines(expr)
    pad = " " * len(lead)
    for k, line in enumerate(lines):
        tail = note if k == baseline else ""
        print(((lead if k == baseline else pad) + line + tail).rstrip())


def _show(args) -> int:
    derivation = _claim(args.id)
    if args.latex:
        print(derivation.latex())
        return 0
    print(f"{derivation.id}: {latex_to_text(derivation.title)} ({latex_to_text(derivation.source)})")
    names = ", ".join(s.name for s in candidate_symbols(derivation.id)) or "none"
    print(f"checks: {derivation.checks}   symbols a candidate may use: {names}")
    if derivation.convention:
        print(latex_to_text(derivation.convention))
    for assumption in derivation.assumptions:
        print(f"  assume {latex_to_text(assumption)}")
    for k, step in enumerate(derivation.steps):
        reason = f"   [{latex_to_text(step.reason)}]" if step.reason else ""
        _print_expression("    " if k == 0 else "  = ", step.expr, reason)
    _print_expression("result: ", derivation.result)
    for fact in derivation.facts:
        if fact.holds:
            print(f"fact: {latex_to_text(fact.statement)}: holds")
            continue
        outcome = compare(fact.lhs, fact.rhs)
        shown = latex_to_text(outcome.describe()) if outcome.different else f"no witness found ({outcome.reason})"
        print(f"fact: {latex_to_text(fact.statement)}: fails; {shown}")
    if derivation.answer:
        print(f"answer: {latex_to_text(derivation.answer)}")
    example = example_candidate(derivation.id)
    quoted = example if len(example) <= 200 else example[:197] + "..."
    print(f"example: dlproofs check {derivation.id} '{quoted}'")
    if derivation.parts:
        print(f"parts (dlproofs check {derivation.id} --part NAME CANDIDATE):")
        for name in derivation.parts:
            print(f"  {name}: {sp.sstr(derivation.part_value(name))}")
    return 0


def _progress(text: str) -> None:
    stream = sys.stderr
    if stream.isatty():
        stream.write("\r\033[K" + text)
    else:
        stream.write(text + "\n")
    stream.flush()


def _print_report(report) -> None:
    mark = {"passed": "PASS", "failed": "FAIL", "undecided": "UNDECIDED"}[report.outcome]
    seconds = sum(c.seconds for c in report.checks)
    print(f"{mark} {report.id} ({seconds:.1f} s)")
    for check in report.checks:
        shown = check.evidence if len(check.evidence) <= SUMMARY_LIMIT else (
            [e for e in check.evidence if not e.passed][:SUMMARY_LIMIT] or check.evidence[:2])
        mark = {"passed": "ok", "failed": "FAIL", "undecided": "UNDECIDED"}[check.outcome]
        print(f"  {check.kind} {mark}: {len(check.evidence)} item(s), {check.seconds:.2f} s")
        for e in shown:
            print(f"      {e.describe()}")
        if len(shown) < len(check.evidence):
            worst = min((e.p_value for e in check.evidence if e.p_value is not None), default=None)
            tail = f"; smallest p = {worst:.3g}" if worst is not None else ""
            print(f"      ... {len(check.evidence) - len(shown)} more, all {'ok' if check.passed else 'listed'}{tail}")


def _verify(args) -> int:
    kinds = args.kinds.upper()
    if not kinds or set(kinds) - set(KINDS):
        raise UsageError(f"--kinds takes letters of {KINDS}, not {args.kinds!r}")
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be a non-negative integer, not {args.seed}")
    workers, scheduler = _parallel(args)
    ids = _matching(args.patterns)
    selected = [(i, w) for i in ids if (w := "".join(c for c in derivations.info(i).checks if c in kinds))]
    if not selected:
        raise UsageError(f"--kinds {kinds} selects no check of {' '.join(args.patterns) or 'any claim'}")
    reports, started = [], time.perf_counter()
    if not args.json:
        where = f" on {workers} processes" if workers > 1 and not scheduler else f" on {scheduler}" if scheduler else ""
        print(f"{len(selected)} claim(s){where}; each test at level {alpha_per_test():.2g} "
              f"(family-wise 1e-3 over {total_tests()} tests)")
    _progress(f"[0/{len(selected)}] {selected[0][0]} ...")
    try:
        for k, report in enumerate(verify_claims(selected, seed=args.seed, workers=workers, scheduler=scheduler),
                                   start=1):
            reports.append(report)
            if not args.json:
                if sys.stderr.isatty():
                    sys.stderr.write("\r\033[K")
                _print_report(report)
            if k < len(selected):
                _progress(f"[{k}/{len(selected)}] {selected[k][0]} ...")
    except ValueError as error:  # a scheduler that cannot be reached
        raise UsageError(str(error)) from None
    failed = [r.id for r in reports if r.outcome == "failed"]
    undecided = [r.id for r in reports if r.outcome == "undecided"]
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], indent=1))
    else:
        passed = len(reports) - len(failed) - len(undecided)
        print(f"{passed} of {len(reports)} claims passed in {time.perf_counter() - started:.1f} s"
              + (f"; failed: {', '.join(failed)}" if failed else "")
              + (f"; undecided (neither shown nor contradicted): {', '.join(undecided)}" if undecided else ""))
    return 1 if failed else 4 if undecided else 0


def _calibrate(args) -> int:
    from . import calibration

    kinds = args.kinds.upper()
    if not kinds or set(kinds) - set("MFN"):
        raise UsageError(f"--kinds takes letters of MFN (S is deterministic), not {args.kinds!r}")
    if args.seeds < 1:
        raise UsageError(f"--seeds must be a positive integer, not {args.seeds}")
    if args.base_seed < 0:
        raise UsageError(f"--base-seed must be a non-negative integer, not {args.base_seed}")
    workers, scheduler = _parallel(args)
    ids = _matching(args.patterns)
    try:
        summary = calibration.calibrate(ids, seeds=args.seeds, base_seed=args.base_seed, kinds=kinds,
                                        output=args.output, workers=workers, scheduler=scheduler,
                                        progress=_progress)
    except (ValueError, TypeError) as error:
        raise UsageError(str(error)) from None
    except calibration.CodeChangedError as error:
        raise UsageError(f"{error} (the records so far are kept)") from None
    except OSError as error:
        raise UsageError(f"cannot use --output {args.output}: {error.strerror or error}") from None
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    print(json.dumps(summary.to_dict(), indent=1) if args.json else summary.text())
    return summary.exit_code


def _check(args) -> int:
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be a non-negative integer, not {args.seed}")
    derivation = _claim(args.id)
    if (args.steps is None) == (args.candidate is None):
        raise UsageError("check takes a candidate or --steps FILE (one of the two)")
    if args.steps is not None:
        try:
            return feedback.steps_command(args.id, args.steps, args.json)
        except (ValueError, TypeError) as error:
            raise UsageError(str(error)) from None
    try:
        expression = prepare_candidate(args.id, args.candidate, args.part)
    except (ValueError, TypeError) as error:
        raise UsageError(str(error)) from None
    report = verify(args.id, expression, seed=args.seed, part=args.part)
    code = {"accepted": 0, "rejected": 1, "undecided": 4}[report.verdict]
    if args.json:
        report.candidate = args.candidate
        print(json.dumps({**report.to_dict(), **feedback.diagnosis_json(report)}, indent=1))
        return code
    part = f" part {args.part}" if args.part else ""
    print(f"{args.id}{part}: candidate {sp.sstr(expression)} against the derived "
          f"{sp.sstr(derivation.part_value(args.part))}")
    print(f"  symbolic: {report.comparison.describe()}")
    for line in feedback.diagnosis_lines(report):
        print(line)
    for e in report.evidence:
        print(f"  {e.describe()}")
    for note in report.notes:
        print(f"  {note}")
    if report.numeric_rejected is None and not report.notes:
        print("  no simulation applies to this claim's answer")
    if report.verdict == "rejected":
        how = (["symbolically, with a witness"] if report.comparison.different else []) + (
            ["numerically"] if report.numeric_rejected else [])
        print(f"REJECTED ({' and '.join(how)})")
    elif report.verdict == "accepted":
        print("ACCEPTED (proved equal" + (", and no simulation rejects it)" if report.evidence else ")"))
    else:
        print(f"UNDECIDED: {report.comparison.reason}; not a pass and not a rejection")
    return code


def _mutants(args) -> int:
    """``dlproofs mutants``: ``montecarlo.mutation`` over the catalogue; exit 0 when every wrong
    answer is rejected and no rewrite is, 1 otherwise."""
    from . import mutation

    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be a non-negative integer, not {args.seed}")
    workers, scheduler = _parallel(args)
    started = time.perf_counter()
    try:
        ids = mutation.select_claims(args.patterns)
        records = mutation.run_mutants(ids, seed=args.seed, workers=workers, scheduler=scheduler,
                                       progress=_progress)
    except ImportError as error:
        raise MissingDependency(str(error)) from None
    except (ValueError, TypeError) as error:
        raise UsageError(str(error)) from None
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({"seed": args.seed, "workers": args.workers, "seconds": seconds, "records": records,
                          **mutation.summarise(records)}, indent=1))
    else:
        print("\n".join(mutation.report_lines(records, seconds)))
    return mutation.exit_code(records)


def _hint(args) -> int:
    _claim(args.id)
    try:
        return feedback.hint_command(args.id, args.step)
    except (ValueError, TypeError) as error:
        raise UsageError(str(error)) from None


def _figures(args) -> int:
    import importlib.util

    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be a non-negative integer, not {args.seed}")
    if importlib.util.find_spec("matplotlib") is None:
        raise MissingDependency("figures need matplotlib: pip install 'dlproofs[plots]' "
                                "(from a checkout: pip install '.[plots]')")
    from .figures import registered, write_figures

    known = [f.name for f in registered()]
    unknown = [name for name in args.names if name not in known]
    if unknown:
        raise UsageError(f"no figure named {', '.join(unknown)}; the figures are {', '.join(known)}")
    try:
        written = write_figures(args.output, args.seed, names=args.names or None, progress=_progress)
    except OSError as error:
        raise UsageError(f"cannot write to {args.output}: {error.strerror}") from None
    for path in written:
        print(path)
    return 0


def _latex(args) -> int:
    """The solutions document: evidence from --evidence or a fresh verify run (saved beside the .tex),
    figures in a folder beside it (``solutions.write_document``), then pdflatex on --pdf."""
    from . import solutions

    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be a non-negative integer, not {args.seed}")
    tex = Path(args.output)
    if tex.suffix != ".tex":
        raise UsageError(f"--output must name a .tex file, not {args.output!r}")
    if not tex.parent.is_dir():
        raise UsageError(f"cannot write to {args.output}: no folder {str(tex.parent)!r}")
    if args.evidence:
        if args.seed is not None:
            raise UsageError("--seed chooses the seed of a new verify run; it does not apply with --evidence")
        try:
            run = solutions.load_evidence(args.evidence)
        except ValueError as error:
            raise UsageError(str(error).replace("path ", "--evidence ", 1)) from None
    else:
        workers, scheduler = _parallel(args)
        run = solutions.run_evidence(derivations.catalog(), args.seed, version(), progress=_progress,
                                     workers=workers, scheduler=scheduler)
        saved = tex.with_suffix(".evidence.json")
        saved.write_text(run.to_json() + "\n", encoding="utf-8")
        run.origin = saved.name
        print(f"evidence saved to {saved} (rebuild with --evidence {saved})")
    try:
        solutions.write_document(tex, run, version(), progress=_progress)
    except OSError as error:
        raise UsageError(f"cannot write to {args.output}: {error.strerror}") from None
    print(tex)
    if args.pdf:
        ok, message = solutions.compile_pdf(tex)
        print(message, file=sys.stdout if ok else sys.stderr)
        if not ok and "not installed" not in message:
            return 1
    return 0


def _leading_minus(argv: list[str]) -> list[str]:
    """``check ID -x``: a candidate that starts with a minus sign is a candidate, not an option."""
    if not argv or argv[0] != "check":
        return argv
    options, positionals, rest = [], [], iter(argv[1:])
    for token in rest:
        if token == "--":
            positionals += list(rest)
        elif token in ("--seed", "--part", "--steps"):
            options += [token, next(rest, "")]
        elif token.startswith(("--seed=", "--part=", "--steps=")) or token in ("--json", "-h", "--help"):
            options.append(token)
        else:
            positionals.append(token)
    return ["check", *options, "--", *positionals]


def _quiet_pipe() -> int:
    """The reader closed the pipe: stop quietly (no flush error at exit)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    return 141


def _terminated(signum, frame):
    raise KeyboardInterrupt  # SIGTERM ends a run as Ctrl-C does: worker processes stopped, exit 130


def main(argv: list[str] | None = None) -> int:
    if argv is None and threading.current_thread() is threading.main_thread():  # run as the program
        signal.signal(signal.SIGTERM, _terminated)
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(_leading_minus(argv))
        commands = {"list": _list, "errata": _errata, "show": _show, "verify": _verify, "calibrate": _calibrate,
                    "mutants": _mutants, "check": _check, "hint": _hint, "figures": _figures, "latex": _latex}
        code = commands[args.command](args)
        sys.stdout.flush()
        return code
    except SystemExit as done:  # --help and --version
        return int(done.code or 0)
    except (UsageError, MissingDependency) as error:
        print(f"dlproofs: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return _quiet_pipe()
    except KeyboardInterrupt:
        print("dlproofs: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 (a bug, reported as one line, not as bad input)
        if os.environ.get("DLPROOFS_DEBUG"):
            raise
        message = " ".join(str(error).split())[:300]
        print(f"dlproofs: internal error ({type(error).__name__}: {message}); please report it "
              "(set DLPROOFS_DEBUG=1 for the traceback)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
