"""The UMKM's waitlist (/antrean): its entries and offers, accept or withdraw, and joining from a
booking refused because the slot is taken. Thin controllers over `bookings.waitlist`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template

from sharedfactory.accounts.deps import Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings import waitlist
from sharedfactory.bookings.api import now
from sharedfactory.bookings.load import Missing, UnknownCode
from sharedfactory.bookings.schemas import WaitIn, WaitOut
from sharedfactory.bookings.service import BookingRefused
from sharedfactory.web import umkm_views as views
from sharedfactory.web.booking_form import load_options, parse
from sharedfactory.web.booking_pages import chosen_slot
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import Form

EntryId = Annotated[int, Parameter(ge=1, le=2_147_483_647)]
ShortText = Annotated[str | None, Parameter(required=False, max_length=64)]


def error_page(
    request: Request[Any, Any, Any], lang: str | None, login: Viewer, status: int, detail: str
) -> Template:
    """A person's form post gets a page (the app's error handler answers posts in JSON)."""
    context = page_context(request, lang, login) | {"status_code": status, "detail": detail}
    return Template("pages/error.html", context=context, status_code=status)


async def _page(
    request: Request[Any, Any, Any], login: Viewer, lang: str | None, **shown: Any
) -> dict[str, Any]:
    context = page_context(request, lang, login)
    entries = await waitlist.entries(login)
    current, past = await views.waitlist_views(entries, login, context["lang"], now())
    defaults: dict[str, Any] = {"new": None, "left": None, "refusals": []}
    return context | defaults | shown | {"current": current, "past": past}


async def _wish(login: Viewer, raw: Mapping[str, str]) -> tuple[str, WaitIn] | None:
    """The UMKM and the slot a refused booking form asks to wait for, if it is well formed."""
    options = await load_options(login, raw.get("house"))
    moment = now()
    today = moment.astimezone(ZoneInfo(options.house.timezone)).date()
    search, errors = parse(raw, login, options, today)
    slot = chosen_slot(raw.get("slot", ""), options, search)
    if errors or search is None or slot is None or not search.business or slot[1] <= moment:
        return None
    machine, starts = slot
    wish = WaitIn(
        starts_at=starts,
        minutes=search.minutes,
        machine=machine,
        product_class=search.product_class,
        product=search.product,
        quantity=float(search.quantity),
    )
    return search.business, wish


async def _entry(login: Viewer, entry: int) -> WaitOut | None:
    return next((e for e in await waitlist.entries(login) if e.id == entry), None)


class WaitlistPages(Controller):
    include_in_schema = False

    @get("/antrean", name="waitlist")
    async def index(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        lang: Language = None,
        baru: ShortText = None,
        keluar: ShortText = None,
    ) -> Template:
        context = await _page(request, login, lang, new=baru, left=keluar)
        return remember_language(Template("pages/waitlist.html", context=context), lang)

    @post("/antrean", name="waitlist_join")
    async def join(
        self, request: Request[Any, Any, Any], login: Login, data: Form, lang: Language = None
    ) -> Response[Any]:
        if login.role == "auditor":
            return error_page(request, lang, login, 403, "auditors read; they do not book")
        raw = {k: v for k, v in data.items() if isinstance(v, str)}
        wanted = await _wish(login, raw)
        if wanted is None:
            return error_page(request, lang, login, 400, "choose a taken slot in the future")
        try:
            entry = await waitlist.join(*wanted, now())
        except UnknownCode as error:
            return error_page(request, lang, login, 400, str(error))
        return Redirect(f"/antrean?baru={entry.id}", status_code=303)

    @post("/antrean/{entry:int}/terima", name="waitlist_accept")
    async def accept(
        self, request: Request[Any, Any, Any], login: Login, entry: EntryId, lang: Language = None
    ) -> Response[Any]:
        if login.role == "auditor":
            return error_page(request, lang, login, 403, "auditors read; they do not book")
        try:
            code = await waitlist.accept(entry, login, now())
        except Missing:
            return error_page(request, lang, login, 404, f"waitlist entry {entry} does not exist")
        except BookingRefused as refused:
            context = await _page(request, login, lang)
            context["refusals"] = [r.render(context["_"]) for r in refused.refusals]
            return Template("pages/waitlist.html", context=context, status_code=409)
        return Redirect(f"/pesanan-saya?baru={code}", status_code=303)

    @post("/antrean/{entry:int}/keluar", name="waitlist_withdraw")
    async def withdraw(
        self, request: Request[Any, Any, Any], login: Login, entry: EntryId, lang: Language = None
    ) -> Response[Any]:
        if login.role == "auditor":
            return error_page(request, lang, login, 403, "auditors read; they do not book")
        found = await _entry(login, entry)
        if found is None:
            return error_page(request, lang, login, 404, f"waitlist entry {entry} does not exist")
        if found.status in views.OPEN:
            await waitlist.withdraw(entry, login)
        return Redirect(f"/antrean?keluar={entry}", status_code=303)
