"""Seeded generator of realistic shared-production-house weeks (problem JSON, CONTRACTS.md s. 3).

``generate(size, seed)`` is deterministic in its arguments (``random.Random(seed)``, no clock).
Sizes: S (10 machines, 100 requests, 1 week), M (20, 250), L (30, 500), XL (60 machines, 9 houses,
1500 requests, 2 weeks). The figures follow PRODUCT.md: houses in WIB/WITA/WIT with opening hours
(one day shift or two shifts, closed on Sunday), the Christmas holidays, maintenance gaps, vacuum
fryer (60-98 min a batch) -> spinner (~5 min) -> band sealer chains with a maximum wait, coffee
and cocoa roasters (15-21 min a batch), pasteurisers, freeze dryers (26-36 h, running round the
clock), patchouli kettles (~6 h), operators on shifts with machine qualifications, halal / non-halal
changeovers (non_halal -> halal 120 min of cleaning, halal -> non_halal 30 min), and a mix of a few
mandatory and many optional requests with weights 1-3, releases, due dates and deadlines.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

JSON = dict[str, Any]

SIZES: dict[str, tuple[int, int, int, int]] = {
    # machines, houses, requests, days
    "S": (10, 2, 100, 7),
    "M": (20, 4, 250, 7),
    "L": (30, 6, 500, 7),
    "XL": (60, 9, 1500, 14),
}

HORIZON_DAY = date(2026, 12, 21)  # a Monday; 24 Dec (cuti bersama), 25 Dec and 1 Jan are holidays
HORIZON_OFFSET = 7  # the horizon is written in WIB (+07:00)
NATIONAL_HOLIDAYS = (date(2026, 12, 25), date(2027, 1, 1))
CUTI_BERSAMA = date(2026, 12, 24)

CHANGEOVER = {"non_halal": {"halal": 120}, "halal": {"non_halal": 30}}


@dataclass(frozen=True)
class House:
    id: str
    offset: int  # hours east of UTC: WIB 7, WITA 8, WIT 9
    profile: str
    non_halal_share: float


HOUSES = (
    House("batu-bara", 7, "keripik", 0.05),
    House("sleman", 7, "susu", 0.05),
    House("toraja", 8, "kopi", 0.15),
    House("aceh-tamiang", 7, "nilam", 0.0),
    House("jembrana", 8, "kakao", 0.2),
    House("jayapura", 9, "keripik", 0.3),
    House("minahasa-selatan", 8, "keripik", 0.35),
    House("kutai-kartanegara", 8, "susu", 0.1),
    House("manokwari", 9, "kopi", 0.3),
)

# The machines a house gets, in order, cycling when it has more.
PROFILE_MACHINES = {
    "keripik": ["vacuum_fryer", "vacuum_fryer", "spinner", "band_sealer", "freeze_dryer"],
    "susu": ["pasteuriser", "pasteuriser", "band_sealer", "freeze_dryer", "pasteuriser"],
    "kopi": ["coffee_roaster", "coffee_roaster", "band_sealer", "coffee_roaster", "band_sealer"],
    "nilam": ["patchouli_kettle", "patchouli_kettle", "patchouli_kettle", "band_sealer"],
    "kakao": ["coffee_roaster", "freeze_dryer", "band_sealer", "coffee_roaster", "vacuum_fryer"],
}

NEEDS_OPERATOR = {
    "vacuum_fryer": True,
    "spinner": True,
    "band_sealer": False,
    "freeze_dryer": False,
    "pasteuriser": True,
    "coffee_roaster": True,
    "patchouli_kettle": True,
}

# Machines that keep halal apart from non-halal work (a cleaning changeover between them).
HALAL_SENSITIVE = {"vacuum_fryer", "spinner", "band_sealer", "pasteuriser", "coffee_roaster"}


def _at(day: date, hour: float, offset: int) -> datetime:
    tz = timezone(timedelta(hours=offset))
    minutes = round(hour * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tz)


class _Week:
    def __init__(self, rng: random.Random, days: int) -> None:
        self.rng = rng
        self.days = days
        self.start = _at(HORIZON_DAY, 0, HORIZON_OFFSET)
        self.end = self.start + timedelta(days=days)

    def clip(self, spans: list[tuple[datetime, datetime]]) -> list[list[str]]:
        out = []
        for a, b in sorted(spans):
            lo, hi = max(a, self.start), min(b, self.end)
            if hi - lo >= timedelta(minutes=30):
                out.append([lo.isoformat(), hi.isoformat()])
        return out


def _opening(shifts: str, day: date, closed: set[date]) -> list[tuple[float, float]]:
    """Local opening hours of a house on a day (machines run across the shift change)."""
    if day.weekday() == 6 or day in closed:
        return []
    if day.weekday() == 5:
        return [(8.0, 13.0)]
    if shifts == "two":
        return [(6.0, 22.0)]
    return [(8.0, 16.0)]


def _operator_shifts(shifts: str, day: date, closed: set[date]) -> list[list[tuple[float, float]]]:
    """The shift patterns operators of a house can be on (list of per-day spans per pattern)."""
    if day.weekday() == 6 or day in closed:
        return [[], []] if shifts == "two" else [[]]
    if day.weekday() == 5:
        return [[(8.0, 13.0)], [(8.0, 13.0)]] if shifts == "two" else [[(8.0, 13.0)]]
    if shifts == "two":
        return [[(6.0, 14.0)], [(14.0, 22.0)]]
    return [[(8.0, 16.0)]]


def _cut(
    spans: list[tuple[datetime, datetime]], gap: tuple[datetime, datetime]
) -> list[tuple[datetime, datetime]]:
    out = []
    for a, b in spans:
        if gap[1] <= a or b <= gap[0]:
            out.append((a, b))
            continue
        if a < gap[0]:
            out.append((a, gap[0]))
        if gap[1] < b:
            out.append((gap[1], b))
    return out


def generate(size: str, seed: int) -> JSON:
    """A realistic scheduling problem of the given size, deterministic in (size, seed)."""
    n_machines, n_houses, n_requests, days = SIZES[size]
    rng = random.Random(f"{size}-{seed}")
    week = _Week(rng, days)
    day_list = [HORIZON_DAY + timedelta(days=d) for d in range(days)]

    machines: list[JSON] = []
    operators: list[JSON] = []
    house_machines: dict[str, list[JSON]] = {}
    house_info: dict[str, tuple[House, str, set[date]]] = {}
    speed: dict[str, float] = {}
    houses = list(HOUSES[:n_houses])
    per_house = [
        n_machines // n_houses + (1 if h < n_machines % n_houses else 0) for h in range(n_houses)
    ]

    for house, count in zip(houses, per_house, strict=True):
        shifts = "two" if rng.random() < 0.4 else "day"
        closed = set(NATIONAL_HOLIDAYS)
        if rng.random() < 0.5:
            closed.add(CUTI_BERSAMA)
        house_info[house.id] = (house, shifts, closed)
        kinds = PROFILE_MACHINES[house.profile]
        seen: dict[str, int] = {}
        mine: list[JSON] = []
        for k in range(count):
            kind = kinds[k % len(kinds)]
            seen[kind] = seen.get(kind, 0) + 1
            mid = f"{house.id}-{kind.replace('_', '-')}-{seen[kind]}"
            if kind == "freeze_dryer":
                spans = [(week.start, week.end)]
                if rng.random() < 0.3:
                    d = rng.choice(day_list[1:-1])
                    spans = _cut(spans, (_at(d, 8, house.offset), _at(d, 16, house.offset)))
            else:
                spans = [
                    (_at(d, a, house.offset), _at(d, b, house.offset))
                    for d in day_list
                    for a, b in _opening(shifts, d, closed)
                ]
                if spans and rng.random() < 0.35:
                    a, b = rng.choice(spans)
                    hours = rng.choice([2, 3, 4])
                    lo = a + timedelta(hours=rng.choice([0, 2]))
                    spans = _cut(spans, (lo, min(b, lo + timedelta(hours=hours))))
            machine: JSON = {
                "id": mid,
                "type": kind,
                "house": house.id,
                "windows": week.clip(spans),
                "needs_operator": NEEDS_OPERATOR[kind],
            }
            if kind in HALAL_SENSITIVE:
                machine["changeover"] = CHANGEOVER
                machine["initial_class"] = (
                    "non_halal" if rng.random() < house.non_halal_share else "halal"
                )
            speed[mid] = rng.uniform(0.9, 1.15)
            mine.append(machine)
        machines.extend(mine)
        house_machines[house.id] = mine

        # Operators: enough for most operated machines, two qualified per machine and shift pattern.
        operated = [m["id"] for m in mine if m["needs_operator"]]
        patterns = 2 if shifts == "two" else 1
        per_pattern = max(2, math.ceil(0.7 * len(operated)))
        for p in range(patterns):
            staff: list[JSON] = []
            for i in range(per_pattern):
                off_day = rng.choice(day_list[:6])
                spans = [
                    (_at(d, a, house.offset), _at(d, b, house.offset))
                    for d in day_list
                    if d != off_day
                    for a, b in _operator_shifts(shifts, d, closed)[p]
                ]
                quals = rng.sample(operated, min(len(operated), rng.choice([2, 3])))
                staff.append(
                    {
                        "id": f"op-{house.id}-{'pagi' if p == 0 else 'sore'}-{i + 1}",
                        "machines": sorted(quals),
                        "windows": week.clip(spans),
                    }
                )
            for mid in operated:
                qualified = [o for o in staff if mid in o["machines"]]
                for o in rng.sample(staff, len(staff))[: max(0, 2 - len(qualified))]:
                    if mid not in o["machines"]:
                        o["machines"] = sorted([*o["machines"], mid])
            operators.extend(staff)

    requests: list[JSON] = []
    # Requests per house follow its machine count; a kettle house takes few, long distillations.
    weights = [
        c * (0.35 if h.profile == "nilam" else 1.0) for h, c in zip(houses, per_house, strict=True)
    ]
    for r in range(n_requests):
        house_index = rng.choices(range(n_houses), weights=weights)[0]
        house, _shifts, _closed = house_info[houses[house_index].id]
        mine = house_machines[house.id]
        request = _request(rng, r, house, mine, speed, week, day_list)
        requests.append(request)

    return {
        "version": 1,
        "horizon": {"start": week.start.isoformat(), "end": week.end.isoformat()},
        "machines": machines,
        "operators": operators,
        "requests": requests,
        "fixed": [],
        "objective": {"unserved": 1000, "tardiness": 1, "completion": 0, "makespan": 0},
    }


def _products(mine: list[JSON]) -> list[tuple[str, list[tuple[str, int, int, int | None]]]]:
    """Products a house can make: (name, steps of (machine type, min, max minutes, max wait))."""
    kinds = {m["type"] for m in mine}
    out: list[tuple[str, list[tuple[str, int, int, int | None]]]] = []
    seal = "band_sealer" in kinds
    if {"vacuum_fryer", "spinner"} <= kinds:
        steps: list[tuple[str, int, int, int | None]] = [
            ("vacuum_fryer", 60, 98, None),
            ("spinner", 4, 6, 30),
        ]
        out.append(("keripik", [*steps, ("band_sealer", 10, 30, 240)] if seal else steps))
    elif "vacuum_fryer" in kinds:
        steps = [("vacuum_fryer", 60, 98, None)]
        out.append(("keripik", [*steps, ("band_sealer", 10, 30, 240)] if seal else steps))
    if "coffee_roaster" in kinds:
        steps = [("coffee_roaster", 15, 21, None)]
        out.append(("sangrai", [*steps, ("band_sealer", 10, 30, 480)] if seal else steps))
    if "pasteuriser" in kinds:
        steps = [("pasteuriser", 60, 120, None)]
        out.append(("pasteurisasi", [*steps, ("band_sealer", 15, 30, 90)] if seal else steps))
    if "freeze_dryer" in kinds:
        steps = [("freeze_dryer", 26 * 60, 36 * 60, None)]
        out.append(("freeze-dry", [*steps, ("band_sealer", 20, 40, 1440)] if seal else steps))
    if "patchouli_kettle" in kinds:
        out.append(("penyulingan", [("patchouli_kettle", 330, 390, None)]))
    if seal:
        out.append(("pengemasan", [("band_sealer", 15, 45, None)]))
    return out


PRODUCT_SHARE = {
    "keripik": 5.0,
    "sangrai": 5.0,
    "pasteurisasi": 5.0,
    "freeze-dry": 0.25,
    "penyulingan": 4.0,
    "pengemasan": 1.0,
}


def _request(
    rng: random.Random,
    r: int,
    house: House,
    mine: list[JSON],
    speed: dict[str, float],
    week: _Week,
    day_list: list[date],
) -> JSON:
    products = _products(mine)
    name, steps = rng.choices(products, weights=[PRODUCT_SHARE[p[0]] for p in products])[0]
    klass = "non_halal" if rng.random() < house.non_halal_share else "halal"
    batches = rng.choice([1, 1, 1, 2, 2, 3]) if name == "keripik" else 1
    if name == "sangrai":
        batches = rng.randint(2, 6)
    rid = f"rq-{house.id}-{r + 1:04d}"
    mandatory = rng.random() < 0.04
    tasks: list[JSON] = []
    for k, (kind, lo, hi, wait) in enumerate(steps):
        base = rng.randint(lo, hi) * (batches if kind != "band_sealer" else 1)
        if kind == "band_sealer" and k > 0:
            base = max(base, 10 * batches)
        eligible = {
            m["id"]: max(1, round(base * speed[m["id"]])) for m in mine if m["type"] == kind
        }
        task: JSON = {
            "id": f"{rid}/{k + 1}-{kind.split('_')[-1]}",
            "machines": eligible,
            "class": klass,
        }
        if k > 0:
            task["after"] = [tasks[-1]["id"]]
            if wait is not None:
                task["max_wait_minutes"] = wait
        tasks.append(task)
    request: JSON = {
        "id": rid,
        "business": f"umkm-{house.id}-{rng.randint(1, 25):02d}",
        "weight": float(rng.choice([1, 1, 1, 2, 2, 3])),
        "mandatory": mandatory,
        "tasks": tasks,
    }
    long_run = steps[0][0] == "freeze_dryer"
    if mandatory:
        # A mandatory request has the whole horizon, so the instance stays feasible.
        request["due"] = _at(day_list[min(3, len(day_list) - 1)], 16, house.offset).isoformat()
        return request
    last_release = max(0, len(day_list) - (4 if long_run else 3))
    release_day = 0 if rng.random() < 0.35 else rng.randint(0, last_release)
    if release_day:
        request["release"] = _at(day_list[release_day], 0, house.offset).isoformat()
    due_day = min(len(day_list) - 1, release_day + rng.randint(2 if long_run else 1, 4))
    due = _at(day_list[due_day], 16, house.offset)
    request["due"] = due.isoformat()
    if rng.random() < 0.5:
        deadline = due + timedelta(days=rng.randint(1, 2))
        if deadline < week.end:
            request["deadline"] = deadline.isoformat()
    return request


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a generated scheduling problem as JSON.")
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output")
    args = parser.parse_args(argv)
    text = json.dumps(generate(args.size, args.seed), indent=1)
    if args.output:
        with open(args.output, "w") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
