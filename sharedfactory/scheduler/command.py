"""`sharedfactory schedule PROBLEM.json [-o SOLUTION.json] [--time-limit S] [--solver ...]`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from sharedfactory.scheduler.parse import ProblemError, load_problem, solution_to_json
from sharedfactory.scheduler.solve import SOLVERS, Progress, solve

EXIT_OK, EXIT_ERROR, EXIT_INVALID, EXIT_INFEASIBLE = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sharedfactory schedule",
        description="Solve one scheduling problem (CONTRACTS.md section 3) offline.",
        epilog="Exit codes: 0 solved, 2 invalid input, 3 mandatory requests infeasible, 1 other.",
    )
    parser.add_argument("problem", metavar="PROBLEM.json", help="the problem file")
    parser.add_argument("-o", "--output", metavar="SOLUTION.json", help="write here, not stdout")
    parser.add_argument("--time-limit", type=float, default=60.0, metavar="S", help="seconds (60)")
    parser.add_argument(
        "--solver", choices=SOLVERS, default="highs", help="highs (default), cbc, greedy"
    )
    return parser


def _progress_printer() -> Callable[[Progress], None] | None:
    """A rich live line on stderr when stderr is a terminal, else None."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console

    console = Console(stderr=True)

    def show(p: Progress) -> None:
        incumbent = "-" if p.incumbent is None else f"{p.incumbent:,.1f}"
        bound = "-" if p.bound is None else f"{p.bound:,.1f}"
        gap = "-" if p.gap is None else f"{100 * p.gap:.2f} %"
        line = f"{p.elapsed:7.1f} s {p.phase:<7} incumbent {incumbent}  bound {bound}  gap {gap}"
        console.print(line, highlight=False, markup=False)

    return show


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.time_limit <= 0:
        print(f"{args.problem}: --time-limit must be positive", file=sys.stderr)
        return EXIT_INVALID
    try:
        problem = load_problem(args.problem)
    except ProblemError as error:
        print(f"{args.problem}: {error}", file=sys.stderr)
        return EXIT_INVALID
    solution = solve(problem, args.solver, args.time_limit, _progress_printer())
    text = json.dumps(solution_to_json(solution, problem), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            print(f"{args.output}: cannot write: {error.strerror or error}", file=sys.stderr)
            return EXIT_ERROR
    else:
        sys.stdout.write(text)
    return EXIT_INFEASIBLE if solution.status == "infeasible" else EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
