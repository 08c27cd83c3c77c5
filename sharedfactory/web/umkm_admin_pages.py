"""The UMKM for house staff: `/umkm` lists the businesses in the viewer's scope (found by name or
NIB) with their permits, trainings and last and next booking; `/umkm/{code}` is one business,
where the house's operators and admins record a training. Auditors read both; a UMKM has its own
pages. The business record itself is read-only here (a UMKM edits its own), and NIK and NPWP are
only ever shown masked.

Thin over `businesses.roster` (reads in scope) and `bookings.rules_store` (the training the JSON
API records too); the training form's checks are `web.rules_form.training_input`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import Parameter
from litestar.response import Redirect, Template

from sharedfactory.accounts.deps import Login, refuse_auditor
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings import rules_store as store
from sharedfactory.businesses import roster
from sharedfactory.facilities.machine_admin import UNIQUE_ERRORS
from sharedfactory.facilities.machine_checks import _
from sharedfactory.facilities.tables import House, Machine, MachineType
from sharedfactory.web.booking_views import STATUSES
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import CodeParam, Form
from sharedfactory.web.planning_form import Errors
from sharedfactory.web.rules_form import SIZE_LABELS, TRAINING_FIELDS, form_values, training_input

Search = Annotated[
    str | None,
    Parameter(required=False, max_length=100, pattern=r"^[^\x00-\x1f\x7f-\x9f]*$"),
]
Saved = Annotated[Literal["pelatihan"] | None, Parameter(required=False)]
LIMIT = 50
SHOWN_BOOKINGS = 5
DEFAULT_ZONE = "Asia/Jakarta"
# What the templates show for stored codes (permit kinds are the same words in both languages).
WORDS = {
    "size_labels": SIZE_LABELS,
    "statuses": STATUSES,
    "permit_kinds": {"pirt": "PIRT", "bpom_md": "BPOM MD", "halal": "Halal", "sni": "SNI"},
}
ALREADY = _("this training is already recorded")
Context = dict[str, Any]


def _readers(login: Viewer) -> None:
    if login.role not in ("operator", "admin", "auditor"):
        raise PermissionDeniedException(detail="for house staff and auditors only")


async def _zone(login: Viewer) -> str:
    """The operator's house's zone (their day); WIB for those who see every house."""
    if login.role != "operator":
        return DEFAULT_ZONE
    row = await House.select(House.timezone).where(House.code == (login.house or "")).first()
    return row["timezone"] if row else DEFAULT_ZONE


async def _today(login: Viewer) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(await _zone(login))).date()


async def _types(login: Viewer) -> list[tuple[str, str, str]]:
    """(code, Indonesian name, English name) of the machine types a training may be on: an
    operator's house's types (as the JSON API allows), every type for an admin."""
    query = MachineType.select(MachineType.code, MachineType.name_id, MachineType.name_en)
    if login.role == "operator":
        here = await Machine.select(Machine.machine_type).where(
            Machine.house.code == (login.house or "")
        )
        query = query.where(
            MachineType._meta.primary_key.is_in([r["machine_type"] for r in here] or [-1])
        )
    rows = await query.order_by(MachineType.code).run()
    return [(r["code"], r["name_id"], r["name_en"]) for r in rows]


async def _detail(
    request: Request[Any, Any, Any], login: Viewer, code: str, lang: str | None
) -> Context:
    today = await _today(login)
    card = await roster.find_business(login, code, today)
    if card is None:
        raise NotFoundException(detail=f"business {code!r} does not exist")
    may_write = login.role in ("operator", "admin")
    types = await _types(login) if may_write else []
    past = await roster.bookings(login, card.pk, past=True, limit=SHOWN_BOOKINGS)
    coming = await roster.bookings(login, card.pk, past=False, limit=SHOWN_BOOKINGS)
    return (
        page_context(request, lang, login)
        | WORDS
        | {
            "b": card,
            "past": past,
            "coming": coming,
            "may_write": may_write,
            "types": types,
            "trained": {t.machine_type for t in card.trainings},
            "values": {
                "machine_type": types[0][0] if types else "",
                "trained_on": today.isoformat(),
            },
            "errors": {},
            "saved": None,
        }
    )


def _again(context: Context, raw: dict[str, str], errors: Errors, status: int) -> Template:
    context["values"] = form_values(raw, TRAINING_FIELDS)
    context["errors"] = errors
    return Template("pages/umkm_detail.html", context=context, status_code=status)


class UmkmAdminPages(Controller):
    include_in_schema = False

    @get("/umkm", name="umkm_list")
    async def index(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        lang: Language = None,
        cari: Search = None,
    ) -> Template:
        _readers(login)
        text = (cari or "").strip()
        cards, more = await roster.find_businesses(login, text, await _today(login), LIMIT)
        context = (
            page_context(request, lang, login)
            | WORDS
            | {
                "cards": cards,
                "more": more,
                "search": text,
                "limit": LIMIT,
            }
        )
        return remember_language(Template("pages/umkm_list.html", context=context), lang)

    @get("/umkm/{code:str}", name="umkm_detail")
    async def detail(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        code: CodeParam,
        lang: Language = None,
        disimpan: Saved = None,
    ) -> Template:
        _readers(login)
        context = await _detail(request, login, code, lang)
        context["saved"] = _("The training is recorded.") if disimpan else None
        return remember_language(Template("pages/umkm_detail.html", context=context), lang)

    @post("/umkm/{code:str}/pelatihan", name="umkm_training")
    async def add_training(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        code: CodeParam,
        data: Form,
        lang: Language = None,
    ) -> Response[Any]:
        refuse_auditor(login)
        if login.role not in ("operator", "admin"):
            raise PermissionDeniedException(detail="trainings are recorded by operators and admins")
        raw = {k: v for k, v in data.items() if isinstance(v, str)} | {"business": code}
        context = await _detail(request, login, code, lang)
        card: roster.BusinessCard = context["b"]
        wish, errors = training_input(raw, [card.code], [t[0] for t in context["types"]])
        if wish is None:
            return _again(context, raw, errors, 400)
        type_pk = (await store.type_pks([wish.machine_type]))[wish.machine_type]
        refused: Errors = {"machine_type": (ALREADY, {})}
        if await store.is_trained(card.pk, type_pk):
            return _again(context, raw, refused, 409)
        try:
            await store.record_training(card.pk, type_pk, wish.trained_on, login.user_id)
        except UNIQUE_ERRORS:  # recorded meanwhile by someone else
            return _again(context, raw, refused, 409)
        return Redirect(f"/umkm/{card.code}?disimpan=pelatihan#trainings", status_code=303)
