"""The UMKM served in a period, pure: per business and house sums in, one line per business out.

Served: a `confirmed` or `completed` booking overlapping the period (the rule of `umkm_served`).
New: the business's first ever served booking (in the viewer's scope) starts inside the period.
NIB is a public business id and is listed in full; NIK and NPWP are never read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

HOUR_S = 3600


@dataclass(frozen=True)
class BusinessAtHouse:
    """One business's bookings at one house in the period, summed in SQL."""

    code: str
    name: str
    nib: str
    size_class: str
    house: str
    booked_s: float  # booked time inside the period (confirmed, completed, no-show)
    served: bool  # some confirmed or completed booking overlapping the period


@dataclass(frozen=True)
class ServedBusiness:
    code: str
    name: str
    nib: str
    size_class: str
    houses: tuple[str, ...]  # where it was served in the period
    booked_hours: float
    first_served: str  # YYYY-MM-DD, in the period's offset
    new: bool


def served_list(
    found: Iterable[BusinessAtHouse],
    first_served_ms: Mapping[str, int],
    start_ms: int,
    end_ms: int,
    zone: tzinfo,
) -> list[ServedBusiness]:
    """The businesses served in [start, end), by code."""
    by_code: dict[str, list[BusinessAtHouse]] = {}
    for line in found:
        by_code.setdefault(line.code, []).append(line)
    out = []
    for code in sorted(by_code):
        lines = by_code[code]
        houses = tuple(sorted({line.house for line in lines if line.served}))
        first = first_served_ms.get(code)
        if not houses or first is None:
            continue
        out.append(
            ServedBusiness(
                code=code,
                name=lines[0].name,
                nib=lines[0].nib,
                size_class=lines[0].size_class,
                houses=houses,
                booked_hours=round(sum(line.booked_s for line in lines) / HOUR_S, 2),
                first_served=datetime.fromtimestamp(first / 1000, zone).date().isoformat(),
                new=start_ms <= first < end_ms,
            )
        )
    return out
