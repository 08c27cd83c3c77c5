"""Scheduler benchmarks: ours (HiGHS MILP), greedy and a CP-SAT peer, measured in the same run.

    uv run --group bench python -m bench.scheduler.run --suite wt40 --limit 2 --time-limit 2
    uv run --group bench python -m bench.scheduler.run --suite weeks --sizes S,M --time-limit 60

Every solver runs in a process of its own (``sys.executable -m bench.scheduler.ours`` and
``-m bench.scheduler.cpsat``: highspy and ortools cannot share a process), one after the other,
with the same time limit. Peak memory is the child's ``ru_maxrss`` from ``os.wait4`` (the
per-child form of ``getrusage(RUSAGE_CHILDREN)``) together with what the child reports for its own
children. Every solution, ours and CP-SAT's, is checked with the core's ``validate`` and with the
independent ``bench.scheduler.contract.check``. A markdown report goes to stdout, progress to
stderr, and ``--json OUT`` keeps every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.scheduler import contract
from bench.scheduler.exact import upmsp_optimum
from bench.scheduler.generator import SIZES, generate
from bench.scheduler.instances import upmsp_data, upmsp_problems, wt40_problems

JSON = dict[str, Any]
SOLVERS = ("ours", "greedy", "cpsat", "cpsat-hint")
DEFAULT_SOLVERS = "ours,greedy,cpsat"


@dataclass
class Outcome:
    solver: str
    status: str
    objective: float | None
    bound: float | None
    wall_seconds: float  # the solver process, interpreter start and imports included
    solve_seconds: float | None  # as the solver reports it: parse (ours) or build + search
    build_seconds: float | None
    peak_rss_mb: float | None
    served: int | None
    valid: bool | None
    errors: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Row:
    suite: str
    name: str
    reference: float | None  # published optimum, where there is one
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    listed: float | None = None  # upmsp: what reference.csv says, where the exact DP differs


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def _run_child(args: list[str], timeout: float) -> tuple[int, float, float, str]:
    """Run a child; (exit code, wall seconds, peak RSS MiB from wait4, stderr tail)."""
    began = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)
        timer = threading.Timer(timeout, child.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - began
        err.seek(0)
        tail = err.read().decode(errors="replace")[-600:]
    return child.returncode, wall, usage.ru_maxrss / 1024, tail


def _core() -> tuple[Callable[[Any], Any], Callable[[Any, Any], Any], Callable[[Any, Any], Any]]:
    """The core's parse_problem, parse_solution and validate (imported late: they import PuLP)."""
    from sharedfactory.scheduler.parse import parse_problem, parse_solution
    from sharedfactory.scheduler.validate import validate

    return parse_problem, parse_solution, validate


def _validate(problem: JSON, solution: JSON) -> tuple[bool | None, list[str]]:
    errors = [f"contract.check: {e}" for e in contract.check(problem, solution)]
    try:
        parse_problem, parse_solution, validate = _core()
        parsed = parse_problem(problem)
        errors += [f"validate: {e}" for e in validate(parsed, parse_solution(solution, parsed))]
    except Exception as error:  # the core is under construction: say so, do not stop
        errors.append(f"core validate unavailable: {type(error).__name__}: {error}")
    return not errors, errors


def run_solver(solver: str, problem: JSON, path: Path, time_limit: float) -> Outcome:
    out = path.with_suffix(f".{solver}.json")
    if solver.startswith("cpsat"):
        cmd = [sys.executable, "-m", "bench.scheduler.cpsat", str(path)]
        greedy = path.with_suffix(".greedy.json")
        if solver == "cpsat-hint":
            if not greedy.exists():
                return Outcome(
                    solver,
                    "error",
                    None,
                    None,
                    0.0,
                    None,
                    None,
                    None,
                    None,
                    None,
                    [],
                    "cpsat-hint needs the greedy solver to run first",
                )
            cmd += ["--hint", str(greedy)]
    else:
        cmd = [sys.executable, "-m", "bench.scheduler.ours", str(path)]
        cmd += ["--solver", "greedy" if solver == "greedy" else "highs"]
    cmd += ["--time-limit", str(time_limit), "-o", str(out)]
    code, wall, rss, tail = _run_child(cmd, timeout=3 * time_limit + 120)
    if not out.exists():
        note = f"exit {code}: {tail.strip().splitlines()[-1] if tail.strip() else 'no output'}"
        return Outcome(solver, "error", None, None, wall, None, None, rss, None, None, [], note)
    data = json.loads(out.read_text())
    status = data.get("status", "?")
    rss = max(rss, float(data.get("peak_rss_mb") or 0.0))
    build = data.get("build_seconds") if solver != "greedy" else None
    own = data.get("wall_seconds", data.get("seconds"))
    if status in {"optimal", "feasible"}:
        valid, errors = _validate(problem, data)
        served = len({a["request"] for a in data.get("assignments", [])})
        objective = data.get("objective")
        recomputed = contract.objective_value(problem, data.get("assignments", []))
        if objective is None or abs(float(objective) - recomputed) > 1e-6 * max(1.0, recomputed):
            errors.append(f"objective {objective} differs from the formula's {recomputed}")
            valid = False
    elif status == "infeasible" and data.get("assignments") is not None:
        # A schedule that leaves a mandatory request out: keep its formula value for reference.
        valid, errors = None, []
        served = len({a["request"] for a in data["assignments"]})
        objective = contract.objective_value(problem, data["assignments"])
    else:
        valid, errors, served, objective = None, [], None, None
    note = "; ".join(data.get("notes", []))
    bound = data.get("bound")
    return Outcome(
        solver, status, objective, bound, wall, own, build, rss, served, valid, errors, note
    )


def run_instance(
    suite: str, name: str, problem: JSON, reference: float | None, args: argparse.Namespace
) -> Row:
    row = Row(suite, name, reference)
    with tempfile.TemporaryDirectory(prefix="sf-bench-") as folder:
        path = Path(folder) / f"{name}.json"
        path.write_text(json.dumps(problem))
        for solver in args.solvers:
            outcome = run_solver(solver, problem, path, args.time_limit)
            row.outcomes[solver] = outcome
            flag = "" if outcome.valid in (True, None) else f" INVALID: {outcome.errors[:2]}"
            if outcome.status == "error":
                flag = f" {outcome.note}"
            log(
                f"{suite} {name} {solver}: {outcome.status} {outcome.objective} "
                f"({outcome.solve_seconds or 0:.1f} s in the solver, {outcome.wall_seconds:.1f} s "
                f"process, {outcome.peak_rss_mb or 0:.0f} MiB){flag}"
            )
    return row


def settled(row: Row) -> Row:
    """upmsp: where a validated schedule is below the listed optimum, the exact DP decides."""
    found = [o.objective for o in row.outcomes.values() if o.valid and o.objective is not None]
    if row.reference is None or not found or min(found) >= row.reference - 1e-6:
        return row
    exact = float(upmsp_optimum(*upmsp_data(row.name)))
    log(f"upmsp {row.name}: reference.csv lists {row.reference:g}, the exact DP gives {exact:g}")
    if exact != row.reference:
        row.listed, row.reference = row.reference, exact
    return row


# ---------------------------------------------------------------- reporting


def _obj(row: Row, solver: str) -> float | None:
    outcome = row.outcomes.get(solver)
    if outcome is None or outcome.status not in {"optimal", "feasible"} or not outcome.valid:
        return None
    return outcome.objective


def _obj_any(row: Row, solver: str) -> float | None:
    """Like _obj, but also the formula value of an 'infeasible' schedule (mandatory left out)."""
    outcome = row.outcomes.get(solver)
    if outcome is not None and outcome.status == "infeasible":
        return outcome.objective
    return _obj(row, solver)


def _fmt(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.2f} %"


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return None
    if b == 0:
        return 1.0 if a == 0 else None
    return a / b


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return statistics.fmean(kept) if kept else None


def _median(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return statistics.median(kept) if kept else None


def _max(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return max(kept) if kept else None


def _cell(row: Row, solver: str) -> str:
    outcome = row.outcomes.get(solver)
    if outcome is None:
        return "-"
    if outcome.status == "infeasible" and outcome.objective is not None:
        return f"{_fmt(outcome.objective)} (infeasible)"
    if outcome.status not in {"optimal", "feasible"}:
        return outcome.status
    mark = "*" if outcome.status == "optimal" else ""
    bad = "" if outcome.valid else " INVALID"
    return f"{_fmt(outcome.objective)}{mark}{bad}"


def _timing(row: Row, solver: str) -> str:
    outcome = row.outcomes.get(solver)
    if outcome is None:
        return "-"
    build = "" if outcome.build_seconds is None else f" ({outcome.build_seconds:.1f})"
    return f"{_fmt(outcome.solve_seconds, 1)}{build}"


def _mem(row: Row, solver: str) -> str:
    outcome = row.outcomes.get(solver)
    return "-" if outcome is None or outcome.peak_rss_mb is None else f"{outcome.peak_rss_mb:.0f}"


def _gap(value: float | None, reference: float | None) -> float | None:
    if value is None or reference is None or reference <= 0:
        return None
    return (value - reference) / reference


def _validity(rows: list[Row], solvers: list[str]) -> list[str]:
    lines = []
    for solver in solvers:
        checked = [r.outcomes[solver] for r in rows if solver in r.outcomes]
        solved = [o for o in checked if o.status in {"optimal", "feasible"}]
        invalid = [o for o in solved if not o.valid]
        lines.append(
            f"- {solver}: {len(solved)}/{len(checked)} with a schedule, "
            f"{len(invalid)} failing validation"
            + (f" (first: {invalid[0].errors[0]})" if invalid and invalid[0].errors else "")
        )
    return lines


def report_reference(rows: list[Row], solvers: list[str], title: str, kind: str) -> str:
    """wt40 and upmsp: objective against the published optimum."""
    lines = [f"### {title}", ""]
    head = "| instance | optimum | " + " | ".join(f"{s}" for s in solvers)
    head += (
        " | "
        + " | ".join(f"{s} s" for s in solvers)
        + " | "
        + " | ".join(f"{s} MiB" for s in solvers)
    )
    lines += [head + " |", "|" + "---|" * (2 + 3 * len(solvers))]
    for row in rows:
        cells = [row.name, _fmt(row.reference)]
        cells += [_cell(row, s) for s in solvers]
        cells += [_timing(row, s) for s in solvers]
        cells += [_mem(row, s) for s in solvers]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "`*` proven optimal by that solver. Seconds as the solver reports them (ours: parse, "
        "greedy, model build and search; CP-SAT: model build and search), model-build seconds "
        "in brackets; MiB = peak resident memory of the solver's process.",
        "",
    ]
    lines += [
        "| solver | instances | optimum reached | proven optimal | mean gap | max gap "
        "| mean s | max MiB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for solver in solvers:
        got = [(r, _obj(r, solver)) for r in rows if solver in r.outcomes]
        hits = sum(
            1
            for r, v in got
            if v is not None and r.reference is not None and v <= r.reference + 1e-6
        )
        proven = sum(
            1
            for r, v in got
            if v is not None
            and r.outcomes[solver].status == "optimal"
            and r.reference is not None
            and abs(v - r.reference) <= 1e-6
        )
        gaps = [_gap(v, r.reference) for r, v in got]
        lines.append(
            f"| {solver} | {len(got)} | {hits} ({_pct(hits / len(got) if got else None)}) "
            f"| {proven} ({_pct(proven / len(got) if got else None)}) "
            f"| {_pct(_mean(gaps))} | {_pct(_max(gaps))} "
            f"| {_fmt(_mean(r.outcomes[solver].solve_seconds for r, _ in got), 1)} "
            f"| {_fmt(_max(r.outcomes[solver].peak_rss_mb for r, _ in got))} |"
        )
    if kind == "wt40":
        zero = sum(1 for r in rows if r.reference == 0)
        lines += [
            "",
            f"Gap = (objective - optimum) / optimum over instances with a positive "
            f"optimum ({len(rows) - zero} of {len(rows)}); an instance with optimum 0 counts "
            "only in 'optimum reached'.",
        ]
    if kind == "upmsp":
        lines += _corrections(rows)
        lines += ["", "By job count n (proven optimal and equal to the reference / instances):", ""]
        lines += ["| n | " + " | ".join(solvers) + " |", "|" + "---|" * (1 + len(solvers))]
        sizes = sorted({int(r.name.split("_")[1]) for r in rows})
        for n in sizes:
            mine = [r for r in rows if int(r.name.split("_")[1]) == n]
            cells = []
            for solver in solvers:
                good = sum(
                    1
                    for r in mine
                    if _obj(r, solver) is not None
                    and r.outcomes[solver].status == "optimal"
                    and r.reference is not None
                    and abs((_obj(r, solver) or 0) - r.reference) <= 1e-6
                )
                cells.append(f"{good}/{len(mine)}")
            lines.append(f"| {n} | " + " | ".join(cells) + " |")
    lines += ["", "Validation:", *_validity(rows, solvers), ""]
    return "\n".join(lines)


def _corrections(rows: list[Row]) -> list[str]:
    wrong = [r for r in rows if r.listed is not None]
    if not wrong:
        return []
    lines = [
        "",
        f"`reference.csv` lists a higher optimum than the exact one on {len(wrong)} instance(s); "
        "the exact optimum (`bench/scheduler/exact.py`, a dynamic programme over job subsets) "
        "is used above:",
        "",
    ]
    lines += [f"- {r.name}: listed {_fmt(r.listed)}, exact {_fmt(r.reference)}" for r in wrong]
    return lines


def report_weeks(rows: list[Row], solvers: list[str]) -> str:
    lines = ["### Generated weeks", ""]
    peers: list[str] = [p for p in ("cpsat", "cpsat-hint") if p in solvers]
    head = "| instance | " + " | ".join(f"{s} objective" for s in solvers)
    head += "".join(f" | ours/{p}" for p in peers)
    head += " | ours/greedy | served " + "/".join(solvers)
    head += " | " + " | ".join(f"{s} s (build)" for s in solvers)
    head += " | " + " | ".join(f"{s} MiB" for s in solvers) + " |"
    lines += [head, "|" + "---|" * (3 + len(peers) + 3 * len(solvers))]
    for row in rows:
        served = "/".join(
            "-"
            if row.outcomes.get(s) is None or row.outcomes[s].served is None
            else str(row.outcomes[s].served)
            for s in solvers
        )
        total = row.reference
        cells = [row.name, *[_cell(row, s) for s in solvers]]
        cells += [_fmt(_ratio(_obj(row, "ours"), _obj(row, p)), 3) for p in peers]
        cells += [
            _fmt(_ratio(_obj(row, "ours"), _obj_any(row, "greedy")), 3),
            f"{served} of {_fmt(total)}",
        ]
        cells += [_timing(row, s) for s in solvers] + [_mem(row, s) for s in solvers]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "Objective = the contract's formula (unserved 1000 x weight + weighted "
        "tardiness in minutes), recomputed from each schedule; `*` proven optimal; "
        "lower is better. ours/greedy below 0.75 means at least 25 % lower than greedy; "
        "'(infeasible)': the schedule leaves a mandatory request out, its formula value is "
        "shown and used in the ratio. "
        "Seconds as the solver reports them (model build in brackets); MiB = peak resident "
        "memory of the solver's process.",
        "",
    ]
    for peer in peers:
        ratios = [_ratio(_obj(r, "ours"), _obj(r, peer)) for r in rows]
        lines.append(
            f"- median ours/{peer}: {_fmt(_median(ratios), 3)}; worst: {_fmt(_max(ratios), 3)}"
        )
    ratios_gr = [_ratio(_obj(r, "ours"), _obj_any(r, "greedy")) for r in rows]
    lines += [
        f"- median ours/greedy: {_fmt(_median(ratios_gr), 3)}; worst: {_fmt(_max(ratios_gr), 3)}",
        "",
        "Validation:",
        *_validity(rows, solvers),
        "",
    ]
    lines += ["Targets (issue):", *_week_targets(rows, peers), ""]
    return "\n".join(lines)


def _versus(ours: float | None, peer: float | None) -> float | None:
    """ours/peer; 0 when only ours has a schedule, None when ours has none."""
    if ours is None:
        return None
    if peer is None:
        return 0.0
    return _ratio(ours, peer)


def _week_targets(rows: list[Row], peers: list[str]) -> list[str]:
    out = []
    for size in ("S", "M", "L", "XL"):
        mine = [r for r in rows if r.name.split("-")[0] == size]
        if not mine:
            continue
        ours = [_obj(r, "ours") for r in mine]
        if size == "XL":
            for r in mine:
                o = r.outcomes.get("ours")
                if o is None:
                    continue
                ok = (
                    o.valid is True
                    and (o.solve_seconds or 1e9) <= 120
                    and (o.peak_rss_mb or 1e9) <= 4096
                )
                out.append(
                    f"- {r.name}: valid schedule within 120 s and 4 GiB: "
                    f"{'met' if ok else 'MISSED'} (status {o.status}, valid {o.valid}, "
                    f"{_fmt(o.solve_seconds, 1)} s, "
                    f"{_fmt(o.peak_rss_mb)} MiB)"
                )
            continue
        for peer in peers:
            cp = [_versus(v, _obj(r, peer)) for r, v in zip(mine, ours, strict=True)]
            never_worse = all(c is not None and c <= 1 + 1e-9 for c in cp)
            median = _median(cp) if all(c is not None for c in cp) else None
            better = median is not None and median < 1
            out.append(
                f"- {size} ({len(mine)} instance(s)): ours no worse than {peer} on every "
                f"instance: {'met' if never_worse else 'MISSED'}; better on the median: "
                f"{'met' if better else 'MISSED'} (median ours/{peer} {_fmt(median, 3)}; "
                "a peer without a schedule counts as 0)"
            )
        if size in {"M", "L"}:
            gr = [_ratio(v, _obj_any(r, "greedy")) for r, v in zip(mine, ours, strict=True)]
            ok = all(g is not None and g <= 0.75 for g in gr)
            out.append(
                f"- {size}: at least 25 % lower than greedy: {'met' if ok else 'MISSED'} "
                f"(worst ours/greedy {_fmt(_max(gr), 3)})"
            )
    return out


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--suite", choices=["wt40", "upmsp", "weeks", "all"], default="all")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per solver")
    parser.add_argument("--limit", type=int, help="at most N instances per suite")
    parser.add_argument("--step", type=int, default=1, help="upmsp: every STEP-th instance")
    parser.add_argument("--sizes", default="S,M,L", help="weeks: sizes, e.g. S,M,L,XL")
    parser.add_argument("--seeds", default="1", help="weeks: seeds, e.g. 1,2")
    parser.add_argument(
        "--solvers",
        default=DEFAULT_SOLVERS,
        help="comma-separated, in this order: ours,greedy,cpsat,cpsat-hint (CP-SAT warm-started "
        "from the greedy schedule; needs greedy before it)",
    )
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args(argv)
    args.solvers = [s for s in args.solvers.split(",") if s]
    unknown = set(args.solvers) - set(SOLVERS)
    if unknown:
        parser.error(f"unknown solvers {sorted(unknown)}")
    suites = ["wt40", "upmsp", "weeks"] if args.suite == "all" else [args.suite]
    sections = [
        f"Time limit {args.time_limit:g} s per solver and instance; CP-SAT with 2 workers; "
        f"run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
    ]
    everything: dict[str, list[JSON]] = {}
    for suite in suites:
        rows: list[Row] = []
        if suite == "wt40":
            items = wt40_problems()[: args.limit]
            for k, (problem, published) in enumerate(items, start=1):
                rows.append(run_instance(suite, f"wt40-{k:03d}", problem, published, args))
            sections.append(report_reference(rows, args.solvers, "OR-Library wt40", "wt40"))
        elif suite == "upmsp":
            for name, problem, optimum in upmsp_problems(args.limit, args.step):
                rows.append(settled(run_instance(suite, name, problem, optimum, args)))
            sections.append(
                report_reference(rows, args.solvers, "Vallada-Ruiz upmsp small", "upmsp")
            )
        else:
            for size in [s.strip().upper() for s in args.sizes.split(",") if s.strip()]:
                if size not in SIZES:
                    parser.error(f"unknown size {size}")
                for seed in [int(s) for s in args.seeds.split(",")][: args.limit]:
                    problem = generate(size, seed)
                    count = float(len(problem["requests"]))
                    rows.append(run_instance(suite, f"{size}-{seed}", problem, count, args))
            sections.append(report_weeks(rows, args.solvers))
        everything[suite] = [asdict(r) for r in rows]
    text = "\n".join(sections)
    sys.stdout.write(text + "\n")
    if args.json:
        args.json.write_text(
            json.dumps({"time_limit": args.time_limit, "suites": everything}, indent=1)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
