"""House calendar administration as a page for the house's staff (`/rumah/{house}/kalender`): the
holidays of a year and the machines' maintenance windows, with forms to add and remove them, and,
after an addition, the live bookings it falls on (for the house to move with their UMKM).

Thin over `facilities.house_calendar`; the forms' checks live in `web.calendar_admin_form`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import Parameter
from litestar.response import Redirect, Template

from sharedfactory.accounts.deps import Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.facilities import house_calendar as cal
from sharedfactory.facilities.calendar_conflicts import with_offers
from sharedfactory.facilities.maintenance_series import MAX_WEEKS, add_windows
from sharedfactory.facilities.queries import list_machines
from sharedfactory.i18n.formats import long_date
from sharedfactory.web.calendar_admin_form import (
    MAX_ID,
    _,
    defaults,
    form_values,
    holiday_input,
    parse_day,
    parse_id,
    window_input,
)
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import CodeParam, Form

Year = Annotated[int | None, Parameter(required=False, ge=cal.FIRST_YEAR, le=cal.LAST_YEAR)]
AddedDay = Annotated[date | None, Parameter(required=False)]
AddedWindow = Annotated[int | None, Parameter(required=False, ge=1, le=MAX_ID)]
Removed = Annotated[Literal["libur", "perawatan"] | None, Parameter(required=False)]
Weeks = Annotated[int | None, Parameter(required=False, ge=1, le=MAX_WEEKS)]
TEMPLATE = "pages/house_calendar.html"
Context = dict[str, Any]


async def _context(
    request: Request[Any, Any, Any], login: Viewer, house: str, lang: str | None, year: int | None
) -> Context:
    if login.role not in ("operator", "admin"):
        raise PermissionDeniedException(detail="for the house's operators")
    try:
        found = await cal.find_house(house)
    except cal.Missing:
        raise NotFoundException(detail=f"house {house!r} does not exist") from None
    if not cal.may_change(login, house):
        raise PermissionDeniedException(detail=f"house {house!r} is outside your scope")
    year = year or cal.this_year(found)
    machines = await list_machines(house)
    today = cal.now().astimezone(ZoneInfo(found.zone)).date()
    context = page_context(request, lang, login)
    days = await cal.holidays(found, year)
    return context | {
        "house": found,
        "year": year,
        "holidays": [(h.day.isoformat(), long_date(h.day, context["lang"]), h.name) for h in days],
        "windows": await cal.windows(found),
        "machines": machines,
        "values": defaults([m.code for m in machines], today),
        "errors": {},
        "changed": None,
        "conflicts": None,
        "problem": None,
    }


def _again(context: Context, raw: dict[str, str], errors: Any, status: int) -> Template:
    context |= {"values": form_values(raw, context["values"]), "errors": errors}
    return Template(TEMPLATE, context=context, status_code=status)


def _gone(context: Context) -> Template:
    context["problem"] = _("It was already removed.")
    return Template(TEMPLATE, context=context, status_code=404)


def _actor(context: Context) -> int:
    """The logged-in user making the change (for the audit log)."""
    return int(context["viewer"].user_id)


def _back(house: cal.HouseRef, query: str) -> Redirect:
    return Redirect(f"/rumah/{house.code}/kalender?{query}", status_code=303)


async def _add_holiday(context: Context, raw: dict[str, str]) -> Response[Any]:
    wish, errors = holiday_input(raw)
    if wish is None:
        return _again(context, raw, errors, 400)
    try:
        await cal.add_holiday(context["house"], *wish, actor=_actor(context))
    except cal.CalendarRefused as refused:
        return _again(
            context, raw, {refused.key: (refused.message, refused.params)}, refused.status
        )
    return _back(context["house"], f"tahun={wish[0].year}&libur={wish[0].isoformat()}")


async def _remove_holiday(context: Context, raw: dict[str, str]) -> Response[Any]:
    day = parse_day(raw.get("day", ""))
    if day is None:
        return _gone(context)
    try:
        await cal.remove_holiday(context["house"], day, _actor(context))
    except cal.Missing:
        return _gone(context)
    return _back(context["house"], f"tahun={day.year}&dihapus=libur")


async def _add_window(context: Context, raw: dict[str, str]) -> Response[Any]:
    house: cal.HouseRef = context["house"]
    codes = [m.code for m in context["machines"]]
    wish, errors = window_input(raw, codes, house.zone)
    if wish is None:
        return _again(context, raw, errors, 400)
    try:
        machine = await cal.find_machine(wish.machine, house.code)
        added, _conflicts = await add_windows(
            machine, wish.starts, wish.ends, wish.reason, wish.weeks, _actor(context)
        )
    except cal.Missing:  # removed meanwhile
        return _again(context, raw, {"machine": (_("choose one from the list"), {})}, 400)
    except cal.CalendarRefused as refused:
        return _again(
            context, raw, {refused.key: (refused.message, refused.params)}, refused.status
        )
    series = f"&minggu={wish.weeks}" if wish.weeks > 1 else ""
    return _back(house, f"perawatan={added[0].id}{series}")


async def _remove_window(context: Context, raw: dict[str, str]) -> Response[Any]:
    window_id = parse_id(raw.get("window", ""))
    try:
        window = await cal.find_window(window_id or 0)
    except cal.Missing:
        return _gone(context)
    if window.house != context["house"].code:
        return _gone(context)
    await cal.remove_window(window, _actor(context))
    return _back(context["house"], "dihapus=perawatan")


ACTIONS: dict[str, Callable[[Context, dict[str, str]], Awaitable[Response[Any]]]] = {
    "add_holiday": _add_holiday,
    "remove_holiday": _remove_holiday,
    "add_window": _add_window,
    "remove_window": _remove_window,
}


async def _show_change(
    context: Context, day: date | None, window_id: int | None, removed: str | None, weeks: int
) -> None:
    """After a change (redirected here): what changed, and the bookings it falls on, each with
    the nearest free slots to move it to."""
    house: cal.HouseRef = context["house"]
    if day is not None and day.isoformat() in (h[0] for h in context["holidays"]):
        text = long_date(day, context["lang"])
        context["changed"] = (_("%(day)s is now a holiday: the house is closed."), {"day": text})
        context["conflicts"] = await with_offers(await cal.holiday_conflicts(house, day), cal.now())
    elif window_id is not None:
        try:
            window = await cal.find_window(window_id)
        except cal.Missing:
            return
        if window.house == house.code:
            await _show_windows(context, window, weeks)
    elif removed == "libur":
        context["changed"] = (_("The holiday was removed; the house is open that day."), {})
    elif removed == "perawatan":
        context["changed"] = (_("The maintenance window was removed."), {})


async def _show_windows(context: Context, first: cal.WindowView, weeks: int) -> None:
    """A window, or the series it starts (the same window every week, `weeks` in all)."""
    starts = [first.starts_at + timedelta(weeks=n) for n in range(weeks)]
    series = [
        w
        for w in context["windows"]
        if w.machine == first.machine and w.reason == first.reason and w.starts_at in starts
    ] or [first]
    params = {"machine": first.machine_name, "when": first.label, "n": str(len(series))}
    context["changed"] = (
        _("%(machine)s is down for maintenance %(when)s, every week for %(n)s weeks.")
        if len(series) > 1
        else _("%(machine)s is down for maintenance %(when)s."),
        params,
    )
    conflicts = [c for window in series for c in await cal.window_conflicts(window)]
    context["conflicts"] = await with_offers(conflicts, cal.now())


class HouseCalendarPages(Controller):
    include_in_schema = False

    @get("/rumah/{house:str}/kalender", name="house_calendar")
    async def page(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: CodeParam,
        lang: Language = None,
        tahun: Year = None,
        libur: AddedDay = None,
        perawatan: AddedWindow = None,
        dihapus: Removed = None,
        minggu: Weeks = None,
    ) -> Template:
        context = await _context(request, login, house, lang, tahun)
        await _show_change(context, libur, perawatan, dihapus, minggu or 1)
        return remember_language(Template(TEMPLATE, context=context), lang)

    @post("/rumah/{house:str}/kalender", name="house_calendar_change")
    async def change(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: CodeParam,
        data: Form,
        lang: Language = None,
    ) -> Response[Any]:
        raw = {k: v for k, v in data.items() if isinstance(v, str)}
        context = await _context(request, login, house, lang, None)
        action = ACTIONS.get(raw.get("action", ""))
        if action is None:
            context["problem"] = _("choose one from the list")
            return Template(TEMPLATE, context=context, status_code=400)
        return await action(context, raw)
