"""Writing notices. E-mail goes out later, from the outbox (`notices.mailer`), never inline."""

from __future__ import annotations

from datetime import datetime

from sharedfactory.businesses.tables import Business
from sharedfactory.facilities.tables import House
from sharedfactory.notices.tables import Notice


async def notify_business(business: str, kind: str, subject: str, body: str, now: datetime) -> None:
    row = (
        await Business.select(Business._meta.primary_key.as_alias("pk"), Business.email)
        .where(Business.code == business)
        .first()
        .run()
    )
    if row is None:
        return
    await Notice.insert(
        Notice(
            business=row["pk"],
            kind=kind,
            subject=subject,
            body=body,
            created_at=now,
            email_to=row["email"] or None,
        )
    ).run()


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
