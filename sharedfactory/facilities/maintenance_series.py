"""Adding maintenance windows: one, or the same window every week for up to 12 weeks.

Every window of a series is checked (its length, how far ahead, no overlap with the machine's
other windows) before any is written, and all are written in one transaction under the machine's
write lock, with their audit events, or none is: a series never stands half-saved. The answer
lists the live bookings in any of the windows, for the house to move (nothing is moved here).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sharedfactory.audit import events as audit
from sharedfactory.bookings.fresh import forget_cached_facts
from sharedfactory.bookings.guard import writing
from sharedfactory.facilities import house_calendar as cal
from sharedfactory.facilities.house_calendar import CalendarRefused, _
from sharedfactory.facilities.tables import MaintenanceWindow

MAX_WEEKS = 12
PK = MaintenanceWindow._meta.primary_key


async def add_windows(
    machine: cal.MachineRef,
    starts: datetime,
    ends: datetime,
    reason: str,
    weeks: int = 1,
    actor: int | None = None,
) -> tuple[list[cal.WindowView], list[cal.Conflict]]:
    """The machine is down from `starts` to `ends`, and again a week later, `weeks` times in
    all; answers the windows and the live bookings in any of them. `actor`: for the audit log."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise CalendarRefused(400, "repeat_weeks", _("repeat the window 1 to 12 weeks"))
    if weeks > 1 and ends - starts > timedelta(days=7):
        message = _("a window repeated every week lasts at most 7 days")
        raise CalendarRefused(400, "ends_at", message)
    reason = cal.plain_text("reason", reason)
    spans = [(starts + timedelta(weeks=n), ends + timedelta(weeks=n)) for n in range(weeks)]
    for span in spans:
        cal.check_window(*span, cal.now())
    async with writing([machine.pk]):
        for week, span in enumerate(spans, start=1):
            await _refuse_overlap(machine, *span, week if weeks > 1 else None)
        rows = [
            MaintenanceWindow(machine=machine.pk, starts_at=a, ends_at=b, reason=reason)
            for a, b in spans
        ]
        inserted = await MaintenanceWindow.insert(*rows).returning(PK).run()
        added = [await cal.find_window(int(row["id"])) for row in inserted]
        for window in added:
            await audit.maintenance_changed("maintenance.added", window, actor)
    forget_cached_facts()
    return added, [c for window in added for c in await cal.window_conflicts(window)]


async def _refuse_overlap(
    machine: cal.MachineRef, starts: datetime, ends: datetime, week: int | None
) -> None:
    overlapping = (
        await MaintenanceWindow.select(PK.as_alias("pk"))
        .where(
            MaintenanceWindow.machine == machine.pk,
            MaintenanceWindow.starts_at < ends,
            MaintenanceWindow.ends_at > starts,
        )
        .order_by(PK)
        .first()
        .run()
    )
    if overlapping is None:
        return
    found = str(overlapping["pk"])
    if week is None:
        raise CalendarRefused(409, "starts_at", _("overlaps maintenance window %(id)s"), id=found)
    message = _("week %(week)s overlaps maintenance window %(id)s")
    raise CalendarRefused(409, "starts_at", message, id=found, week=str(week))
