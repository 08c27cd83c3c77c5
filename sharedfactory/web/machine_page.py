"""One machine for the house's staff and the auditor: its live state, open alarms and its booked
runs (the latest, or one month's with `bulan=YYYY-MM`, the report's drill-down) with booked versus
actual time, the quality verdict of each run and the link to its sealed quality record."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import Parameter
from litestar.response import Template

from sharedfactory.accounts.deps import Login, require_house
from sharedfactory.bookings.tables import Booking
from sharedfactory.devices.queries import live_board, machine_house
from sharedfactory.devices.runs import booking_run, quality, usage
from sharedfactory.facilities.queries import list_houses
from sharedfactory.i18n.formats import month_name
from sharedfactory.quality.tables import QualityRecord
from sharedfactory.web.pages import Language, page_context
from sharedfactory.web.params import CODE

MachineCode = Annotated[str, Parameter(max_length=64, pattern=CODE)]
RECENT_RUNS = 8
MONTH_RUNS = 100  # a machine's month: at most a few dozen runs
WIB = ZoneInfo("Asia/Jakarta")  # the report's months are WIB months
Month = Annotated[
    str | None, Parameter(required=False, pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$", max_length=7)
]


def month_span(month: str) -> tuple[datetime, datetime]:
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=WIB)
    return start, datetime(year + number // 12, number % 12 + 1, 1, tzinfo=WIB)


async def recent_runs(
    machine_id: int, now_ms: int, month: str | None = None
) -> list[dict[str, Any]]:
    """The latest runs started by now, or the runs that started in `month` (WIB)."""
    where = (Booking.machine == machine_id) & (Booking.starts_at <= _as_datetime(now_ms))
    if month is not None:
        start, end = month_span(month)
        where = (Booking.machine == machine_id) & (Booking.starts_at >= start)
        where &= Booking.starts_at < end
    rows = (
        await Booking.select(
            Booking.code,
            Booking.product,
            Booking.business.name.as_alias("business"),
            Booking.starts_at,
            Booking.ends_at,
            Booking.status,
        )
        .where(where)
        .order_by(Booking.starts_at, ascending=month is None)
        .limit(RECENT_RUNS if month is None else MONTH_RUNS)
        .run()
    )
    tokens = await record_tokens([row["code"] for row in rows])
    runs = []
    for row in rows:
        run = await booking_run(row["code"])
        assert run is not None
        actual, started = usage(run, now_ms, grace_minutes=15)
        _limits, verdict = await quality(run)
        own_samples = any(s.booking == row["code"] for s in run.samples)
        runs.append(
            row
            | {
                "booked_h": actual.booked_s / 3600,
                "actual_h": actual.actual_running_s / 3600,
                "started": started,
                "passed": verdict.passed if own_samples else None,
                "record": tokens.get(row["code"]),
                "day": row["starts_at"].astimezone(WIB).date().isoformat(),
            }
        )
    return runs


async def record_tokens(codes: list[str]) -> dict[str, str]:
    """Booking code -> the public token of its sealed quality record, for those that have one."""
    if not codes:
        return {}
    q = QualityRecord
    rows = await q.select(q.booking.code.as_alias("code"), q.token).where(
        q.booking.code.is_in(codes)
    )
    return {row["code"]: row["token"] for row in rows}


def _as_datetime(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


class MachinePage(Controller):
    path = "/machines/{machine:str}"
    include_in_schema = False

    @get("/", name="machine")
    async def page(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        machine: MachineCode,
        lang: Language = None,
        bulan: Month = None,
    ) -> Template:
        found = await machine_house(machine)
        if found is None:
            raise NotFoundException(detail=f"machine {machine!r} does not exist")
        machine_id, house_code = found
        require_house(login, house_code)
        house = (await list_houses(house_code))[0]
        card = next(m for m in await live_board(house_code) if m["code"] == machine)
        context = page_context(request, lang, login)
        context |= {
            "house": house,
            "machine": card,
            "runs": await recent_runs(machine_id, int(time.time() * 1000), bulan),
            "month": bulan,
            "month_label": month_name(bulan, context["lang"]) if bulan else "",
        }
        return Template("pages/machine.html", context=context)
