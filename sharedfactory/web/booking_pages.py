"""The UMKM's booking pages: find a free slot, book it, see one's bookings and cancel them.

Thin controllers over the booking service; the form's checks live in `web.booking_form`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template

from sharedfactory.accounts.deps import Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings import changes
from sharedfactory.bookings.api import now
from sharedfactory.bookings.load import Missing, UnknownCode
from sharedfactory.bookings.search import Asked, NoMachines
from sharedfactory.bookings.search import find_slots as search_slots
from sharedfactory.bookings.service import BookingRefused, NewBooking, book
from sharedfactory.bookings.slots import Slot
from sharedfactory.web.booking_form import (
    Options,
    Search,
    _,
    defaults,
    form_values,
    load_options,
    parse,
)
from sharedfactory.web.booking_views import by_day, mine_context, slot_view
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import CODE, Form

ShortText = Annotated[str | None, Parameter(required=False, max_length=64)]
SLOT_LIMIT = 400
WAITABLE = ("taken", "waitlist_hold")  # refusals the waitlist answers


async def find_slots(search: Search, moment: datetime) -> list[Slot]:
    since, until = search.window(moment)
    asked = Asked(
        search.house,
        search.machine_type,
        search.business or None,
        search.product_class,
        search.minutes,
        since,
        until,
        moment,
        search.product,
    )
    try:
        return await search_slots(asked, SLOT_LIMIT)
    except NoMachines:
        return []


def _today(options: Options, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(options.house.timezone)).date()


def _flat(raw: Mapping[str, Any]) -> dict[str, str]:
    return {k: v for k, v in raw.items() if isinstance(v, str)}


class BookingPages(Controller):
    include_in_schema = False

    async def _form(
        self,
        request: Request[Any, Any, Any],
        login: Viewer,
        raw: Mapping[str, str],
        lang: str | None,
    ) -> tuple[dict[str, Any], Search | None, Options]:
        options = await load_options(login, raw.get("house"))
        moment = now()
        fallback = await defaults(login, options, _today(options, moment))
        values = form_values(raw, fallback) if raw else fallback
        search, errors = (
            parse(values, login, options, _today(options, moment))
            if raw
            else (
                None,
                {},
            )
        )
        context = page_context(request, lang, login) | {
            "options": options,
            "values": values,
            "errors": errors,
            "can_book": login.role != "auditor",
            "days": None,
            "refusals": [],
            "alternatives": [],
            "waitable": None,
        }
        return context, search, options

    @get("/pesan", name="booking_search")
    async def search(
        self, request: Request[Any, Any, Any], login: Login, lang: Language = None
    ) -> Template:
        raw = _flat(dict(request.query_params)) if "type" in request.query_params else {}
        context, search, options = await self._form(request, login, raw, lang)
        if search is not None:
            slots = await find_slots(search, now())
            context["days"] = by_day(slots, search, options.machine_names(), context["lang"])
        status = 400 if context["errors"] else 200
        response = Template("pages/booking_search.html", context=context, status_code=status)
        return remember_language(response, lang)

    @get("/pesan/pilihan", name="booking_choices")
    async def choices(
        self, request: Request[Any, Any, Any], login: Login, lang: Language = None
    ) -> Template:
        """The machine types and product classes of the chosen house (htmx swaps them in)."""
        options = await load_options(login, request.query_params.get("house"))
        values = await defaults(login, options, _today(options, now()))
        context = page_context(request, lang, login) | {
            "options": options,
            "values": values,
            "errors": {},
        }
        return Template("_partials/booking_choices.html", context=context)

    @post("/pesan", name="booking_create")
    async def create(
        self, request: Request[Any, Any, Any], login: Login, data: Form, lang: Language = None
    ) -> Response[Any]:
        if login.role == "auditor":
            return _error_page(request, lang, login, 403, "auditors read; they do not book")
        raw = _flat(data)
        context, search, options = await self._form(request, login, raw, lang)
        slot = chosen_slot(raw.get("slot", ""), options, search)
        if search is not None and not search.business:
            context["errors"]["business"] = _("choose the UMKM you book for")
        elif search is not None and slot is None:
            context["errors"]["slot"] = _("choose a free slot from the list")
        if context["errors"] or search is None or slot is None:
            return Template("pages/booking_search.html", context=context, status_code=400)
        try:
            code = await book(_new_booking(search, *slot), now(), login.user_id)
        except BookingRefused as refused:
            gettext = context["_"]
            names = options.machine_names()
            context["refusals"] = [r.render(gettext) for r in refused.refusals]
            context["alternatives"] = [slot_view(s, names) for s in refused.alternatives]
            context["waitable"] = _waitable(refused, raw.get("slot", ""))
            return Template("pages/booking_search.html", context=context, status_code=409)
        except UnknownCode:
            context["errors"]["slot"] = _("choose a free slot from the list")
            return Template("pages/booking_search.html", context=context, status_code=400)
        return Redirect(f"/pesanan-saya?baru={code}", status_code=303)

    @get("/pesanan-saya", name="my_bookings")
    async def mine(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        lang: Language = None,
        baru: ShortText = None,
        batal: ShortText = None,
    ) -> Template:
        context = await mine_context(request, login, lang)
        context |= {"new": baru, "cancelled": batal}
        return remember_language(Template("pages/booking_mine.html", context=context), lang)

    @post("/pesanan-saya/{code:str}/batal", name="cancel_booking")
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        code: Annotated[str, Parameter(max_length=64, pattern=CODE)],
        lang: Language = None,
    ) -> Response[Any]:
        try:
            await changes.cancel(code, login, now())
        except (Missing, LookupError):
            return _error_page(request, lang, login, 404, f"booking {code!r} does not exist")
        except PermissionError as error:
            return _error_page(request, lang, login, 403, str(error))
        except changes.ChangeRefused as refused:
            context = await mine_context(request, login, lang)
            context |= {"new": None, "cancelled": None, "refusal": refused.refusal}
            return Template("pages/booking_mine.html", context=context, status_code=409)
        return Redirect(f"/pesanan-saya?batal={code}", status_code=303)


def _error_page(
    request: Request[Any, Any, Any], lang: str | None, login: Viewer, status: int, detail: str
) -> Template:
    """A person's form post gets a page (the app's error handler answers posts in JSON)."""
    context = page_context(request, lang, login) | {"status_code": status, "detail": detail}
    return Template("pages/error.html", context=context, status_code=status)


def chosen_slot(value: str, options: Options, search: Search | None) -> tuple[str, datetime] | None:
    """The machine and start a "Pesan" button sent, if the machine is of the searched kind."""
    machine, _sep, moment = value.partition("|")
    kinds = {m.code: m.type_code for m in options.machines}
    if search is None or kinds.get(machine) != search.machine_type or len(moment) > 40:
        return None
    try:
        starts = datetime.fromisoformat(moment)
    except ValueError:
        return None
    if starts.tzinfo is None or not 2000 <= starts.year < 2100:
        return None
    return machine, starts


def _waitable(refused: BookingRefused, slot: str) -> str | None:
    """The slot, when only someone else's hold stands in its way: the UMKM may wait for it."""
    if refused.refusals and all(r.rule in WAITABLE for r in refused.refusals):
        return slot
    return None


def _new_booking(search: Search, machine: str, starts: datetime) -> NewBooking:
    assert search.business is not None
    return NewBooking(
        search.business,
        machine,
        starts,
        starts + timedelta(minutes=search.minutes),
        search.product_class,
        search.product,
        search.quantity,
    )
