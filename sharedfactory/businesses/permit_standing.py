"""PURE: where a permit stands on a given day. No database, no clock."""

from __future__ import annotations

from datetime import date, timedelta

SOON = timedelta(days=30)


def standing(expires_on: date | None, today: date) -> str:
    """`expired` (its last day is past), `expiring` (within 30 days), `valid`, or `open` (it
    has no expiry date, as a PIRT may not)."""
    if expires_on is None:
        return "open"
    if expires_on < today:
        return "expired"
    return "expiring" if expires_on - today <= SOON else "valid"
