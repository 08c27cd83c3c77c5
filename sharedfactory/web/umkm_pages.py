"""The UMKM's own pages besides booking: notices (/pemberitahuan) and the monthly statement
(/tagihan). Thin controllers over `notices.inbox` and `bookings.statements`; what they show is
prepared in `web.umkm_views`. UMKM_PAGES lists every controller of this area for the app."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import Parameter
from litestar.response import Redirect, Template

from sharedfactory.accounts.deps import CurrentViewer, Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.money import parse_month, statement
from sharedfactory.bookings.statements import billable_businesses, statement_rows
from sharedfactory.i18n.formats import month_name
from sharedfactory.notices.inbox import inbox, mark_all_read, mark_read, may_read_notices
from sharedfactory.notices.inbox import unread_count as count_unread
from sharedfactory.web import umkm_views as views
from sharedfactory.web.booking_form import _
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.register_pages import RegisterPages
from sharedfactory.web.waitlist_pages import WaitlistPages, error_page

PER_PAGE = 30
NOT_FOR_AUDITORS = "notices are for UMKM, operators and admins"
PageNumber = Annotated[int, Parameter(ge=1, le=100_000, required=False)]
NoticeId = Annotated[int, Parameter(ge=1, le=2_147_483_647)]
ShortText = Annotated[str | None, Parameter(required=False, max_length=64)]


def _readers_only(login: Viewer) -> None:
    if not may_read_notices(login):
        raise PermissionDeniedException(detail=NOT_FOR_AUDITORS)


class NoticePages(Controller):
    include_in_schema = False

    @get("/pemberitahuan", name="notices")
    async def index(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        lang: Language = None,
        halaman: PageNumber = 1,
    ) -> Template:
        _readers_only(login)
        found = await inbox(login, limit=PER_PAGE, offset=(halaman - 1) * PER_PAGE)
        context = page_context(request, lang, login)
        zone = await views.home_zone(login)
        context |= {
            "notices": [views.notice_view(row, zone, context["lang"]) for row in found.rows],
            "unread": found.unread,
            "page": halaman,
            "more": halaman * PER_PAGE < found.count,
        }
        return remember_language(Template("pages/notices.html", context=context), lang)

    @get("/pemberitahuan/jumlah", name="notices_unread")
    async def unread(self, viewer: CurrentViewer) -> Response[str]:
        """The unread count for the header's badge (0 for whoever has no notices)."""
        count = await count_unread(viewer) if viewer and may_read_notices(viewer) else 0
        return Response(str(count), media_type="text/plain", headers={"Cache-Control": "no-store"})

    @post("/pemberitahuan/{notice:int}/baca", name="notice_read")
    async def read(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        notice: NoticeId,
        lang: Language = None,
        halaman: PageNumber = 1,
    ) -> Response[Any]:
        if not may_read_notices(login):
            return error_page(request, lang, login, 403, NOT_FOR_AUDITORS)
        if await mark_read(login, notice, datetime.now(UTC)) is None:
            return error_page(request, lang, login, 404, f"notice {notice} does not exist")
        return Redirect(f"/pemberitahuan?halaman={halaman}#notice-{notice}", status_code=303)

    @post("/pemberitahuan/baca-semua", name="notices_read_all")
    async def read_all(
        self, request: Request[Any, Any, Any], login: Login, lang: Language = None
    ) -> Response[Any]:
        if not may_read_notices(login):
            return error_page(request, lang, login, 403, NOT_FOR_AUDITORS)
        await mark_all_read(login, datetime.now(UTC))
        return Redirect("/pemberitahuan", status_code=303)


async def _statement_context(login: Viewer, code: str, month: str, language: str) -> dict[str, Any]:
    rows = await statement_rows(login, code, month)
    found = statement(rows, month)
    lines, subtotals = await views.statement_lines(found, rows, language)
    return {"lines": lines, "subtotals": subtotals, "total": found.total_text}


def _month(asked: str | None, zone: str, errors: dict[str, str]) -> str:
    current = datetime.now(ZoneInfo(zone)).strftime("%Y-%m")
    if asked is None or not asked.strip():
        return current
    try:
        parse_month(asked.strip())
    except ValueError:
        errors["month"] = _("give a month such as 2026-12")
        return current
    return asked.strip()


class StatementPages(Controller):
    include_in_schema = False

    @get("/tagihan", name="statement")
    async def monthly(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        lang: Language = None,
        bulan: ShortText = None,
        usaha: ShortText = None,
    ) -> Template:
        errors: dict[str, str] = {}
        month = _month(bulan, await views.home_zone(login), errors)
        choices = [] if login.role == "umkm" else await billable_businesses(login)
        code = usaha or (login.business if login.role == "umkm" else None)
        if login.role != "umkm" and code and code not in {c for c, _name in choices}:
            errors["business"], code = _("choose one from the list"), None
        context = page_context(request, lang, login)
        context |= {
            "month": month,
            "month_name": month_name(month, context["lang"]),
            "previous": views.shifted_month(month, -1),
            "next": views.shifted_month(month, 1),
            "choices": choices,
            "business": code,
            "errors": errors,
            "lines": None,
        }
        if code is not None:
            context |= await _statement_context(login, code, month, context["lang"])
        status = 400 if errors else 200
        template = Template("pages/statement.html", context=context, status_code=status)
        return remember_language(template, lang)


UMKM_PAGES = (RegisterPages, NoticePages, StatementPages, WaitlistPages)
