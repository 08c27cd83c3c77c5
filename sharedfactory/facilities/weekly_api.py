"""A house's weekly calendar over JSON: opening hours (anyone logged in reads them), operators,
their weekly shifts and certified machines (the house's staff and auditors read them), each
replaced whole by the house's operators and admins; and the live bookings the calendar now
refuses, with the nearest slots to move each to (the move itself is
`POST /api/v1/bookings/{booking}/move`).

Auditors, UMKM and other houses' operators are refused (a guard, `facilities.scope`) before the
body is read. A write answers with `conflicts`: every live booking the calendar refuses after it.
Every refusal names its field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post, put
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

from sharedfactory.accounts.deps import Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.api import language
from sharedfactory.bookings.rules_api import HouseCode, field_refusal
from sharedfactory.businesses.registration import normalise_phone
from sharedfactory.facilities import house_calendar as cal
from sharedfactory.facilities import weekly_store as store
from sharedfactory.facilities.calendar_conflicts import refused_bookings, with_offers
from sharedfactory.facilities.scope import HOUSE_WRITERS
from sharedfactory.facilities.weekly_calendar import (
    WeeklySpan,
    check_certifications,
    check_week,
    clock_of,
)
from sharedfactory.facilities.weekly_schemas import (
    CertificationOut,
    CertificationsIn,
    CertificationsOut,
    CertificationsSaved,
    OpeningHoursIn,
    OpeningHoursOut,
    OpeningHoursSaved,
    OperatorIn,
    OperatorOut,
    RefusedOut,
    ShiftsIn,
    ShiftsOut,
    ShiftsSaved,
    opening_out,
    refused_out,
    shifts_out,
)
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.web.errors import ErrorBody, not_found, refused
from sharedfactory.web.params import CODE, Strict

OperatorCode = Annotated[str, Parameter(max_length=64, pattern=CODE, description="operator id")]
TAKEN = {409: ResponseSpec(data_container=ErrorBody, description="the id is taken")}
WRITES = not_found("house or operator") | refused(401, 403)


def _may_write(writer: Viewer, house: str) -> None:
    if not cal.may_change(writer, house):
        raise PermissionDeniedException(detail=f"house {house!r} is outside your scope")


def _may_read(login: Viewer, house: str) -> None:
    """The house's staff (and admins, auditors): operators' names and phones stay in-house."""
    if login.role == "umkm" or (login.role == "operator" and login.house != house):
        raise PermissionDeniedException(detail=f"house {house!r}: for its staff and auditors")


async def _house(code: str) -> cal.HouseRef:
    try:
        return await cal.find_house(code)
    except cal.Missing as missing:
        raise NotFoundException(detail=str(missing)) from None


async def _operator(code: str) -> store.OperatorView:
    try:
        return await store.find_operator(code)
    except cal.Missing as missing:
        raise NotFoundException(detail=str(missing)) from None


def _week(spans: Sequence[Any], starts: str, ends: str) -> list[WeeklySpan]:
    """The week a body asks for (`starts`/`ends`: its field names), or a 400 naming the span."""
    week = []
    for index, span in enumerate(spans):
        opens, closes = clock_of(getattr(span, starts)), clock_of(getattr(span, ends), end=True)
        if opens is None:
            raise field_refusal(400, f"spans[{index}].{starts}", "a span starts by 23:45")
        if closes is None:  # the schema's pattern lets none through
            raise field_refusal(400, f"spans[{index}].{ends}", "`HH:MM` on the quarter hour")
        week.append(WeeklySpan(span.weekday, opens, closes))
    problem = check_week(week)
    if problem is not None:
        key = {"starts": starts, "ends": ends}.get(problem.key, problem.key)
        message = problem.message % problem.params
        raise field_refusal(400, f"spans[{problem.index}].{key}", message)
    return week


async def _conflicts(request: Request[Any, Any, Any], house: cal.HouseRef) -> list[RefusedOut]:
    moment = cal.now()
    found = await with_offers(await refused_bookings(house, moment), moment)
    return refused_out(found, gettext_for(language(request)))


class WeeklyApi(Controller):
    path = "/api/v1"
    tags = ("house calendar",)

    @get(
        "/houses/{house:str}/opening-hours",
        summary="A house's weekly opening hours (`24:00`: until midnight)",
        responses=not_found("house") | refused(401),
    )
    async def opening_hours(self, login: Login, house: HouseCode) -> OpeningHoursOut:  # noqa: ARG002
        found = await _house(house)
        return OpeningHoursOut(house, opening_out(await store.opening_hours(found)))

    @put(
        "/houses/{house:str}/opening-hours",
        summary="Replace a house's whole week of opening hours; lists the bookings now refused",
        guards=HOUSE_WRITERS,
        responses=WRITES,
    )
    async def set_opening_hours(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: HouseCode,
        data: Strict[OpeningHoursIn],
    ) -> OpeningHoursSaved:
        found = await _house(house)
        _may_write(login, house)
        week = _week(data.spans, "opens", "closes")
        await store.replace_opening_hours(found, week, login.user_id)
        spans = opening_out(await store.opening_hours(found))
        return OpeningHoursSaved(house, spans, conflicts=await _conflicts(request, found))

    @get(
        "/houses/{house:str}/operators",
        summary="A house's operators with their shifts and certified machines",
        responses=not_found("house") | refused(401, 403),
    )
    async def operators(self, login: Login, house: HouseCode) -> list[OperatorOut]:
        found = await _house(house)
        _may_read(login, house)
        return [OperatorOut.of(op) for op in await store.operators(found)]

    @post(
        "/houses/{house:str}/operators",
        summary="Add an operator to a house (no shift, no machine yet)",
        status_code=201,
        guards=HOUSE_WRITERS,
        responses=WRITES | TAKEN,
    )
    async def add_operator(
        self, login: Login, house: HouseCode, data: Strict[OperatorIn]
    ) -> OperatorOut:
        found = await _house(house)
        _may_write(login, house)
        name = data.name.strip()
        try:
            added = await store.add_operator(
                found, data.id, name, normalise_phone(data.phone), login.user_id
            )
        except cal.CalendarRefused as refusal:
            raise field_refusal(refusal.status, "id", refusal.message) from None
        return OperatorOut.of(added)

    @get(
        "/operators/{operator:str}/shifts",
        summary="An operator's weekly shifts",
        responses=not_found("operator") | refused(401, 403),
    )
    async def shifts(self, login: Login, operator: OperatorCode) -> ShiftsOut:
        found = await _operator(operator)
        _may_read(login, found.house)
        return ShiftsOut(operator, shifts_out(found.shifts))

    @put(
        "/operators/{operator:str}/shifts",
        summary="Replace an operator's whole week of shifts; lists the bookings now refused",
        guards=HOUSE_WRITERS,
        responses=WRITES,
    )
    async def set_shifts(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        operator: OperatorCode,
        data: Strict[ShiftsIn],
    ) -> ShiftsSaved:
        found = await _operator(operator)
        _may_write(login, found.house)
        await store.replace_shifts(found, _week(data.spans, "starts", "ends"), login.user_id)
        house = await _house(found.house)
        spans = shifts_out((await store.find_operator(operator)).shifts)
        return ShiftsSaved(operator, spans, conflicts=await _conflicts(request, house))

    @get(
        "/operators/{operator:str}/certifications",
        summary="The machines an operator is certified to run, since when",
        responses=not_found("operator") | refused(401, 403),
    )
    async def certifications(self, login: Login, operator: OperatorCode) -> CertificationsOut:
        found = await _operator(operator)
        _may_read(login, found.house)
        certified = [CertificationOut(c.machine, c.certified_on) for c in found.certifications]
        return CertificationsOut(operator, certified)

    @put(
        "/operators/{operator:str}/certifications",
        summary="Replace the machines an operator is certified for; lists the bookings now refused",
        guards=HOUSE_WRITERS,
        responses=WRITES,
    )
    async def set_certifications(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        operator: OperatorCode,
        data: Strict[CertificationsIn],
    ) -> CertificationsSaved:
        found = await _operator(operator)
        _may_write(login, found.house)
        house = await _house(found.house)
        wanted = [(c.machine, c.certified_on) for c in data.certifications]
        machines = await store.house_machines(found.house)
        today = cal.now().astimezone(ZoneInfo(house.zone)).date()
        problem = check_certifications(wanted, machines, today)
        if problem is not None:
            key = f"certifications[{problem.index}].{problem.key}"
            raise field_refusal(400, key, problem.message % problem.params)
        await store.replace_certifications(found, wanted, login.user_id)
        certified = (await store.find_operator(operator)).certifications
        out = [CertificationOut(c.machine, c.certified_on) for c in certified]
        return CertificationsSaved(operator, out, conflicts=await _conflicts(request, house))

    @get(
        "/houses/{house:str}/conflicts",
        summary="The live bookings the house's calendar now refuses, with slots to move them to",
        responses=not_found("house") | refused(401, 403),
    )
    async def conflicts(
        self, request: Request[Any, Any, Any], login: Login, house: HouseCode
    ) -> list[RefusedOut]:
        found = await _house(house)
        _may_read(login, house)
        return await _conflicts(request, found)


WEEKLY_API = (WeeklyApi,)
