"""Writing notices. E-mail goes out later, from the outbox (`notices.mailer`), never inline."""

from __future__ import annotations

from datetime import datetime

from sharedfactory.businesses.tables import Business
from sharedfactory.db.raw import name
from sharedfactory.facilities.tables import House
from sharedfactory.notices.tables import Notice

_TO_BUSINESS_SQL = (
    f"INSERT INTO {name(Notice)} (business, kind, subject, body, created_at, email_to)"
    f" SELECT id, {{}}, {{}}, {{}}, {{}}, NULLIF(email, '') FROM {name(Business)} WHERE code = {{}}"
)


async def notify_business(business: str, kind: str, subject: str, body: str, now: datetime) -> None:
    """Nothing for an unknown UMKM. (SQL written once: every booking made tells its UMKM.)"""
    await Notice.raw(_TO_BUSINESS_SQL, kind, subject, body, now, business).run()


async def notify_house(house: str, kind: str, subject: str, body: str, now: datetime) -> None:
    row = (
        await House.select(House._meta.primary_key.as_alias("pk"))
        .where(House.code == house)
        .first()
        .run()
    )
    if row is not None:
        await Notice.insert(
            Notice(house=row["pk"], kind=kind, subject=subject, body=body, created_at=now)
        ).run()
