"""Flexible requests and optimiser plans over JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import Parameter, QueryParameter

from sharedfactory.accounts.deps import Login, refuse_auditor, require_house
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings import plans
from sharedfactory.bookings.api import REFUSED, acting_business, language, now
from sharedfactory.bookings.changes import ChangeRefused
from sharedfactory.bookings.load import Missing, UnknownCode
from sharedfactory.bookings.plan_progress import progress_of
from sharedfactory.bookings.requests import (
    RequestIn,
    RequestOut,
    RequestRefused,
    create_request,
    list_requests,
    withdraw_request,
)
from sharedfactory.bookings.schemas import RefusedBody, field_error_of, refused_body, within_reach
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.i18n.formats import period
from sharedfactory.web.errors import not_found, refused
from sharedfactory.web.params import CodeParam, OptionalCode, Strict

RequestStatus = Literal["pending", "proposed", "scheduled", "unserved", "withdrawn"]
PlanId = Annotated[int, Parameter(ge=1, le=2_147_483_647, description="plan id")]


class PlanIn(msgspec.Struct, forbid_unknown_fields=True):
    time_limit: Annotated[float, msgspec.Meta(ge=1, le=120)] = 10.0


class ProgressOut(msgspec.Struct):
    elapsed: float
    phase: str
    incumbent: float | None
    bound: float | None
    gap: float | None


class PlannedStep(msgspec.Struct):
    request: str
    business: str
    task: str
    machine: str
    starts_at: str
    ends_at: str
    label: str


class PlanOut(msgspec.Struct):
    id: int
    house: str
    status: str
    progress: ProgressOut | None
    objective: float | None
    bound: float | None
    solver: str | None
    steps: list[PlannedStep]
    unserved: list[dict[str, str]]
    error: str | None


class Outcome(msgspec.Struct):
    scheduled: list[str]
    unserved: list[str]
    pending: list[str]


def _steps(row: dict[str, Any]) -> list[PlannedStep]:
    owners = {r["id"]: r.get("business", "") for r in row["problem"].get("requests", [])}
    return [
        PlannedStep(
            a["request"],
            owners.get(a["request"], ""),
            a["task"],
            a["machine"],
            a["start"],
            a["end"],
            period(
                datetime.fromisoformat(a["start"]), datetime.fromisoformat(a["end"]), row["zone"]
            ),
        )
        for a in row["solution"].get("assignments", [])
        if not a["task"].endswith("/run")
    ]


def plan_out(row: dict[str, Any]) -> PlanOut:
    solution = row["solution"]
    progress = progress_of(row)
    unserved = [
        {"request": u["request"], "reason": u["reason"]} for u in solution.get("unserved", [])
    ]
    unserved += [
        {"request": code, "reason": why} for code, why in solution.get("left_out", {}).items()
    ]
    return PlanOut(
        row["pk"],
        row["house"],
        row["status"],
        ProgressOut(
            round(progress.elapsed, 1),
            progress.phase,
            progress.incumbent,
            progress.bound,
            progress.gap,
        )
        if progress
        else None,
        solution.get("objective"),
        solution.get("bound"),
        solution.get("solver"),
        _steps(row),
        unserved,
        solution.get("error"),
    )


def _staff_of(login: Viewer, house: str) -> None:
    if login.role not in ("operator", "admin"):
        raise PermissionDeniedException(detail="for the house's operators")
    require_house(login, house)


class PlanningApi(Controller):
    path = "/api/v1"
    tags = ("planning",)

    @post(
        "/requests",
        summary="A flexible request for the optimiser to place",
        status_code=201,
        responses=REFUSED | refused(401, 403),
    )
    async def create(
        self, request: Request[Any, Any, Any], login: Login, data: Strict[RequestIn]
    ) -> Response[RequestOut | RefusedBody]:
        business = acting_business(login, data.business)
        if login.role == "operator":
            require_house(login, data.house)
        within_reach("deadline", data.deadline)
        if data.earliest is not None:
            within_reach("earliest", data.earliest)
        try:
            code = await create_request(data, business, now())
        except UnknownCode as error:
            raise field_error_of(error) from None
        except RequestRefused as error:
            return Response(
                refused_body(error.refusals, [], gettext_for(language(request))), status_code=409
            )
        found = [r for r in await list_requests(login, data.house) if r.code == code]
        return Response(found[0], status_code=201)

    @get("/requests", summary="Flexible requests in your scope", responses=refused(401))
    async def index(
        self,
        login: Login,
        house: OptionalCode = None,
        status: Annotated[RequestStatus | None, QueryParameter(required=False)] = None,
    ) -> list[RequestOut]:
        return await list_requests(login, house, status)

    @post(
        "/requests/{code:str}/withdraw",
        summary="Withdraw a waiting request",
        status_code=200,
        responses=REFUSED | not_found("request") | refused(401, 403),
    )
    async def withdraw(
        self, request: Request[Any, Any, Any], login: Login, code: CodeParam
    ) -> Response[RequestOut | RefusedBody]:
        refuse_auditor(login)
        try:
            return Response(await withdraw_request(code, login), status_code=200)
        except Missing as error:
            raise NotFoundException(detail=str(error)) from None
        except RequestRefused as error:
            return Response(
                refused_body(error.refusals, [], gettext_for(language(request))), status_code=409
            )

    @post(
        "/houses/{house:str}/plans",
        summary="Run the optimiser over the house's pending requests",
        status_code=202,
        responses=not_found("house") | refused(401, 403),
    )
    async def run(self, login: Login, house: CodeParam, data: Strict[PlanIn]) -> PlanOut:
        _staff_of(login, house)
        try:
            plan_id = await plans.start_plan(house, login.user_id, now(), data.time_limit)
            return plan_out(await plans.plan_row(plan_id, login))
        except Missing as error:
            raise NotFoundException(detail=str(error)) from None

    @get(
        "/plans/{plan:int}",
        summary="A plan: live progress while solving, then the proposal",
        responses=not_found("plan") | refused(401),
    )
    async def show(self, login: Login, plan: PlanId) -> PlanOut:
        try:
            return plan_out(await plans.plan_row(plan, login))
        except Missing as error:
            raise NotFoundException(detail=str(error)) from None

    @post(
        "/plans/{plan:int}/confirm",
        summary="Book the proposal; tell every UMKM",
        status_code=200,
        responses=REFUSED | not_found("plan"),
    )
    async def confirm(
        self, request: Request[Any, Any, Any], login: Login, plan: PlanId
    ) -> Response[Outcome | RefusedBody]:
        return await _decide(request, login, plan, confirming=True)

    @post(
        "/plans/{plan:int}/discard",
        summary="Discard the proposal; requests wait again",
        status_code=200,
        responses=REFUSED | not_found("plan"),
    )
    async def discard(
        self, request: Request[Any, Any, Any], login: Login, plan: PlanId
    ) -> Response[Outcome | RefusedBody]:
        return await _decide(request, login, plan, confirming=False)


async def _decide(
    request: Request[Any, Any, Any], login: Viewer, plan: int, confirming: bool
) -> Response[Outcome | RefusedBody]:
    if login.role not in ("operator", "admin"):
        raise PermissionDeniedException(detail="for the house's operators")
    try:
        if confirming:
            return Response(Outcome(**await plans.confirm(plan, login, now())), status_code=200)
        await plans.discard(plan, login)
        return Response(Outcome([], [], []), status_code=200)
    except Missing as error:
        raise NotFoundException(detail=str(error)) from None
    except ChangeRefused as error:
        return Response(
            refused_body([error.refusal], [], gettext_for(language(request))), status_code=409
        )
