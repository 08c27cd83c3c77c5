"""Booking JSON API: free slots, instant booking (once or weekly), and reading bookings back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter, QueryParameter

from sharedfactory.accounts.deps import Login, require_house
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.fresh import moving_cache
from sharedfactory.bookings.load import UnknownCode
from sharedfactory.bookings.queries import BookingFilter, list_bookings, one_booking
from sharedfactory.bookings.schemas import (
    BookingIn,
    BookingOut,
    BookingPage,
    RefusedBody,
    SeriesOut,
    SlotOut,
    clamped,
    field_error,
    field_error_of,
    refused_body,
)
from sharedfactory.bookings.search import Asked, NoMachines, find_slots
from sharedfactory.bookings.service import BookingRefused, NewBooking, book, new_code
from sharedfactory.facilities.tables import Machine
from sharedfactory.fresh import FreshCache
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.web.errors import not_found, refused
from sharedfactory.web.pages import LANG_COOKIE
from sharedfactory.web.params import CodeParam, OptionalCode, Strict

From = Annotated[
    datetime | None, QueryParameter(name="from", required=False, description="ISO start")
]
To = Annotated[datetime | None, QueryParameter(name="to", required=False, description="ISO end")]
Minutes = Annotated[int, Parameter(ge=1, le=24 * 60, description="length of the slot")]
MAX_SEARCH = timedelta(days=62)  # a longer `to` is cut to 62 days after `from`
BookingStatus = Literal["pending", "confirmed", "cancelled", "completed", "no_show"]


# The same search within the same minute, with nothing changed since, gets the same answer.
_answers: FreshCache[list[SlotOut]] = moving_cache()


async def _answer(asked: Asked) -> list[SlotOut]:
    try:
        return [SlotOut.of(slot) for slot in await find_slots(asked)]
    except NoMachines as error:
        raise NotFoundException(detail=str(error)) from None
    except UnknownCode as error:
        raise field_error_of(error) from None


REFUSED = {409: ResponseSpec(data_container=RefusedBody, description="a house rule refuses it")}


def now() -> datetime:
    return datetime.now(UTC).replace(second=0, microsecond=0)


def language(request: Request[Any, Any, Any]) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked is None and "id" not in request.headers.get("accept-language", "id")[:2]:
        asked = "en"
    return asked or "id"


async def operator_scope(login: Viewer, machine: str) -> None:
    """An operator books, or waits, on its own house's machines only."""
    if login.role != "operator":
        return
    query = Machine.select(Machine.house.code.as_alias("house"))
    found = await query.where(Machine.code == machine).first().run()
    if found:  # an unknown machine is refused by the booking itself, naming the field
        require_house(login, found["house"])


def acting_business(login: Viewer, asked: str | None) -> str:
    """A UMKM books for itself; staff and operators name the UMKM they book for."""
    if login.role == "umkm":
        if asked not in (None, login.business):
            raise PermissionDeniedException(detail="business: you can book for your own UMKM only")
        return login.business  # type: ignore[return-value]
    if login.role == "auditor":
        raise PermissionDeniedException(detail="auditors read; they do not book")
    if asked is None:
        raise field_error("business", "name the UMKM you book for")
    return asked


class BookingApi(Controller):
    path = "/api/v1"
    tags = ("bookings",)

    @get(
        "/houses/{house:str}/slots",
        summary="Free slots where every house rule holds, earliest first",
        responses=not_found("house") | refused(401),
    )
    async def slots(
        self,
        login: Login,
        house: CodeParam,
        machine_type: CodeParam,
        minutes: Minutes,
        product_class: CodeParam = "halal",
        business: OptionalCode = None,
        since: From = None,
        until: To = None,
    ) -> list[SlotOut]:
        moment = now()
        since = max(clamped(since or moment), moment)
        until = min(clamped(until or since + timedelta(days=7)), since + MAX_SEARCH)
        asked = Asked(
            house,
            machine_type,
            login.business if login.role == "umkm" else business,
            product_class,
            minutes,
            since,
            until,
            moment,
        )
        return await _answers.load(asked, lambda: _answer(asked), asked.tags())

    @post(
        "/bookings",
        summary="Book a slot (confirmed at once when every rule holds); weekly with repeat_weeks",
        status_code=201,
        responses=REFUSED | refused(401, 403),
    )
    async def create(
        self, request: Request[Any, Any, Any], login: Login, data: Strict[BookingIn]
    ) -> Response[BookingOut | SeriesOut | RefusedBody]:
        business = acting_business(login, data.business)
        starts, ends = data.span()
        gettext = gettext_for(language(request))
        series = new_code("sr") if data.repeat_weeks else None
        outcomes: list[tuple[NewBooking, str | BookingRefused]] = []
        for week in range(data.repeat_weeks + 1):
            shift = timedelta(weeks=week)
            new = NewBooking(
                business,
                data.machine,
                starts + shift,
                ends + shift,
                data.product_class,
                data.product,
                Decimal(str(data.quantity)),
                data.process,
                data.note,
                series,
            )
            outcomes.append((new, await self._book(login, new)))
        booked = [await self._out(login, o) for _new, o in outcomes if isinstance(o, str)]
        refusals = [(new, o) for new, o in outcomes if isinstance(o, BookingRefused)]
        if not booked:
            first = refusals[0][1]
            alternatives = [SlotOut.of(s) for s in first.alternatives]
            return Response(refused_body(first.refusals, alternatives, gettext), status_code=409)
        if series is None:
            return Response(booked[0], status_code=201)
        weeks_refused = [
            {
                "starts_at": new.starts.isoformat(),
                "detail": "; ".join(r.render(gettext) for r in o.refusals),
            }
            for new, o in refusals
        ]
        return Response(SeriesOut(series, booked, weeks_refused), status_code=201)

    async def _book(self, login: Viewer, new: NewBooking) -> str | BookingRefused:
        await operator_scope(login, new.machine)
        try:
            return await book(new, now(), login.user_id)
        except BookingRefused as refusal:
            return refusal
        except UnknownCode as error:
            raise field_error_of(error) from None

    async def _out(self, login: Viewer, code: str) -> BookingOut:
        found = await one_booking(login, code)
        assert found is not None, "a booking just made is in its maker's scope"
        return found

    @get(
        "/bookings",
        summary="Bookings in your scope (your UMKM's, your house's, or every house's), by start",
        responses=refused(401),
    )
    async def index(
        self,
        login: Login,
        since: From = None,
        until: To = None,
        house: OptionalCode = None,
        machine: OptionalCode = None,
        business: OptionalCode = None,
        status: Annotated[BookingStatus | None, QueryParameter(required=False)] = None,
        limit: Annotated[int, Parameter(ge=1, le=1000)] = 200,
        offset: Annotated[int, Parameter(ge=0, le=1_000_000)] = 0,
    ) -> BookingPage:
        wanted = BookingFilter(
            since and clamped(since),
            until and clamped(until),
            house,
            machine,
            business,
            status,
            limit,
            offset,
        )
        count, items = await list_bookings(login, wanted)
        return BookingPage(count, items)

    @get(
        "/bookings/{booking:str}",
        summary="One booking",
        responses=not_found("booking") | refused(401),
    )
    async def show(self, login: Login, booking: CodeParam) -> BookingOut:
        found = await one_booking(login, booking)
        if found is None:
            raise NotFoundException(detail=f"booking {booking!r} does not exist")
        return found
