"""Flexible requests (UMKM) and the optimiser's plans (house operators), as pages.

Thin controllers over `bookings.requests` and `bookings.plans`; the form's checks live in
`web.planning_form`, what the pages show in `web.planning_views`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import Parameter
from litestar.response import Redirect, Template

from sharedfactory.accounts.deps import Login, require_house
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings import plans
from sharedfactory.bookings.api import now
from sharedfactory.bookings.changes import ChangeRefused
from sharedfactory.bookings.load import Missing, UnknownCode
from sharedfactory.bookings.plans_api import PlanOut, plan_out
from sharedfactory.bookings.requests import (
    RequestRefused,
    create_request,
    list_requests,
    withdraw_request,
)
from sharedfactory.facilities.queries import list_houses
from sharedfactory.web import planning_views as views
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import CodeParam, Form
from sharedfactory.web.planning_form import (
    PRIORITIES,
    STEP_KEYS,
    UNITS,
    _,
    defaults,
    form_values,
    load_options,
    parse,
)
from sharedfactory.web.timeline_plan import plan_timeline

PlanId = Annotated[int, Parameter(ge=1, le=2_147_483_647)]
ShortText = Annotated[str | None, Parameter(required=False, max_length=64)]
TIME_LIMITS = ("5", "10", "30", "60")
# What the domain's "field: reason" errors become beside the form's fields.
DOMAIN_FIELDS = {
    "steps": ("step1", _("the house has no machine of this type")),
    "deadline": ("deadline", _("must be after the earliest start, and in the future")),
    "product_class": ("class", _("choose one from the list")),
}


def _flat(raw: Mapping[str, Any]) -> dict[str, str]:
    return {k: v for k, v in raw.items() if isinstance(v, str)}


def _umkm(login: Viewer) -> None:
    if login.role != "umkm" or not login.business:
        raise PermissionDeniedException(detail="flexible requests are made from a UMKM's login")


async def _request_context(
    request: Request[Any, Any, Any], login: Viewer, raw: Mapping[str, str], lang: str | None
) -> dict[str, Any]:
    options = await load_options(login, raw.get("house"))
    moment = now()
    today = moment.astimezone(ZoneInfo(options.house.timezone)).date()
    fallback = await defaults(login, options, today)
    context = page_context(request, lang, login)
    names = await views.load_names(context["lang"], [login.business or ""])
    mine = [views.request_row(r, names) for r in reversed(await list_requests(login))]
    return context | {
        "options": options,
        "values": form_values(raw, fallback) if raw else fallback,
        "errors": {},
        "refusals": [],
        "requests": mine,
        "step_keys": STEP_KEYS,
        "units": UNITS,
        "priorities": PRIORITIES,
        "new": None,
        "withdrawn": None,
    }


class RequestPages(Controller):
    include_in_schema = False

    @get("/permintaan", name="flexible_requests")
    async def page(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        lang: Language = None,
        baru: ShortText = None,
        ditarik: ShortText = None,
    ) -> Template:
        _umkm(login)
        house = request.query_params.get("house", "")[:64]
        context = await _request_context(request, login, {"house": house} if house else {}, lang)
        context |= {"new": baru, "withdrawn": ditarik}
        return remember_language(Template("pages/requests.html", context=context), lang)

    @get("/permintaan/pilihan", name="flexible_request_choices")
    async def choices(
        self, request: Request[Any, Any, Any], login: Login, lang: Language = None
    ) -> Template:
        """The steps and product classes of the chosen house (htmx swaps them in)."""
        _umkm(login)
        raw = {"house": request.query_params.get("house", "")[:64]}
        context = await _request_context(request, login, raw, lang)
        return Template("_partials/request_choices.html", context=context)

    @post("/permintaan", name="flexible_request_create")
    async def create(
        self, request: Request[Any, Any, Any], login: Login, data: Form, lang: Language = None
    ) -> Response[Any]:
        _umkm(login)
        raw = _flat(data)
        context = await _request_context(request, login, raw, lang)
        wish, context["errors"] = parse(raw, context["options"], now())
        if wish is None:
            return Template("pages/requests.html", context=context, status_code=400)
        try:
            code = await create_request(wish, login.business or "", now())
        except UnknownCode as error:
            key, message = DOMAIN_FIELDS.get(
                str(error).split(":", 1)[0], ("house", _("choose one from the list"))
            )
            context["errors"] = {key: (message, {})}
            return Template("pages/requests.html", context=context, status_code=400)
        except RequestRefused as refused:
            context["refusals"] = [r.render(context["_"]) for r in refused.refusals]
            return Template("pages/requests.html", context=context, status_code=409)
        return Redirect(f"/permintaan?baru={code}", status_code=303)

    @post("/permintaan/{code:str}/tarik", name="flexible_request_withdraw")
    async def withdraw(
        self, request: Request[Any, Any, Any], login: Login, code: CodeParam, lang: Language = None
    ) -> Response[Any]:
        _umkm(login)
        try:
            await withdraw_request(code, login)
        except Missing:
            raise NotFoundException(detail=f"request {code!r} does not exist") from None
        except RequestRefused as refused:
            context = await _request_context(request, login, {}, lang)
            context["refusals"] = [r.render(context["_"]) for r in refused.refusals]
            return Template("pages/requests.html", context=context, status_code=409)
        return Redirect(f"/permintaan?ditarik={code}", status_code=303)


async def _house_context(
    request: Request[Any, Any, Any], login: Viewer, house: str, lang: str | None
) -> dict[str, Any]:
    if login.role not in ("operator", "admin"):
        raise PermissionDeniedException(detail="for the house's operators")
    found = await list_houses(house)
    if not found:
        raise NotFoundException(detail=f"house {house!r} does not exist")
    require_house(login, house)
    waiting = [r for r in await list_requests(login, house) if r.status in ("pending", "proposed")]
    context = page_context(request, lang, login)
    names = await views.load_names(context["lang"], [r.business for r in waiting])
    return context | {
        "house": found[0],
        "requests": [views.request_row(r, names) for r in waiting],
        "plans": await views.recent_plans(house, names),
        "time_limits": TIME_LIMITS,
        "discarded": None,
        "error": None,
    }


async def _plan(login: Viewer, plan_id: int) -> PlanOut:
    try:
        return plan_out(await plans.plan_row(plan_id, login))
    except Missing:
        raise NotFoundException(detail=f"plan {plan_id} does not exist") from None


async def _plan_context(
    request: Request[Any, Any, Any], login: Viewer, plan_id: int, lang: str | None
) -> dict[str, Any]:
    plan = await _plan(login, plan_id)
    owned = {r.code: r for r in await list_requests(login, plan.house)}
    context = page_context(request, lang, login)
    businesses = [s.business for s in plan.steps] + [r.business for r in owned.values()]
    names = await views.load_names(context["lang"], businesses)
    return (
        context
        | views.plan_view(plan, owned, names)
        | {
            "can_decide": login.role in ("operator", "admin"),
            "refusal": None,
        }
        | await plan_timeline(plan, context)
    )


class PlanPages(Controller):
    include_in_schema = False

    @get("/rumah/{house:str}/rencana", name="house_plans")
    async def house(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: CodeParam,
        lang: Language = None,
        dibuang: Annotated[int | None, Parameter(required=False, ge=1)] = None,
    ) -> Template:
        context = await _house_context(request, login, house, lang)
        context["discarded"] = dibuang
        return remember_language(Template("pages/plan_house.html", context=context), lang)

    @post("/rumah/{house:str}/rencana", name="house_plan_start")
    async def start(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: CodeParam,
        data: Form,
        lang: Language = None,
    ) -> Response[Any]:
        context = await _house_context(request, login, house, lang)
        limit = data.get("time_limit")
        if limit not in TIME_LIMITS:
            context["error"] = _("choose one from the list")
            return Template("pages/plan_house.html", context=context, status_code=400)
        try:
            plan_id = await plans.start_plan(house, login.user_id, now(), float(limit))
        except Missing:
            raise NotFoundException(detail=f"house {house!r} has no machines") from None
        return Redirect(f"/rencana/{plan_id}", status_code=303)

    @get("/rencana/{plan_id:int}", name="plan")
    async def show(
        self, request: Request[Any, Any, Any], login: Login, plan_id: PlanId, lang: Language = None
    ) -> Template:
        context = await _plan_context(request, login, plan_id, lang)
        return remember_language(Template("pages/plan.html", context=context), lang)

    @get("/rencana/{plan_id:int}/status", name="plan_status")
    async def status(
        self, request: Request[Any, Any, Any], login: Login, plan_id: PlanId, lang: Language = None
    ) -> Template:
        """The live status; once the solve is over, htmx is told to reload the whole page."""
        context = await _plan_context(request, login, plan_id, lang)
        done = context["plan"].status != "solving"
        headers = {"HX-Refresh": "true"} if done and request.headers.get("hx-request") else {}
        return Template("_partials/plan_status.html", context=context, headers=headers)

    @post("/rencana/{plan_id:int}/konfirmasi", name="plan_confirm")
    async def confirm(
        self, request: Request[Any, Any, Any], login: Login, plan_id: PlanId, lang: Language = None
    ) -> Response[Any]:
        return await _decide(request, login, plan_id, lang, confirming=True)

    @post("/rencana/{plan_id:int}/buang", name="plan_discard")
    async def discard(
        self, request: Request[Any, Any, Any], login: Login, plan_id: PlanId, lang: Language = None
    ) -> Response[Any]:
        return await _decide(request, login, plan_id, lang, confirming=False)


async def _decide(
    request: Request[Any, Any, Any],
    login: Viewer,
    plan_id: int,
    lang: str | None,
    confirming: bool,
) -> Response[Any]:
    if login.role not in ("operator", "admin"):
        raise PermissionDeniedException(detail="for the house's operators")
    try:
        if confirming:
            await plans.confirm(plan_id, login, now())
            return Redirect(f"/rencana/{plan_id}", status_code=303)
        plan = await _plan(login, plan_id)
        await plans.discard(plan_id, login)
        return Redirect(f"/rumah/{plan.house}/rencana?dibuang={plan_id}", status_code=303)
    except Missing:
        raise NotFoundException(detail=f"plan {plan_id} does not exist") from None
    except ChangeRefused as refused:
        context = await _plan_context(request, login, plan_id, lang)
        context["refusal"] = refused.refusal.render(context["_"])
        return Template("pages/plan.html", context=context, status_code=409)


PLANNING_PAGES = (RequestPages, PlanPages)
