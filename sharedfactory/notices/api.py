"""Notices JSON API: a UMKM reads its business's notices, an operator its house's, admin all."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Controller, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import Parameter

from sharedfactory.accounts.deps import Login
from sharedfactory.notices.inbox import NoticesForbidden, inbox, mark_read
from sharedfactory.web.errors import not_found, refused

MAX_INT4 = 2_147_483_647
T = TypeVar("T")
NoticeId = Annotated[int, Parameter(ge=1, le=MAX_INT4, description="notice id")]


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
        found = await _allowed(inbox(login, unread=unread, limit=limit, offset=offset))
        return NoticePage(found.count, found.unread, [notice_out(row) for row in found.rows])

    @post(
        "/{notice:int}/read",
        summary="Mark a notice read (again is harmless: the first reading time stays)",
        status_code=200,
        responses=not_found("notice") | refused(401, 403),
    )
    async def read(self, login: Login, notice: NoticeId) -> NoticeOut:
        row = await _allowed(mark_read(login, notice, datetime.now(UTC)))
        if row is None:
            raise NotFoundException(detail=f"notice {notice} does not exist")
        return notice_out(row)


async def _allowed(reading: Awaitable[T]) -> T:
    """An auditor's reading answers 403."""
    try:
        return await reading
    except NoticesForbidden as error:
        raise PermissionDeniedException(detail=str(error)) from None
