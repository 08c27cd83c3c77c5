"""What telemetry says about one booking: actual use, the start signal, the quality record."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import Parameter

from sharedfactory.accounts.deps import Login, require_house
from sharedfactory.accounts.service import Viewer
from sharedfactory.analytics.quality import CheckResult, Excursion
from sharedfactory.devices.runs import BookingRun, booking_run, quality, usage
from sharedfactory.web.errors import not_found, refused
from sharedfactory.web.params import CODE

BookingCode = Annotated[
    str, Parameter(max_length=64, pattern=CODE, description="booking id, e.g. `bk-0042`")
]
Grace = Annotated[int, Parameter(ge=0, le=24 * 60, description="minutes to start the run")]


class UsageOut(msgspec.Struct):
    booking: str
    machine: str
    booked_hours: float
    actual_running_hours: float
    first_running: str | None
    started: bool | None  # None: not started yet, still within the grace period


class QualityOut(msgspec.Struct):
    booking: str
    machine: str
    passed: bool
    samples: int
    checks: list[CheckResult]
    excursions: list[Excursion]


def _iso(ms: int | None) -> str | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC).isoformat()


async def _run(code: str, login: Viewer) -> BookingRun:
    """A UMKM sees its own bookings only: another's answers 404, as if it did not exist."""
    run = await booking_run(code)
    if run is None or (login.role == "umkm" and run.business != login.business):
        raise NotFoundException(detail=f"booking {code!r} does not exist")
    if login.role != "umkm":
        require_house(login, run.house)
    return run


class BookingTelemetryApi(Controller):
    path = "/api/v1/bookings/{booking:str}"
    tags = ("telemetry",)

    @get(
        "/usage",
        summary="Booked versus actual running time, and whether the run started",
        responses=not_found("booking") | refused(401, 403),
    )
    async def usage(
        self, login: Login, booking: BookingCode, grace_minutes: Grace = 15
    ) -> UsageOut:
        run = await _run(booking, login)
        actual, started = usage(run, int(time.time() * 1000), grace_minutes)
        return UsageOut(
            booking=booking,
            machine=run.machine,
            booked_hours=round(actual.booked_s / 3600, 3),
            actual_running_hours=round(actual.actual_running_s / 3600, 3),
            first_running=_iso(actual.first_running_ms),
            started=started,
        )

    @get(
        "/quality",
        summary="The run's values checked against the machine's quality limits",
        responses=not_found("booking") | refused(401, 403),
    )
    async def quality(self, login: Login, booking: BookingCode) -> QualityOut:
        run = await _run(booking, login)
        _limits, result = await quality(run)
        own = sum(1 for sample in run.samples if sample.booking == booking)
        return QualityOut(
            booking, run.machine, result.passed, own, list(result.checks), list(result.excursions)
        )
