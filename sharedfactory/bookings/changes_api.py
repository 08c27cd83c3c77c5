"""Changing bookings over JSON: cancel, move, check-in, no-show release, and the waitlist."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import Parameter

from sharedfactory.accounts.deps import Login, refuse_auditor, require_house
from sharedfactory.bookings import changes, waitlist
from sharedfactory.bookings.api import REFUSED, acting_business, language, now, operator_scope
from sharedfactory.bookings.load import Missing, UnknownCode
from sharedfactory.bookings.queries import one_booking
from sharedfactory.bookings.schemas import (
    BookingOut,
    MoveIn,
    RefusedBody,
    SlotOut,
    WaitIn,
    WaitOut,
    field_error_of,
    refused_body,
)
from sharedfactory.bookings.service import BookingRefused
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.web.errors import not_found, refused
from sharedfactory.web.params import CodeParam, Strict

EntryId = Annotated[int, Parameter(ge=1, le=2_147_483_647, description="waitlist entry id")]
ANSWERS = REFUSED | not_found("booking") | refused(401, 403)


class Released(msgspec.Struct):
    released: list[str]


async def _answer(
    request: Request[Any, Any, Any], login: Any, code: str, change: Awaitable[object]
) -> Response[BookingOut | RefusedBody]:
    """Run a change and answer with the booking, or the refusal in the asker's language."""
    gettext = gettext_for(language(request))
    try:
        await change
    except Missing as error:
        raise NotFoundException(detail=str(error)) from None
    except PermissionError as error:
        raise PermissionDeniedException(detail=str(error)) from None
    except changes.ChangeRefused as error:
        return Response(refused_body([error.refusal], [], gettext), status_code=409)
    except BookingRefused as error:
        alternatives = [SlotOut.of(s) for s in error.alternatives]
        return Response(refused_body(error.refusals, alternatives, gettext), status_code=409)
    found = await one_booking(login, code)
    assert found is not None, "a booking just changed is in its changer's scope"
    return Response(found, status_code=200)


class BookingChangesApi(Controller):
    path = "/api/v1"
    tags = ("bookings",)

    @post(
        "/bookings/{booking:str}/cancel",
        summary="Cancel (a UMKM: within the notice rule)",
        responses=ANSWERS,
    )
    async def cancel(
        self, request: Request[Any, Any, Any], login: Login, booking: CodeParam
    ) -> Response[BookingOut | RefusedBody]:
        return await _answer(request, login, booking, changes.cancel(booking, login, now()))

    @post(
        "/bookings/{booking:str}/move", summary="Move to another time or machine", responses=ANSWERS
    )
    async def move(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        booking: CodeParam,
        data: Strict[MoveIn],
    ) -> Response[BookingOut | RefusedBody]:
        starts, ends = data.span()
        change = changes.move(booking, login, starts, ends, data.machine, now())
        return await _answer(request, login, booking, change)

    @post(
        "/bookings/{booking:str}/check-in",
        summary="The UMKM has started (operators)",
        responses=ANSWERS,
    )
    async def check_in(
        self, request: Request[Any, Any, Any], login: Login, booking: CodeParam
    ) -> Response[BookingOut | RefusedBody]:
        return await _answer(request, login, booking, changes.check_in(booking, login, now()))

    @post(
        "/houses/{house:str}/no-shows",
        summary="Release the bookings nobody started within the grace period",
        status_code=200,
        responses=refused(401, 403),
    )
    async def no_shows(self, login: Login, house: CodeParam) -> Released:
        if login.role not in ("operator", "admin"):
            raise PermissionDeniedException(detail="for the house's operators")
        require_house(login, house)
        return Released(await changes.release_no_shows(house, now(), login.user_id))

    @post(
        "/waitlist", summary="Wait for a taken slot", status_code=201, responses=refused(401, 403)
    )
    async def join(self, login: Login, data: Strict[WaitIn]) -> WaitOut:
        business = acting_business(login, data.business)
        await operator_scope(login, data.machine)
        try:
            return await waitlist.join(business, data, now())
        except UnknownCode as error:
            raise field_error_of(error) from None

    @get("/waitlist", summary="Your waitlist entries", responses=refused(401))
    async def entries(self, login: Login) -> list[WaitOut]:
        return await waitlist.entries(login)

    @post(
        "/waitlist/{entry:int}/accept",
        summary="Book the slot the waitlist offers you",
        responses=ANSWERS,
    )
    async def accept(
        self, request: Request[Any, Any, Any], login: Login, entry: EntryId
    ) -> Response[BookingOut | RefusedBody]:
        refuse_auditor(login)
        gettext = gettext_for(language(request))
        try:
            code = await waitlist.accept(entry, login, now())
        except Missing as error:
            raise NotFoundException(detail=str(error)) from None
        except BookingRefused as error:
            return Response(refused_body(error.refusals, [], gettext), status_code=409)
        found = await one_booking(login, code)
        assert found is not None, "a booking just made is in its maker's scope"
        return Response(found, status_code=200)

    @post(
        "/waitlist/{entry:int}/withdraw",
        summary="Leave the waitlist",
        status_code=200,
        responses=not_found("entry") | refused(401, 403),
    )
    async def withdraw(self, login: Login, entry: EntryId) -> WaitOut:
        refuse_auditor(login)
        try:
            return await waitlist.withdraw(entry, login)
        except Missing as error:
            raise NotFoundException(detail=str(error)) from None
