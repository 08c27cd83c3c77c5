"""Changing a booking: cancel and move within the notice rules, check-in, no-show release.

A freed slot is offered to the waitlist first (`bookings.waitlist`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sharedfactory.accounts.service import Viewer
from sharedfactory.audit import events as audit
from sharedfactory.bookings.facts import HouseRules
from sharedfactory.bookings.fresh import forget_cached_facts
from sharedfactory.bookings.guard import writing
from sharedfactory.bookings.load import Missing, machine_facts
from sharedfactory.bookings.queries import scoped
from sharedfactory.bookings.rules import Refusal, _
from sharedfactory.bookings.service import BookingRefused, NewBooking, book_into, when
from sharedfactory.bookings.tables import Booking
from sharedfactory.bookings.waitlist import offer_freed
from sharedfactory.cleaning.hold import hold_of
from sharedfactory.devices.runs import booking_run, usage
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.notices.service import notify_business

CHANGEABLE = ("pending", "confirmed")


class ChangeRefused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.render())
        self.refusal = refusal


@dataclass(frozen=True)
class Held:
    pk: int
    code: str
    machine_pk: int
    machine: str
    business_pk: int
    business: str
    house: str
    zone: str
    status: str
    starts: datetime
    ends: datetime
    product_class: str
    product: str
    quantity: float
    rules: HouseRules
    note: str = ""
    series: str | None = None
    request: int | None = None  # the flexible request it serves: a move keeps it


async def held(code: str, viewer: Viewer) -> Held:
    """Missing when unknown or outside the viewer's scope; PermissionError for auditors."""
    if viewer.role == "auditor":
        raise PermissionError("auditors read; they do not change bookings")
    query = Booking.select(
        Booking._meta.primary_key.as_alias("pk"),
        Booking.code,
        Booking.machine.as_alias("machine_pk"),
        Booking.machine.code.as_alias("machine"),
        Booking.business.as_alias("business_pk"),
        Booking.business.code.as_alias("business"),
        Booking.status,
        Booking.starts_at,
        Booking.ends_at,
        Booking.product_class.code.as_alias("product_class"),
        Booking.product,
        Booking.quantity,
        Booking.note,
        Booking.series,
        Booking.request,
    ).where(Booking.code == code)
    row = await scoped(query, viewer).first().run()
    if row is None:
        raise Missing(f"booking {code!r} does not exist")
    machine = (
        await machine_facts(
            row["starts_at"], row["ends_at"], row["starts_at"], machine=row["machine"]
        )
    )[0]
    return Held(
        row["pk"],
        code,
        row["machine_pk"],
        row["machine"],
        row["business_pk"],
        row["business"],
        machine.house,
        machine.zone,
        row["status"],
        row["starts_at"],
        row["ends_at"],
        row["product_class"],
        row["product"],
        float(row["quantity"]),
        machine.rules,
        row["note"],
        row["series"],
        row["request"],
    )


def _changeable(booking: Held, viewer: Viewer, now: datetime) -> None:
    if booking.status not in CHANGEABLE:
        raise ChangeRefused(Refusal("status", _("only a confirmed booking can be changed")))
    notice = timedelta(minutes=booking.rules.cancel_notice_minutes)
    if viewer.role == "umkm" and booking.starts - now < notice:
        raise ChangeRefused(
            Refusal(
                "cancel_notice",
                _("changes are possible until %(n)s minutes before the start; ask the house"),
                {"n": booking.rules.cancel_notice_minutes},
            )
        )


async def cancel(code: str, viewer: Viewer, now: datetime) -> None:
    booking = await held(code, viewer)
    _changeable(booking, viewer, now)
    async with writing([booking.machine_pk]):
        await (
            Booking.update({Booking.status: "cancelled", Booking.cancelled_at: now})
            .where(Booking.code == code)
            .run()
        )
        await audit.booking_changed("booking.cancelled", booking, viewer.user_id, now)
    await _tell(booking, "booking_cancelled", _("Booking %(code)s cancelled"), now)
    await offer_freed(booking.machine, booking.starts, booking.ends, now)


async def move(
    code: str, viewer: Viewer, starts: datetime, ends: datetime, machine: str | None, now: datetime
) -> None:
    """BookingRefused (with the nearest good slots) when the new time breaks a rule."""
    booking = await held(code, viewer)
    _changeable(booking, viewer, now)
    moved = NewBooking(
        booking.business,
        machine or booking.machine,
        starts,
        ends,
        booking.product_class,
        booking.product,
        booking.quantity,  # type: ignore[arg-type]
        note=booking.note,
        series=booking.series,
        request=booking.request,
    )
    await book_into(moved, now, viewer.user_id, replacing=code)
    await _tell(booking, "booking_moved", _("Booking %(code)s moved"), now)
    await offer_freed(booking.machine, booking.starts, booking.ends, now)


async def check_in(code: str, viewer: Viewer, now: datetime) -> None:
    """The operator saw the UMKM start: the booking is not a no-show."""
    if viewer.role == "umkm":
        raise PermissionError("the house's operator checks a UMKM in")
    booking = await held(code, viewer)
    if booking.status != "confirmed":
        raise ChangeRefused(Refusal("status", _("only a confirmed booking can be changed")))
    hold = await hold_of(code)
    if hold is not None:
        raise ChangeRefused(
            Refusal(
                "cleaning",
                _("halal work waits for the cleaning record after booking %(after)s"),
                {"after": hold.after},
            )
        )
    await Booking.update({Booking.checked_in_at: now}).where(Booking.code == code).run()
    await audit.booking_changed("booking.checked_in", booking, viewer.user_id, now)


async def release_no_shows(house: str, now: datetime, actor: int | None = None) -> list[str]:
    """Confirmed bookings nobody started within the grace period (no check-in, no run in the
    machine's telemetry) become no-shows; their remaining time goes to the waitlist. `actor`:
    the operator who asked, None for the sweeper."""
    rows = (
        await Booking.select(
            Booking.code, Booking.machine.code.as_alias("machine"), Booking.ends_at
        )
        .where(
            Booking.machine._.house._.code == house,
            Booking.status == "confirmed",
            Booking.checked_in_at.is_null(),
            Booking.starts_at <= now,
            Booking.starts_at > now - timedelta(days=1),
        )
        .run()
    )
    released = []
    for row in rows:
        facts = (await machine_facts(now, now, now, machine=row["machine"]))[0]
        run = await booking_run(row["code"])
        if (
            run is None
            or await hold_of(row["code"]) is not None  # the wait is the house's, not the UMKM's
            or usage(run, int(now.timestamp() * 1000), facts.rules.no_show_grace_minutes)[1]
            is not False
        ):
            continue
        await Booking.update({Booking.status: "no_show"}).where(Booking.code == row["code"]).run()
        await audit.booking_no_show(row["code"], row["machine"], house, actor, now)
        forget_cached_facts()
        released.append(row["code"])
        if row["ends_at"] > now:
            await offer_freed(row["machine"], now, row["ends_at"], now)
    return released


async def _tell(booking: Held, kind: str, subject: str, now: datetime) -> None:
    gettext = gettext_for("id")
    body = f"{booking.machine}, {when(booking.starts, booking.ends, booking.zone)}."
    await notify_business(
        booking.business, kind, gettext(subject) % {"code": booking.code}, body, now
    )


__all__ = [
    "BookingRefused",
    "ChangeRefused",
    "cancel",
    "check_in",
    "held",
    "move",
    "release_no_shows",
]
