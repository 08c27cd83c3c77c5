"""Reading notices in one's scope: a UMKM its business's, an operator its house's, admin all.

The JSON API (`notices.api`) and the page (`web.notice_pages`) both read through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sharedfactory.accounts.service import Viewer
from sharedfactory.notices.tables import Notice

COLUMNS = (
    Notice._meta.primary_key.as_alias("id"),
    Notice.kind,
    Notice.subject,
    Notice.body,
    Notice.created_at,
    Notice.read_at,
    Notice.business.code.as_alias("business"),
    Notice.house.code.as_alias("house"),
    Notice.email_to,
    Notice.emailed_at,
    Notice.email_error,
)

CHUNK = 500


class NoticesForbidden(PermissionError):
    """The auditor reads figures, not notices."""


@dataclass(frozen=True)
class Inbox:
    count: int  # matching the filter, before limit and offset
    unread: int  # unread in the viewer's scope, whatever the filter
    rows: list[dict[str, Any]]  # newest first, COLUMNS


def may_read_notices(viewer: Viewer) -> bool:
    return viewer.role != "auditor"


def scoped(query: Any, viewer: Viewer) -> Any:
    """The query cut to the viewer's scope; NoticesForbidden for an auditor."""
    if not may_read_notices(viewer):
        raise NoticesForbidden("notices are for UMKM, operators and admins")
    if viewer.role == "umkm":
        if viewer.business is None:
            return query.where(Notice._meta.primary_key < 0)  # nothing
        return query.where(Notice.business.code == viewer.business)
    if viewer.role == "operator":
        if viewer.house is None:
            return query.where(Notice._meta.primary_key < 0)
        return query.where(Notice.house.code == viewer.house)
    return query


async def unread_count(viewer: Viewer) -> int:
    count: int = await scoped(Notice.count(), viewer).where(Notice.read_at.is_null()).run()
    return count


async def inbox(viewer: Viewer, *, unread: bool = False, limit: int = 50, offset: int = 0) -> Inbox:
    """The viewer's notices, newest first (only the unread ones when `unread`)."""
    query = scoped(Notice.select(*COLUMNS), viewer)
    count = scoped(Notice.count(), viewer)
    unread_total = await unread_count(viewer)
    if unread:
        query = query.where(Notice.read_at.is_null())
        count = count.where(Notice.read_at.is_null())
    rows = (
        await query.order_by(Notice.created_at, Notice._meta.primary_key, ascending=False)
        .limit(limit)
        .offset(offset)
        .run()
    )
    return Inbox(await count.run(), unread_total, rows)


async def mark_read(viewer: Viewer, notice: int, now: datetime) -> dict[str, Any] | None:
    """The notice after marking it read (the first reading time stays); None when it is not in
    the viewer's scope or does not exist."""
    key = Notice._meta.primary_key
    row: dict[str, Any] | None = (
        await scoped(Notice.select(*COLUMNS), viewer).where(key == notice).first().run()
    )
    if row is None or row["read_at"] is not None:
        return row
    await Notice.update({Notice.read_at: now}).where(key == notice, Notice.read_at.is_null()).run()
    fresh: dict[str, Any] | None = await Notice.select(*COLUMNS).where(key == notice).first().run()
    return fresh  # None when deleted meanwhile


async def mark_all_read(viewer: Viewer, now: datetime) -> None:
    """Every unread notice in the viewer's scope (in chunks: SQLite caps query parameters)."""
    unread = scoped(Notice.select(Notice._meta.primary_key.as_alias("id")), viewer).where(
        Notice.read_at.is_null()
    )
    ids = [row["id"] for row in await unread.run()]
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first : first + CHUNK]
        await (
            Notice.update({Notice.read_at: now})
            .where(Notice._meta.primary_key.is_in(chunk), Notice.read_at.is_null())
            .run()
        )
