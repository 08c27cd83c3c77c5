"""Removing what a test registered, so the demo's own data stays as seeded for other tests."""

from __future__ import annotations

from sharedfactory.accounts.tables import User
from sharedfactory.bookings.tables import Booking
from sharedfactory.businesses.tables import Business


async def forget_businesses(*conditions) -> None:
    """Delete the businesses matching every condition, with their bookings and logins (their
    permits, trainings and sessions go with them: ON DELETE CASCADE)."""
    rows = await Business.select(Business._meta.primary_key).where(*conditions)
    pks = [row["id"] for row in rows]
    if not pks:
        return
    await Booking.delete().where(Booking.business.is_in(pks)).run()
    await User.delete().where(User.business.is_in(pks)).run()
    await Business.delete().where(Business._meta.primary_key.is_in(pks)).run()
