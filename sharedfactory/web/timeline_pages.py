"""`/rumah/{house}/jadwal`: a house's timeline for its operators (and admins and auditors, who
read): every machine a row, a day or a Monday-to-Sunday week of bookings, proposals, maintenance,
cleaning and actual runs as an ECharts Gantt with the same items in tables below; a booking's
details, and a form that moves it through `bookings.changes.move` (the same rules and the same
never-twice guard as the API).

Thin over `bookings.timeline`; the chart's data and the tables are `web.timeline_views`', the
form's checks `web.timeline_form`'s.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException, ValidationException
from litestar.params import Parameter
from litestar.response import Redirect, Template

from sharedfactory.accounts.deps import Login, refuse_auditor
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings import changes
from sharedfactory.bookings.load import Missing, UnknownCode
from sharedfactory.bookings.schemas import SlotOut
from sharedfactory.bookings.service import BookingRefused
from sharedfactory.bookings.timeline import BookingDetail, booking_detail, load_timeline
from sharedfactory.bookings.timeline_api import readable_house, shows_names
from sharedfactory.bookings.timeline_items import View, day_range
from sharedfactory.facilities.house_calendar import HouseRef
from sharedfactory.facilities.queries import list_machines
from sharedfactory.i18n.formats import zone_abbreviation
from sharedfactory.web.calendar_admin_form import parse_day
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import CodeParam, Form, OptionalCode
from sharedfactory.web.timeline_form import defaults, form_values, move_input, refusal_fields
from sharedfactory.web.timeline_views import (
    STATUS_LABELS,
    chart_json,
    navigation,
    span_label,
    table,
)

DayText = Annotated[
    str | None,
    Parameter(required=False, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", max_length=10),
]
ViewParam = Annotated[Literal["hari", "minggu"], Parameter(required=False)]
TEMPLATE = "pages/house_timeline.html"
DETAIL = "_partials/timeline_detail.html"
MOVABLE = ("pending", "confirmed")
Context = dict[str, Any]
FieldTexts = dict[str, list[str]]


def now() -> datetime:
    return datetime.now(UTC)


def _day(text: str | None, house: HouseRef) -> date:
    if text is None:
        return now().astimezone(ZoneInfo(house.zone)).date()
    day = parse_day(text)
    if day is None:
        raise ValidationException(detail=f"hari: {text!r} is not a day between 2000 and 2100")
    return day


async def _context(
    request: Request[Any, Any, Any],
    login: Viewer,
    house: str,
    lang: str | None,
    day: str | None,
    view: View,
) -> Context:
    found = await readable_house(login, house)
    shown = _day(day, found)
    moment = now()
    span = day_range(shown, view, found.zone)
    timeline = await load_timeline(found, *span, names=shows_names(login))
    context = page_context(request, lang, login)
    gettext, language = context["_"], context["lang"]
    today = moment.astimezone(ZoneInfo(found.zone)).date()
    return context | {
        "house": found,
        "zone": zone_abbreviation(found.zone),
        "day": shown,
        "view": view,
        "nav": navigation(shown, view, today, language),
        "machines": timeline.machines,
        "chart": chart_json(
            timeline.machines, timeline.items, span, found.zone, moment, gettext, language
        ),
        "table": table(timeline.machines, timeline.items, found.zone, gettext),
        "can_move": login.role in ("operator", "admin"),
        "detail": None,
        "moved": None,
    }


def _with_detail(
    context: Context,
    detail: BookingDetail,
    raw: dict[str, str] | None = None,
    errors: FieldTexts | None = None,
    alternatives: list[str] | None = None,
) -> Context:
    zone = context["house"].zone
    fallback = defaults(detail, zone)
    return context | {
        "detail": detail,
        "detail_time": span_label(detail.starts, detail.ends, zone),
        "detail_status": STATUS_LABELS.get(detail.status, detail.status),
        "detail_minutes": int((detail.ends - detail.starts).total_seconds() // 60),
        "movable": context["can_move"] and detail.status in MOVABLE,
        "values": form_values(raw or {}, fallback),
        "errors": errors or {},
        "alternatives": alternatives or [],
    }


async def _detail(context: Context, code: str) -> BookingDetail:
    found = await booking_detail(context["house"], code)
    if found is None:
        raise NotFoundException(detail=f"booking {code!r} is not on this house's machines")
    return found


def _translated(errors: dict[str, tuple[str, dict[str, str]]], gettext: Any) -> FieldTexts:
    return {key: [gettext(message) % params] for key, (message, params) in errors.items()}


class HouseTimelinePages(Controller):
    include_in_schema = False

    @get("/rumah/{house:str}/jadwal", name="house_timeline")
    async def page(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: CodeParam,
        lang: Language = None,
        hari: DayText = None,
        tampilan: ViewParam = "hari",
        pesanan: OptionalCode = None,
        dipindah: OptionalCode = None,
    ) -> Template:
        context = await _context(request, login, house, lang, hari, tampilan)
        if pesanan is not None:
            context = _with_detail(context, await _detail(context, pesanan))
            if dipindah == pesanan:
                context["moved"] = context["detail"]
        return remember_language(Template(TEMPLATE, context=context), lang)

    @get("/rumah/{house:str}/jadwal/pesanan/{booking:str}", name="house_timeline_booking")
    async def booking(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: CodeParam,
        booking: CodeParam,
        lang: Language = None,
        hari: DayText = None,
        tampilan: ViewParam = "hari",
    ) -> Template:
        """The booking's details and move form alone (htmx swaps them in beside the chart)."""
        found = await readable_house(login, house)
        context = page_context(request, lang, login) | {
            "house": found,
            "zone": zone_abbreviation(found.zone),
            "day": _day(hari, found),
            "view": tampilan,
            "machines": await list_machines(found.code),
            "can_move": login.role in ("operator", "admin"),
        }
        return Template(DETAIL, context=_with_detail(context, await _detail(context, booking)))

    @post("/rumah/{house:str}/jadwal/pesanan/{booking:str}/pindah", name="house_timeline_move")
    async def move(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: CodeParam,
        booking: CodeParam,
        data: Form,
        lang: Language = None,
    ) -> Response[Any]:
        refuse_auditor(login)
        if login.role not in ("operator", "admin"):
            raise PermissionDeniedException(detail="for the house's operators")
        raw = {k: v for k, v in data.items() if isinstance(v, str)}
        view: View = "minggu" if raw.get("tampilan") == "minggu" else "hari"
        found = await readable_house(login, house)
        detail = await booking_detail(found, booking)
        if detail is None:
            raise NotFoundException(detail=f"booking {booking!r} is not on this house's machines")
        day = (
            parse_day(raw.get("hari", "")) or detail.starts.astimezone(ZoneInfo(found.zone)).date()
        )
        context = await _context(request, login, house, lang, day.isoformat(), view)
        return await _move(context, detail, raw, login)


async def _move(
    context: Context, detail: BookingDetail, raw: dict[str, str], login: Viewer
) -> Response[Any]:
    house: HouseRef = context["house"]
    gettext = context["_"]
    codes = [m.code for m in context["machines"]]
    wish, errors = move_input(raw, detail, codes, house.zone)
    if wish is None:
        again = _with_detail(context, detail, raw, _translated(errors, gettext))
        return Template(TEMPLATE, context=again, status_code=400)
    try:
        await changes.move(detail.code, login, wish.starts, wish.ends, wish.machine, now())
    except Missing:
        raise NotFoundException(detail=f"booking {detail.code!r} does not exist") from None
    except PermissionError as error:
        raise PermissionDeniedException(detail=str(error)) from None
    except UnknownCode:
        texts = _translated({"machine": ("choose one from the list", {})}, gettext)
        return Template(
            TEMPLATE, context=_with_detail(context, detail, raw, texts), status_code=400
        )
    except changes.ChangeRefused as refused:
        texts = {"booking": [refused.refusal.render(gettext)]}
        return Template(
            TEMPLATE, context=_with_detail(context, detail, raw, texts), status_code=409
        )
    except BookingRefused as refused:
        fields = refusal_fields(refused.refusals)
        texts = {key: [r.render(gettext) for r in found] for key, found in fields.items()}
        nearest = [SlotOut.of(s).label for s in refused.alternatives[:3]]
        again = _with_detail(context, detail, raw, texts, nearest)
        return Template(TEMPLATE, context=again, status_code=409)
    day = wish.starts.astimezone(ZoneInfo(house.zone)).date().isoformat()
    query = f"hari={day}&tampilan={context['view']}&pesanan={detail.code}&dipindah={detail.code}"
    return Redirect(f"/rumah/{house.code}/jadwal?{query}", status_code=303)
