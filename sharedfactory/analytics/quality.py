"""Quality-standard checks (HACCP critical limits) over one run's samples, and live alarms."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from sharedfactory.analytics.samples import Sample, in_time_order

RUNNING = "running"
NO_DATA = "no data"
Reading = tuple[int, float]
Side = Literal["min", "max"]


@dataclass(frozen=True)
class Limit:
    """A critical limit on one process value, e.g. oil_temp_c <= 90 (SNI ...).

    With `hold_seconds`, the min is a hold rule: the value must stay >= `min_value` for at least
    that long (pasteurisation: milk_temp_c >= 72 for 15 s); a max alongside it is a plain limit.
    """

    value_name: str
    min_value: float | None
    max_value: float | None
    hold_seconds: int | None
    standard: str

    def __post_init__(self) -> None:
        if self.min_value is None and self.max_value is None:
            raise ValueError("a limit needs a min_value or a max_value")
        if self.hold_seconds is not None and (self.min_value is None or self.hold_seconds < 0):
            raise ValueError("a hold rule needs a min_value and hold_seconds >= 0")
        low, high = self.min_value, self.max_value
        if low is not None and high is not None and low > high:
            raise ValueError("min_value is above max_value")


@dataclass(frozen=True)
class Excursion:
    """A maximal span of consecutive running readings outside one side of a limit."""

    value_name: str
    start_ms: int
    end_ms: int
    worst_value: float
    limit_value: float
    side: Side


@dataclass(frozen=True)
class CheckResult:
    value_name: str
    standard: str
    passed: bool
    observed_min: float | None
    observed_max: float | None
    held_seconds: float | None
    reason: str


@dataclass(frozen=True)
class QualityResult:
    passed: bool
    checks: list[CheckResult]
    excursions: list[Excursion]


def is_outside(limit: Limit, value: float, side: Side) -> bool:
    if side == "min":
        return limit.min_value is not None and value < limit.min_value
    return limit.max_value is not None and value > limit.max_value


def first_excursion(limit: Limit, previous_value: float | None, value: float) -> bool:
    """True exactly when `value` leaves the limit (previous inside or unknown, this one outside):
    the live ingest raises one alarm per excursion. The min of a hold rule never alarms live
    (the value starts below it while heating up); only its result after the run counts.
    """
    sides: tuple[Side, ...] = ("max",) if limit.hold_seconds is not None else ("min", "max")
    now_out = any(is_outside(limit, value, side) for side in sides)
    was_out = previous_value is not None and any(
        is_outside(limit, previous_value, side) for side in sides
    )
    return now_out and not was_out


def running_segments(samples: Sequence[Sample], value_name: str) -> list[list[Reading]]:
    """Readings of one value in stretches of consecutive running samples. A sample in another
    state ends a stretch; a running sample without the value is skipped."""
    segments: list[list[Reading]] = [[]]
    for sample in samples:
        if sample.state != RUNNING:
            if segments[-1]:
                segments.append([])
        elif value_name in sample.values:
            segments[-1].append((sample.ts_ms, sample.values[value_name]))
    return [segment for segment in segments if segment]


def _spans(segment: list[Reading], inside: bool, test: Side, limit: Limit) -> list[list[Reading]]:
    """Maximal runs of readings for which `is_outside(limit, value, test) != inside`."""
    spans: list[list[Reading]] = [[]]
    for reading in segment:
        if is_outside(limit, reading[1], test) != inside:
            spans[-1].append(reading)
        elif spans[-1]:
            spans.append([])
    return [span for span in spans if span]


def find_excursions(limit: Limit, segments: list[list[Reading]], side: Side) -> list[Excursion]:
    bound = limit.min_value if side == "min" else limit.max_value
    if bound is None:
        return []
    pick = min if side == "min" else max
    return [
        Excursion(limit.value_name, span[0][0], span[-1][0], pick(v for _, v in span), bound, side)
        for segment in segments
        for span in _spans(segment, inside=False, test=side, limit=limit)
    ]


def longest_hold_seconds(limit: Limit, segments: list[list[Reading]]) -> float:
    """Longest time between the first and last reading of a run of readings >= the min."""
    held_ms = [
        span[-1][0] - span[0][0]
        for segment in segments
        for span in _spans(segment, inside=True, test="min", limit=limit)
    ]
    return max(held_ms, default=0) / 1000


def check_limit(limit: Limit, samples: Sequence[Sample]) -> tuple[CheckResult, list[Excursion]]:
    """One limit against one run's samples (in time order)."""
    segments = running_segments(samples, limit.value_name)
    values = [value for segment in segments for _, value in segment]
    if not values:
        return _result(limit, False, values, None, NO_DATA), []
    excursions = find_excursions(limit, segments, "max")
    held_seconds = None
    problems = [f"{len(excursions)} excursion(s) above max"] if excursions else []
    below = find_excursions(limit, segments, "min")
    if limit.hold_seconds is None:
        if below:
            problems.insert(0, f"{len(below)} excursion(s) below min")
            excursions = below + excursions
    else:
        held_seconds = longest_hold_seconds(limit, segments)
        if held_seconds < limit.hold_seconds:
            problems.insert(0, f"held {held_seconds:g} s < {limit.hold_seconds} s")
            excursions = below + excursions
    reason = "; ".join(problems) or "ok"
    return _result(limit, not problems, values, held_seconds, reason), excursions


def _result(
    limit: Limit, passed: bool, values: list[float], held_seconds: float | None, reason: str
) -> CheckResult:
    return CheckResult(
        value_name=limit.value_name,
        standard=limit.standard,
        passed=passed,
        observed_min=min(values, default=None),
        observed_max=max(values, default=None),
        held_seconds=held_seconds,
        reason=reason,
    )


def evaluate_run(limits: Iterable[Limit], samples: Iterable[Sample]) -> QualityResult:
    """Check every limit against the samples of one run (one booking's batch).

    Only `running` samples are checked. A plain min/max limit passes when no running reading is
    outside it; each maximal stretch of consecutive outside readings (same side) is one
    excursion. A hold rule passes when the value stayed >= min for at least `hold_seconds`
    (measured first to last reading of an unbroken run of readings); dips below the min are
    then not excursions, and are listed only when the hold was never reached. A limit whose
    value never appears while running fails with reason "no data": missing evidence is not a
    pass. The run passes when every check passes (vacuously with no limits).
    """
    ordered = in_time_order(samples)
    checks: list[CheckResult] = []
    excursions: list[Excursion] = []
    for limit in limits:
        check, found = check_limit(limit, ordered)
        checks.append(check)
        excursions.extend(found)
    excursions.sort(key=lambda e: (e.start_ms, e.value_name))
    return QualityResult(all(c.passed for c in checks), checks, excursions)
