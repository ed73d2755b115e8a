"""The ``dlproofs`` command: list, show, verify and check claims.

Exit codes: 0 success, 1 a claim failed or a candidate was rejected, 2 bad input (one line
on stderr, no traceback).
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import time

import sympy as sp

import derivations
from . import verify
from .checks.base import KINDS, alpha_per_test, total_tests

__all__ = ["main"]

SUMMARY_LIMIT = 12  # evidence lines shown per check before the rest are summarised


class UsageError(Exception):
    """Bad input from the user: reported on one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dlproofs", description="Derive, check and run the classic results of deep learning.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    listing = sub.add_parser("list", help="every claim id with its title and checks")
    listing.add_argument("--json", action="store_true")
    show = sub.add_parser("show", help="a claim's derivation, symbols and checks")
    show.add_argument("id")
    show.add_argument("--latex", action="store_true", help="print the derivation as LaTeX")
    run = sub.add_parser("verify", help="run the checks of claims (all, or those matching the patterns)")
    run.add_argument("patterns", nargs="*", metavar="PATTERN", help="shell-style patterns such as 'init.*'")
    run.add_argument("--seed", type=int, help="base seed for every claim (default: one derived from each id)")
    run.add_argument("--kinds", default=KINDS, help="check kinds to run, letters of SMFN (default: all)")
    run.add_argument("--json", action="store_true")
    check = sub.add_parser("check", help="judge a candidate answer, symbolically and by simulation")
    check.add_argument("id")
    check.add_argument("candidate", help="a formula in the claim's symbols, e.g. \"n*v*chi\"")
    check.add_argument("--seed", type=int)
    check.add_argument("--json", action="store_true")
    figures = sub.add_parser("figures", help="write the figures: node statistics (PNG), BN graph (DOT, TikZ)")
    figures.add_argument("-o", "--output", required=True, metavar="DIR")
    figures.add_argument("--seed", type=int)
    return parser


def _matching(patterns: list[str]) -> list[str]:
    ids = list(derivations.catalog())
    if not patterns:
        return ids
    chosen = [i for i in ids if any(fnmatch.fnmatchcase(i, p) for p in patterns)]
    if not chosen:
        raise UsageError(f"no claim matches {' '.join(patterns)}; `dlproofs list` shows the ids")
    return chosen


def _list(args) -> int:
    rows = [derivations.get(i).summary() for i in derivations.catalog()]
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    for row in rows:
        print(f"{row['id']:<36} {''.join(row['checks']):<5} {row['title']}")
    return 0


def _show(args) -> int:
    derivation = derivations.get(args.id)
    if args.latex:
        print(derivation.latex())
        return 0
    print(f"{derivation.id}: {derivation.title} ({derivation.source})")
    print(f"checks: {derivation.checks}   symbols: {', '.join(s.name for s in derivation.symbols) or 'none'}")
    for assumption in derivation.assumptions:
        print(f"  assume {assumption}")
    for k, step in enumerate(derivation.steps):
        lead = "    " if k == 0 else "  = "
        reason = f"   [{step.reason}]" if step.reason else ""
        print(f"{lead}{sp.sstr(step.expr)}{reason}")
    print(f"result: {sp.sstr(derivation.result)}")
    if derivation.answer:
        print(f"answer: {derivation.answer}")
    return 0


def _progress(text: str) -> None:
    stream = sys.stderr
    if stream.isatty():
        stream.write("\r\033[K" + text)
    else:
        stream.write(text + "\n")
    stream.flush()


def _print_report(report) -> None:
    mark = "PASS" if report.passed else "FAIL"
    seconds = sum(c.seconds for c in report.checks)
    print(f"{mark} {report.id} ({seconds:.1f} s)")
    for check in report.checks:
        shown = check.evidence if len(check.evidence) <= SUMMARY_LIMIT else (
            [e for e in check.evidence if not e.passed][:SUMMARY_LIMIT] or check.evidence[:2])
        print(f"  {check.kind} {'ok' if check.passed else 'FAIL'}: {len(check.evidence)} item(s), {check.seconds:.2f} s")
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
    ids = _matching(args.patterns)
    reports, started = [], time.perf_counter()
    if not args.json:
        print(f"{len(ids)} claim(s); each test at level {alpha_per_test():.2g} "
              f"(family-wise 1e-3 over {total_tests()} tests)")
    for k, claim_id in enumerate(ids, start=1):
        _progress(f"[{k}/{len(ids)}] {claim_id} ...")
        wanted = "".join(c for c in derivations.get(claim_id).checks if c in kinds)
        if not wanted:
            continue
        report = verify(claim_id, seed=args.seed, kinds=wanted)
        reports.append(report)
        if not args.json:
            if sys.stderr.isatty():
                sys.stderr.write("\r\033[K")
            _print_report(report)
    failed = [r.id for r in reports if not r.passed]
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], indent=1))
    else:
        print(f"{len(reports) - len(failed)} of {len(reports)} claims passed in {time.perf_counter() - started:.1f} s"
              + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def _check(args) -> int:
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be a non-negative integer, not {args.seed}")
    report = verify(args.id, args.candidate, seed=args.seed)
    if args.json:
        print(json.dumps(report.to_dict(), indent=1))
        return 1 if report.rejected else 0
    target = derivations.get(args.id).target
    symbolic = {True: "equal to", False: "different from", None: "not comparable with"}[report.symbolic_equal]
    print(f"{args.id}: candidate {sp.sstr(report.expression)} is {symbolic} the derived {sp.sstr(target)}")
    for e in report.evidence:
        print(f"  {e.describe()}")
    if report.numeric_rejected is None:
        print("  no simulation applies to this claim's answer")
    verdict = "REJECTED" if report.rejected else "ACCEPTED"
    how = []
    if report.symbolic_equal is False:
        how.append("symbolically")
    if report.numeric_rejected:
        how.append("numerically")
    print(verdict + (f" ({' and '.join(how)})" if how else ""))
    return 1 if report.rejected else 0


def _figures(args) -> int:
    from .figures import write_figures

    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be a non-negative integer, not {args.seed}")
    try:
        written = write_figures(args.output, args.seed)
    except OSError as error:
        raise UsageError(f"cannot write to {args.output}: {error.strerror}") from None
    for path in written:
        print(path)
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        commands = {"list": _list, "show": _show, "verify": _verify, "check": _check, "figures": _figures}
        return commands[args.command](args)
    except (UsageError, ValueError, TypeError) as error:
        print(f"dlproofs: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dlproofs: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
