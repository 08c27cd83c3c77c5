"""PURE: a week of time spans (a house's opening hours, an operator's shifts), written as text on
the page (`08.00–16.00, 18.00–20.00`) or as JSON, checked and shown again.

The rules: a day has 0 to 3 spans; each ends after it starts; times are on the quarter hour;
spans of one day neither overlap nor touch (`08.00–12.00, 12.00–16.00` is one span,
`08.00–16.00`: the booking rules need a booking wholly inside one span, so touching spans would
refuse a booking across their seam).

Midnight: a span may end at `24:00` (the end of its day) and start at `00:00`, never the other
way round, and never runs past midnight (write two: one ending at 24:00, one starting at 00:00
the next day; a booking still never crosses midnight, as `rules.within_spans` says). The
database's TIME column cannot hold 24:00, so it is stored as 23:59:59 (`END_OF_DAY`), which is
exactly how the booking rules read a booking that ends at midnight, and shown as `24:00` again.

Also the check of an operator's certifications (machines of the house, each once, dated).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time
from itertools import pairwise

END_OF_DAY = time(23, 59, 59)
MAX_SPANS_PER_DAY = 3
WEEKDAYS = range(7)  # 0 Monday .. 6 Sunday
FIRST_YEAR = 2000
CLOCK = re.compile(r"^(\d{1,2})[.:](\d{2})$")
SPAN = re.compile(r"^(\S+?)\s*[-\u2010-\u2015\u2212]\s*(\S+)$")
DAY_SEPARATORS = re.compile(r"[,;]")


def _(text: str) -> str:
    """Marks a message for the catalogue; the edge translates it."""
    return text


BAD_CLOCK = _("times on the quarter hour, from 00.00 to 24.00, such as 08.00 or 16.30")
BAD_TEXT = _("write the spans such as 08.00–16.00, 18.00–20.00 (empty: closed)")


@dataclass(frozen=True, order=True)
class WeeklySpan:
    weekday: int
    starts: time
    ends: time  # END_OF_DAY: until midnight


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: `index` the span (in the list checked), `key` its part
    (`starts`, `ends`, `weekday`; `machine`, `certified_on` for certifications)."""

    index: int
    key: str
    message: str
    params: dict[str, str] = field(default_factory=dict)


def clock_of(text: str, *, end: bool = False) -> time | None:
    """`08.00`, `8:00`, `24:00` (an end only) on the quarter hour; None for anything else."""
    found = CLOCK.match(text.strip())
    if found is None:
        return None
    hour, minute = int(found.group(1)), int(found.group(2))
    if minute % 15 or minute > 45:
        return None
    if (hour, minute) == (24, 0):
        return END_OF_DAY if end else None
    return time(hour, minute) if hour < 24 else None


def clock_text(value: time, separator: str = ":") -> str:
    """`08:00`; END_OF_DAY (or anything after 23.59) as `24:00`."""
    if value >= time(23, 59, 1):
        return f"24{separator}00"
    return f"{value.hour:02d}{separator}{value.minute:02d}"


def span_text(starts: time, ends: time, separator: str = ".") -> str:
    return f"{clock_text(starts, separator)}–{clock_text(ends, separator)}"


def check_day(spans: Sequence[tuple[time, time]]) -> Problem | None:
    """The first thing wrong with one day's spans, or None."""
    for index, (starts, ends) in enumerate(spans):
        if ends <= starts:
            return Problem(index, "ends", _("must be after the start"))
    if len(spans) > MAX_SPANS_PER_DAY:
        params = {"n": str(MAX_SPANS_PER_DAY)}
        return Problem(MAX_SPANS_PER_DAY, "weekday", _("at most %(n)s spans a day"), params)
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    for earlier, later in pairwise(order):
        if spans[later][0] <= spans[earlier][1]:
            params = {"other": span_text(*spans[earlier])}
            message = _("overlaps or touches %(other)s: write them as one span")
            return Problem(later, "starts", message, params)
    return None


def check_week(spans: Sequence[WeeklySpan]) -> Problem | None:
    """The first thing wrong with a whole week, `index` pointing into `spans`."""
    for index, span in enumerate(spans):
        if span.weekday not in WEEKDAYS:
            return Problem(index, "weekday", _("a weekday from 0 (Monday) to 6 (Sunday)"))
    for day in WEEKDAYS:
        indexes = [i for i, span in enumerate(spans) if span.weekday == day]
        problem = check_day([(spans[i].starts, spans[i].ends) for i in indexes])
        if problem is not None:
            return replace(problem, index=indexes[problem.index])
    return None


def parse_day(text: str) -> tuple[list[tuple[time, time]], Problem | None]:
    """One day's text: `08.00–16.00, 18.00–20.00` (also `08:00-16:00`; empty: closed). The
    spans in time order, or a problem (its index is the span's place in the text)."""
    parts = [part.strip() for part in DAY_SEPARATORS.split(text)]
    if parts == [""]:
        return [], None
    spans: list[tuple[time, time]] = []
    for index, part in enumerate(parts):
        found = SPAN.match(part)
        if found is None:
            return [], Problem(index, "text", BAD_TEXT)
        starts, ends = clock_of(found.group(1)), clock_of(found.group(2), end=True)
        if starts is None or ends is None:
            return [], Problem(index, "text", BAD_CLOCK)
        spans.append((starts, ends))
    problem = check_day(spans)
    return ([], problem) if problem else (sorted(spans), None)


def day_text(spans: Sequence[tuple[time, time]], separator: str = ".") -> str:
    """What `parse_day` reads back: `08.00–16.00, 18.00–20.00`; empty when closed."""
    return ", ".join(span_text(starts, ends, separator) for starts, ends in sorted(spans))


def by_day(spans: Sequence[WeeklySpan]) -> dict[int, list[tuple[time, time]]]:
    """Every weekday (0..6), with its spans in time order."""
    days: dict[int, list[tuple[time, time]]] = {day: [] for day in WEEKDAYS}
    for span in sorted(spans):
        days[span.weekday].append((span.starts, span.ends))
    return days


def week_of(days: dict[int, list[tuple[time, time]]]) -> list[WeeklySpan]:
    return sorted(WeeklySpan(day, s, e) for day, spans in days.items() for s, e in spans)


def check_certifications(
    wanted: Sequence[tuple[str, date]], machines: Collection[str], today: date
) -> Problem | None:
    """Each machine of the house at most once, certified between 2000 and today."""
    seen: set[str] = set()
    for index, (machine, certified_on) in enumerate(wanted):
        if machine not in machines:
            return Problem(index, "machine", _("not a machine of this house"))
        if machine in seen:
            return Problem(index, "machine", _("this machine is listed twice"))
        seen.add(machine)
        if certified_on.year < FIRST_YEAR:
            return Problem(index, "certified_on", _("give a day between the years 2000 and 2100"))
        if certified_on > today:
            return Problem(index, "certified_on", _("cannot be in the future"))
    return None
