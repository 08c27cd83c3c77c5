"""The operator's alarm list (`/rumah/{house}/alarm`): open quality excursions, faults and offline
machines with their value against the limit, the booking, since when and for how long, who
acknowledged them and the note; filters; and an acknowledge form per alarm (CSRF; htmx swaps
the row in place, and without JavaScript the form posts and comes back to the list).

Operators of the house and admins acknowledge; auditors read; UMKM never see it. Thin over
`devices.alarm_store`; the note's rule is `devices.acknowledgement`'s, as for the JSON API."""

from __future__ import annotations

import time
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter, QueryParameter
from litestar.response import Redirect, Template

from sharedfactory.accounts.deps import Login, refuse_auditor
from sharedfactory.accounts.service import Viewer
from sharedfactory.devices import alarm_store as store
from sharedfactory.devices.acknowledgement import NoteRefused, clean_note
from sharedfactory.devices.alarm_api import Cursor, house_in_scope, refuse_umkm
from sharedfactory.devices.queries import parse_cursor
from sharedfactory.devices.tables import ALARM_KINDS
from sharedfactory.facilities.queries import list_houses
from sharedfactory.web.alarm_views import KIND_WORDS, STATE_WORDS, _, card
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import CodeParam, Form

Filter = Annotated[str | None, Parameter(required=False, max_length=20)]
# `state` is a name Litestar keeps for the app's state: the handlers call it `state_`.
StateFilter = Annotated[str | None, QueryParameter(name="state", required=False, max_length=20)]
AlarmId = Annotated[int, Parameter(ge=1, le=2_147_483_647)]
Done = Annotated[int | None, Parameter(required=False, ge=1, le=2_147_483_647)]
PAGE = "pages/alarms.html"
ROW = "_partials/alarm_row.html"
PAGE_SIZE = 50
Context = dict[str, Any]


def _now_ms() -> int:
    return int(time.time() * 1000)


def _filters(state: str | None, kind: str | None, cursor: str | None) -> dict[str, str]:
    """The list's filters, as the links and forms carry them; a value we do not know is dropped."""
    chosen = {"state": state if state in store.STATES else "open"}
    if kind in ALARM_KINDS:
        chosen["kind"] = kind
    if cursor:  # its pattern (Cursor) already holds it to `<ms>.<id>`
        chosen["cursor"] = cursor
    return chosen


async def _context(
    request: Request[Any, Any, Any], login: Viewer, house: str, lang: str | None
) -> Context:
    found = await house_in_scope(login, house)
    context = page_context(request, lang, login)
    return context | {
        "house": (await list_houses(house))[0],
        "machines": found,
        "can_acknowledge": login.role in ("operator", "admin"),
        "kinds": KIND_WORDS,
        "states": STATE_WORDS,
        "errors": {},
        "notes": {},
        "acknowledged": None,
        "problem": None,
    }


def _filtered(context: Context, filters: dict[str, str]) -> Context:
    """The filters, and the query string the forms post to (so the answer shows the same list)."""
    return context | {"filters": filters, "query": urlencode(filters | {"lang": context["lang"]})}


async def _with_list(context: Context, filters: dict[str, str]) -> Context:
    query = store.AlarmQuery(filters["state"], filters.get("kind"))
    before = parse_cursor(filters.get("cursor"))
    page = await store.alarm_page(context["machines"], query, PAGE_SIZE, before)
    now = _now_ms()
    first = {k: v for k, v in filters.items() if k != "cursor"} | {"lang": context["lang"]}
    return _filtered(context, filters) | {
        "alarms": [card(a, now) for a in page.items],
        "older": urlencode(first | {"cursor": page.next_cursor}) if page.next_cursor else None,
        "first_page": urlencode(first),
    }


def _row(context: Context, alarm: store.AlarmRow, status: int) -> Template:
    return Template(ROW, context=context | {"alarm": card(alarm, _now_ms())}, status_code=status)


async def _again(context: Context, filters: dict[str, str], status: int) -> Template:
    return Template(PAGE, context=await _with_list(context, filters), status_code=status)


class AlarmPages(Controller):
    include_in_schema = False

    @get("/rumah/{house:str}/alarm", name="house_alarms")
    async def page(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: CodeParam,
        lang: Language = None,
        state_: StateFilter = None,
        kind: Filter = None,
        cursor: Cursor = None,
        ditanggapi: Done = None,
    ) -> Template:
        context = await _context(request, login, house, lang)
        context["acknowledged"] = ditanggapi
        context = await _with_list(context, _filters(state_, kind, cursor))
        return remember_language(Template(PAGE, context=context), lang)

    @post("/rumah/{house:str}/alarm/{alarm_id:int}", name="house_alarm_acknowledge")
    async def acknowledge(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: CodeParam,
        alarm_id: AlarmId,
        data: Form,
        lang: Language = None,
        state_: StateFilter = None,
        kind: Filter = None,
        cursor: Cursor = None,
    ) -> Response[Any]:
        refuse_auditor(login)
        refuse_umkm(login)
        filters = _filters(state_, kind, cursor)
        context = _filtered(await _context(request, login, house, lang), filters)
        htmx = bool(request.headers.get("hx-request"))
        alarm = await store.find_alarm(alarm_id)
        if alarm is None or alarm.house != house:
            context["problem"] = _("This alarm does not exist.")
            return await _again(context, filters, 404)
        raw = data.get("note")
        try:
            note = clean_note(raw if isinstance(raw, str) else "")
        except NoteRefused as refusal:
            context["errors"] = {alarm.id: refusal.message}
            context["notes"] = {alarm.id: raw[:500] if isinstance(raw, str) else ""}
            return _row(context, alarm, 400) if htmx else await _again(context, filters, 400)
        try:
            done = await store.acknowledge(alarm, login.user_id, login.email, note, _now_ms())
        except store.AlreadyAcknowledged as error:
            context["errors"] = {alarm.id: _("Someone acknowledged this alarm already.")}
            return _row(context, error.alarm, 409) if htmx else await _again(context, filters, 409)
        except store.AlarmMissing:
            context["problem"] = _("This alarm does not exist.")
            return await _again(context, filters, 404)
        if htmx:
            return _row(context | {"acknowledged": done.id}, done, 200)
        query = urlencode(filters | {"lang": context["lang"], "ditanggapi": done.id})
        return Redirect(f"/rumah/{house}/alarm?{query}#alarm-{done.id}", status_code=303)
