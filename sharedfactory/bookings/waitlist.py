"""The waitlist: a UMKM waits for a taken slot; when it frees, the longest-waiting UMKM whose slot
fits is offered it first, held for the house's `offer_hold_minutes`."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.fresh import forget_cached_facts
from sharedfactory.bookings.load import Missing, UnknownCode, machine_facts
from sharedfactory.bookings.queries import scoped_to
from sharedfactory.bookings.rules import Refusal, _
from sharedfactory.bookings.schemas import WaitIn, WaitOut
from sharedfactory.bookings.service import BookingRefused, NewBooking, book
from sharedfactory.bookings.tables import WaitlistEntry
from sharedfactory.businesses.tables import Business
from sharedfactory.facilities.tables import Machine
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.notices.service import notify_business
from sharedfactory.products.tables import ProductClass


async def offer_freed(machine: str, starts: datetime, ends: datetime, now: datetime) -> int | None:
    """The waitlist entry now offered the freed time, if any."""
    waiting = (
        await WaitlistEntry.select(
            WaitlistEntry._meta.primary_key.as_alias("pk"),
            WaitlistEntry.business.code.as_alias("business"),
            WaitlistEntry.starts_at,
            WaitlistEntry.ends_at,
        )
        .where(
            WaitlistEntry.machine.code == machine,
            WaitlistEntry.status == "waiting",
            WaitlistEntry.starts_at >= starts,
            WaitlistEntry.ends_at <= ends,
            WaitlistEntry.starts_at > now,
        )
        .order_by(WaitlistEntry.created_at)
        .first()
        .run()
    )
    if waiting is None:
        return None
    facts = (await machine_facts(starts, ends, now, machine=machine))[0]
    hold = min(now + timedelta(minutes=facts.rules.offer_hold_minutes), waiting["starts_at"])
    await (
        WaitlistEntry.update({WaitlistEntry.status: "offered", WaitlistEntry.offered_until: hold})
        .where(WaitlistEntry._meta.primary_key == waiting["pk"])
        .run()
    )
    forget_cached_facts()
    gettext = gettext_for("id")
    subject = gettext(_("A slot you waited for is free"))
    body = gettext(_("%(machine)s is free for you until %(until)s; accept it in the app.")) % {
        "machine": machine,
        "until": hold.isoformat(timespec="minutes"),
    }
    await notify_business(waiting["business"], "waitlist_offer", subject, body, now)
    return int(waiting["pk"])


async def expire_offers(now: datetime) -> list[tuple[str, datetime, datetime]]:
    """Lapse the offers nobody accepted in time; their slots (machine, start, end) to re-offer."""
    lapsed = (
        await WaitlistEntry.select(
            WaitlistEntry.machine.code.as_alias("machine"),
            WaitlistEntry.starts_at,
            WaitlistEntry.ends_at,
        )
        .where(WaitlistEntry.status == "offered", WaitlistEntry.offered_until <= now)
        .order_by(WaitlistEntry._meta.primary_key)  # re-offered in the order they were made
        .run()
    )
    await (
        WaitlistEntry.update({WaitlistEntry.status: "expired"})
        .where(WaitlistEntry.status == "offered", WaitlistEntry.offered_until <= now)
        .run()
    )
    forget_cached_facts()
    return [(row["machine"], row["starts_at"], row["ends_at"]) for row in lapsed]


async def reoffer_lapsed(now: datetime) -> None:
    """The next UMKM in line gets a slot whose offer lapsed."""
    for machine, starts, ends in await expire_offers(now):
        await offer_freed(machine, starts, ends, now)


def _out(row: dict[str, Any]) -> WaitOut:
    until = row["offered_until"]
    return WaitOut(
        row["pk"],
        row["business"],
        row["machine"],
        row["starts_at"].isoformat(),
        row["ends_at"].isoformat(),
        row["status"],
        until.isoformat() if until else None,
    )


COLUMNS = (
    WaitlistEntry._meta.primary_key.as_alias("pk"),
    WaitlistEntry.business.code.as_alias("business"),
    WaitlistEntry.machine.code.as_alias("machine"),
    WaitlistEntry.starts_at,
    WaitlistEntry.ends_at,
    WaitlistEntry.status,
    WaitlistEntry.offered_until,
    WaitlistEntry.product_class.code.as_alias("product_class"),
    WaitlistEntry.product,
    WaitlistEntry.quantity,
)


def _scoped(query: Any, viewer: Viewer) -> Any:
    house = WaitlistEntry.machine._.house._.code
    return scoped_to(query, viewer, WaitlistEntry.business.code, house)


async def join(business: str, wish: WaitIn, now: datetime) -> WaitOut:
    """UnknownCode (`field: reason`) for an unknown machine, UMKM or product class."""
    ids = {}
    for key, table, code in (
        ("machine", Machine, wish.machine),
        ("business", Business, business),
        ("product_class", ProductClass, wish.product_class),
    ):
        row = (
            await table.select(table._meta.primary_key.as_alias("pk"))
            .where(table.code == code)
            .first()
            .run()
        )
        if row is None:
            raise UnknownCode(f"{key}: unknown {key} {code!r}")
        ids[key] = row["pk"]
    entry = WaitlistEntry(
        **ids,
        product=wish.product,
        quantity=Decimal(str(wish.quantity)),
        starts_at=wish.starts_at,
        ends_at=wish.end(),
        created_at=now,
    )
    await entry.save().run()
    row = (
        await WaitlistEntry.select(*COLUMNS)
        .where(
            WaitlistEntry._meta.primary_key == entry.id  # type: ignore[attr-defined]
        )
        .first()
        .run()
    )
    return _out(row)  # type: ignore[arg-type]


async def entries(viewer: Viewer) -> list[WaitOut]:
    rows = (
        await _scoped(WaitlistEntry.select(*COLUMNS), viewer)
        .order_by(WaitlistEntry.created_at)
        .run()
    )
    return [_out(row) for row in rows]


async def _entry(entry: int, viewer: Viewer) -> dict[str, Any]:
    query = WaitlistEntry.select(*COLUMNS).where(WaitlistEntry._meta.primary_key == entry)
    row = await _scoped(query, viewer).first().run()
    if row is None:
        raise Missing(f"waitlist entry {entry} does not exist")
    return row


async def accept(entry: int, viewer: Viewer, now: datetime) -> str:
    """The booking made from an offered entry; BookingRefused when the offer has lapsed."""
    await reoffer_lapsed(now)
    row = await _entry(entry, viewer)
    if row["status"] != "offered":
        raise BookingRefused([Refusal("waitlist", _("this waitlist entry has no open offer"))], [])
    new = NewBooking(
        row["business"],
        row["machine"],
        row["starts_at"],
        row["ends_at"],
        row["product_class"],
        row["product"],
        Decimal(str(row["quantity"])),
    )
    code = await book(new, now, viewer.user_id)
    await (
        WaitlistEntry.update({WaitlistEntry.status: "booked"})
        .where(WaitlistEntry._meta.primary_key == entry)
        .run()
    )
    return code


async def withdraw(entry: int, viewer: Viewer) -> WaitOut:
    row = await _entry(entry, viewer)
    await (
        WaitlistEntry.update({WaitlistEntry.status: "withdrawn"})
        .where(WaitlistEntry._meta.primary_key == entry)
        .run()
    )
    forget_cached_facts()
    return _out(row | {"status": "withdrawn"})
