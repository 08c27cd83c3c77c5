"""A house's weekly calendar as a page for its staff (`/rumah/{house}/kalender/mingguan`): the
opening hours, the operators with their weekly shifts and certified machines, a new operator, and
the live bookings the calendar now refuses, each with the nearest free slots and a one-click move
(`bookings.changes.move`: every rule again, and the UMKM is told).

The house's operators and admins change it; auditors read it (no form is shown, every write is
403); nobody else opens it. Thin over `facilities.weekly_store` and `calendar_conflicts`; the
forms' checks live in `web.weekly_form`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import Parameter
from litestar.response import Redirect, Template

from sharedfactory.accounts.deps import Login, refuse_auditor
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings import changes
from sharedfactory.bookings.load import Missing as NoBooking
from sharedfactory.bookings.rules import Refusal
from sharedfactory.facilities import house_calendar as cal
from sharedfactory.facilities import weekly_store as store
from sharedfactory.facilities.calendar_conflicts import refused_bookings, with_offers
from sharedfactory.facilities.queries import list_machines
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import CodeParam, Form, OptionalCode
from sharedfactory.web.planning_form import Errors
from sharedfactory.web.weekly_form import (
    _,
    certifications_input,
    move_input,
    operator_input,
    week_input,
)
from sharedfactory.web.weekly_views import moved_banner, sections

Saved = Annotated[
    Literal["jam", "shift", "sertifikasi", "operator"] | None, Parameter(required=False)
]
TEMPLATE = "pages/weekly_calendar.html"
SAVED = {
    "jam": _("The opening hours are saved."),
    "shift": _("The shifts of %(operator)s are saved."),
    "sertifikasi": _("The machines of %(operator)s are saved."),
    "operator": _("%(operator)s is added: give them shifts and machines below."),
}
Context = dict[str, Any]


async def _context(
    request: Request[Any, Any, Any], login: Viewer, house: str, lang: str | None
) -> Context:
    if login.role not in ("operator", "admin", "auditor"):
        raise PermissionDeniedException(detail="for the house's staff")
    try:
        found = await cal.find_house(house)
    except cal.Missing:
        raise NotFoundException(detail=f"house {house!r} does not exist") from None
    if login.role == "operator" and login.house != house:
        raise PermissionDeniedException(detail=f"house {house!r} is outside your scope")
    context = page_context(request, lang, login)
    context |= await sections(found, await list_machines(house), context["lang"])
    return context | {
        "house": found,
        "may_write": cal.may_change(login, house),
        "errors": {},
        "move_errors": {},
        "open_operator": None,
        "saved": None,
        "problem": None,
    }


async def _page(context: Context, status: int = 200) -> Template:
    """The page, with the live bookings the calendar refuses now and their offers."""
    if "refused" not in context:
        moment = cal.now()
        refused = await refused_bookings(context["house"], moment)
        context["refused"] = await with_offers(refused, moment)
    return Template(TEMPLATE, context=context, status_code=status)


async def _again(
    context: Context, form: tuple[str, ...], raw: dict[str, str], errors: Errors, status: int = 400
) -> Template:
    """The page again with the person's text in the refused form and each message beside its
    field; `form` is where its values live in `context["values"]` and its errors' prefix."""
    values = context["values"]
    for part in form[:-1]:
        values = values[part]
    values[form[-1]] = values[form[-1]] | {k: raw[k][:200] for k in values[form[-1]] if k in raw}
    prefix = "-".join(form) + "-"
    context["errors"] = {prefix + key: message for key, message in errors.items()}
    return await _page(context, status)


def _actor(context: Context) -> int:
    """The logged-in user making the change (for the audit log)."""
    return int(context["viewer"].user_id)


def _back(context: Context, query: str) -> Redirect:
    return Redirect(f"/rumah/{context['house'].code}/kalender/mingguan?{query}", status_code=303)


async def _problem(context: Context, message: str, status: int) -> Template:
    context["problem"] = message
    return await _page(context, status)


async def _save_hours(context: Context, raw: dict[str, str]) -> Response[Any]:
    spans, errors = week_input(raw)
    if spans is None:
        return await _again(context, ("hours",), raw, errors)
    await store.replace_opening_hours(context["house"], spans, _actor(context))
    return _back(context, "disimpan=jam#refused")


def _operator(context: Context, raw: dict[str, str]) -> store.OperatorView | None:
    code = raw.get("operator", "")
    return next((op for op in context["operators"] if op.code == code), None)


async def _save_shifts(context: Context, raw: dict[str, str]) -> Response[Any]:
    operator = _operator(context, raw)
    if operator is None:
        return await _problem(context, _("That operator is not one of this house's."), 404)
    spans, errors = week_input(raw)
    if spans is None:
        context["open_operator"] = operator.code
        return await _again(context, ("shifts", operator.code), raw, errors)
    await store.replace_shifts(operator, spans, _actor(context))
    return _back(context, f"disimpan=shift&operator={operator.code}#refused")


async def _save_certifications(context: Context, raw: dict[str, str]) -> Response[Any]:
    operator = _operator(context, raw)
    if operator is None:
        return await _problem(context, _("That operator is not one of this house's."), 404)
    codes = [m.code for m in context["machines"]]
    wanted, errors = certifications_input(raw, codes, context["today"])
    if wanted is None:
        context["open_operator"] = operator.code
        return await _again(context, ("certs", operator.code), raw, errors)
    await store.replace_certifications(operator, wanted, _actor(context))
    return _back(context, f"disimpan=sertifikasi&operator={operator.code}#refused")


async def _add_operator(context: Context, raw: dict[str, str]) -> Response[Any]:
    wish, errors = operator_input(raw)
    if wish is None:
        return await _again(context, ("operator",), raw, errors)
    try:
        await store.add_operator(
            context["house"], wish.code, wish.name, wish.phone, _actor(context)
        )
    except cal.CalendarRefused as refused:
        errors = {refused.key: (refused.message, refused.params)}
        return await _again(context, ("operator",), raw, errors, refused.status)
    return _back(context, f"disimpan=operator&operator={wish.code}")


async def _move(context: Context, raw: dict[str, str]) -> Response[Any]:
    house: cal.HouseRef = context["house"]
    wish = move_input(raw, [m.code for m in context["machines"]])
    if wish is None:
        return await _problem(context, _("Choose one of the offered times."), 400)
    viewer: Viewer = context["viewer"]
    try:
        held = await changes.held(wish.booking, viewer)
        if held.house != house.code:
            raise NoBooking(wish.booking)
        ends = wish.starts + (held.ends - held.starts)
        await changes.move(wish.booking, viewer, wish.starts, ends, wish.machine, cal.now())
    except NoBooking:
        return await _problem(
            context, _("That booking is gone: moved or cancelled meanwhile."), 404
        )
    except changes.ChangeRefused as refused:
        return await _refused_move(context, wish.booking, [refused.refusal])
    except changes.BookingRefused as refused:
        return await _refused_move(context, wish.booking, refused.refusals)
    return _back(context, f"dipindah={wish.booking}")


async def _refused_move(context: Context, booking: str, refusals: list[Refusal]) -> Template:
    """The refusal beside the booking in the list (or on top when it is not listed)."""
    texts = [r.render(context["_"]) for r in refusals]
    page = await _page(context, 409)
    if any(item.conflict.booking == booking for item in context["refused"]):
        context["move_errors"] = {booking: texts}
    else:
        context["problem"] = f"{booking}: {'; '.join(texts)}"
    return page


ACTIONS: dict[str, Callable[[Context, dict[str, str]], Awaitable[Response[Any]]]] = {
    "save_hours": _save_hours,
    "save_shifts": _save_shifts,
    "save_certifications": _save_certifications,
    "add_operator": _add_operator,
    "move": _move,
}


class WeeklyCalendarPages(Controller):
    include_in_schema = False

    @get("/rumah/{house:str}/kalender/mingguan", name="weekly_calendar")
    async def page(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: CodeParam,
        lang: Language = None,
        disimpan: Saved = None,
        operator: OptionalCode = None,
        dipindah: OptionalCode = None,
    ) -> Template:
        context = await _context(request, login, house, lang)
        names = {op.code: op.name for op in context["operators"]}
        if disimpan is not None:
            name = names.get(operator or "", operator or "")
            context["saved"] = (SAVED[disimpan], {"operator": name})
            context["open_operator"] = operator if operator in names else None
        if dipindah is not None:
            context["saved"] = await moved_banner(context["house"], dipindah)
        return remember_language(await _page(context), lang)

    @post("/rumah/{house:str}/kalender/mingguan", name="weekly_calendar_change")
    async def change(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: CodeParam,
        data: Form,
        lang: Language = None,
    ) -> Response[Any]:
        refuse_auditor(login)
        if not cal.may_change(login, house):
            raise PermissionDeniedException(detail=f"house {house!r} is outside your scope")
        raw = {k: v for k, v in data.items() if isinstance(v, str)}
        context = await _context(request, login, house, lang)
        action = ACTIONS.get(raw.get("action", ""))
        if action is None:
            return await _problem(context, _("choose one from the list"), 400)
        return await action(context, raw)
