"""What the weekly calendar page shows (`web.weekly_pages`): the week's days, the opening hours
and every operator as their forms start, the operator-run machines nobody can run now, and the
banner after a move."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sharedfactory.bookings.tables import Booking
from sharedfactory.facilities import house_calendar as cal
from sharedfactory.facilities import weekly_store as store
from sharedfactory.facilities.queries import MachineView
from sharedfactory.facilities.weekly_calendar import WEEKDAYS
from sharedfactory.i18n.formats import day_name, period
from sharedfactory.web.weekly_form import _, certification_values, week_values


def uncovered(machines: list[MachineView], staff: list[store.OperatorView]) -> list[MachineView]:
    """Operator-run machines with no certified operator who has a shift: nobody can book them."""
    covered = {c.machine for op in staff if op.shifts for c in op.certifications}
    return [m for m in machines if m.needs_operator and m.code not in covered]


async def sections(house: cal.HouseRef, machines: list[MachineView], lang: str) -> dict[str, Any]:
    staff = await store.operators(house)
    codes = [m.code for m in machines]
    return {
        "days": [(day, day_name(day, lang)) for day in WEEKDAYS],
        "machines": machines,
        "operators": staff,
        "uncovered": uncovered(machines, staff),
        "today": cal.now().astimezone(ZoneInfo(house.zone)).date(),
        "values": {
            "hours": week_values(await store.opening_hours(house)),
            "shifts": {op.code: week_values(op.shifts) for op in staff},
            "certs": {
                op.code: certification_values(
                    {c.machine: c.certified_on for c in op.certifications}, codes
                )
                for op in staff
            },
            "operator": {"code": "", "name": "", "phone": ""},
        },
    }


async def moved_banner(house: cal.HouseRef, booking: str) -> tuple[str, dict[str, str]] | None:
    """`bk-... now runs 2027-02-03 09.00–11.00 WITA on Pemarut Kelapa 1`, when it is the house's."""
    row = (
        await Booking.select(
            Booking.machine.name.as_alias("machine"), Booking.starts_at, Booking.ends_at
        )
        .where(Booking.code == booking, Booking.machine._.house == house.pk)
        .first()
        .run()
    )
    if row is None:
        return None
    when = period(row["starts_at"], row["ends_at"], house.zone)
    params = {"booking": booking, "when": when, "machine": row["machine"]}
    return _("%(booking)s now runs %(when)s on %(machine)s; the UMKM was told."), params
