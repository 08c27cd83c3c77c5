"""The waitlist: a UMKM waits for a taken slot; when it frees, the longest-waiting UMKM whose slot
fits is offered it first, held for the house's `offer_hold_minutes`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sharedfactory.bookings.load import machine_facts
from sharedfactory.bookings.rules import _
from sharedfactory.bookings.tables import WaitlistEntry
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.notices.service import notify_business


async def offer_freed(machine: str, starts: datetime, ends: datetime, now: datetime) -> int | None:
    """The waitlist entry now offered the freed time, if any."""
    await expire_offers(now)
    waiting = (
        await WaitlistEntry.select(
            WaitlistEntry._meta.primary_key,
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
    gettext = gettext_for("id")
    subject = gettext(_("A slot you waited for is free"))
    body = gettext(_("%(machine)s is free for you until %(until)s; accept it in the app.")) % {
        "machine": machine,
        "until": hold.isoformat(timespec="minutes"),
    }
    await notify_business(waiting["business"], "waitlist_offer", subject, body, now)
    return int(waiting["pk"])


async def expire_offers(now: datetime) -> None:
    await (
        WaitlistEntry.update({WaitlistEntry.status: "expired"})
        .where(WaitlistEntry.status == "offered", WaitlistEntry.offered_until <= now)
        .run()
    )
