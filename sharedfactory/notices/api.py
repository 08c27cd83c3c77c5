"""Notices JSON API: a UMKM reads its business's notices, an operator its house's, admin all."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import Parameter

from sharedfactory.accounts.deps import Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.notices.tables import Notice
from sharedfactory.web.errors import not_found, refused

MAX_INT4 = 2_147_483_647
NoticeId = Annotated[int, Parameter(ge=1, le=MAX_INT4, description="notice id")]

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


class NoticeOut(msgspec.Struct):
    id: int
    kind: str
    subject: str
    body: str
    created_at: str
    read_at: str | None
    business: str | None
    house: str | None
    emailed: bool  # sent to the business's e-mail address
    email_failed: bool  # could not be sent (the notice is still here)


class NoticePage(msgspec.Struct):
    count: int  # matching the filter, before limit and offset
    unread: int  # unread in your scope, whatever the filter
    items: list[NoticeOut]


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def notice_out(row: dict[str, Any]) -> NoticeOut:
    return NoticeOut(
        id=int(row["id"]),
        kind=row["kind"],
        subject=row["subject"],
        body=row["body"],
        created_at=row["created_at"].astimezone(UTC).isoformat(),
        read_at=_iso(row["read_at"]),
        business=row["business"],
        house=row["house"],
        emailed=row["emailed_at"] is not None and row["email_error"] is None,
        email_failed=row["email_error"] is not None,
    )


def scoped(query: Any, viewer: Viewer) -> Any:
    """The auditor reads figures, not notices; the others see their own scope only."""
    if viewer.role == "auditor":
        raise PermissionDeniedException(detail="notices are for UMKM, operators and admins")
    if viewer.role == "umkm":
        if viewer.business is None:
            return query.where(Notice._meta.primary_key < 0)  # nothing
        return query.where(Notice.business.code == viewer.business)
    if viewer.role == "operator":
        if viewer.house is None:
            return query.where(Notice._meta.primary_key < 0)
        return query.where(Notice.house.code == viewer.house)
    return query


class NoticeApi(Controller):
    path = "/api/v1/notices"
    tags = ("notices",)

    @get(
        "/",
        summary="Your notices, newest first (a UMKM's own, an operator's house's, or all)",
        responses=refused(401, 403),
    )
    async def index(
        self,
        login: Login,
        unread: Annotated[bool, Parameter(description="only the unread ones")] = False,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        offset: Annotated[int, Parameter(ge=0, le=1_000_000)] = 0,
    ) -> NoticePage:
        key = Notice._meta.primary_key
        query = scoped(Notice.select(*COLUMNS), login)
        count = scoped(Notice.count(), login)
        unread_count = await scoped(Notice.count(), login).where(Notice.read_at.is_null()).run()
        if unread:
            query, count = (
                query.where(Notice.read_at.is_null()),
                count.where(Notice.read_at.is_null()),
            )
        rows = (
            await query.order_by(Notice.created_at, key, ascending=False)
            .limit(limit)
            .offset(offset)
            .run()
        )
        return NoticePage(await count.run(), unread_count, [notice_out(row) for row in rows])

    @post(
        "/{notice:int}/read",
        summary="Mark a notice read (again is harmless: the first reading time stays)",
        status_code=200,
        responses=not_found("notice") | refused(401, 403),
    )
    async def read(self, login: Login, notice: NoticeId) -> NoticeOut:
        key = Notice._meta.primary_key
        row = await scoped(Notice.select(*COLUMNS), login).where(key == notice).first().run()
        if row is None:
            raise NotFoundException(detail=f"notice {notice} does not exist")
        if row["read_at"] is None:
            now = datetime.now(UTC)
            await (
                Notice.update({Notice.read_at: now})
                .where(key == notice, Notice.read_at.is_null())
                .run()
            )
            row = await Notice.select(*COLUMNS).where(key == notice).first().run()
            if row is None:  # deleted meanwhile
                raise NotFoundException(detail=f"notice {notice} does not exist")
        return notice_out(row)
