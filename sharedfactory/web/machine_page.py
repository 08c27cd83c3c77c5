"""One machine for the house's staff: its live state, open alarms and recent booked runs with
booked versus actual time and the quality verdict of each run."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import Parameter
from litestar.response import Template

from sharedfactory.accounts.deps import Login, require_house
from sharedfactory.bookings.tables import Booking
from sharedfactory.devices.queries import live_board, machine_house
from sharedfactory.devices.runs import booking_run, quality, usage
from sharedfactory.facilities.queries import list_houses
from sharedfactory.web.pages import Language, page_context
from sharedfactory.web.params import CODE

MachineCode = Annotated[str, Parameter(max_length=64, pattern=CODE)]
RECENT_RUNS = 8


async def recent_runs(machine_id: int, now_ms: int) -> list[dict[str, Any]]:
    rows = (
        await Booking.select(
            Booking.code,
            Booking.product,
            Booking.business.name.as_alias("business"),
            Booking.starts_at,
            Booking.ends_at,
            Booking.status,
        )
        .where((Booking.machine == machine_id) & (Booking.starts_at <= _as_datetime(now_ms)))
        .order_by(Booking.starts_at, ascending=False)
        .limit(RECENT_RUNS)
        .run()
    )
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
            }
        )
    return runs


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
    ) -> Template:
        found = await machine_house(machine)
        if found is None:
            raise NotFoundException(detail=f"machine {machine!r} does not exist")
        machine_id, house_code = found
        require_house(login, house_code)
        house = (await list_houses(house_code))[0]
        card = next(m for m in await live_board(house_code) if m["code"] == machine)
        context = page_context(request, lang, login) | {
            "house": house,
            "machine": card,
            "runs": await recent_runs(machine_id, int(time.time() * 1000)),
        }
        return Template("pages/machine.html", context=context)
