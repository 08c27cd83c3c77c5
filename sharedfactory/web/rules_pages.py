"""A house's booking rules as a page for its staff (`/rumah/{house}/aturan`): the house's rule
set, the machines with their own rules, the subsidy tiers (with one hour's price as an example)
and the trainings that open its self-run machines, each with its own small form.

Thin over `bookings.rules_store` (the same reads and writes as the JSON API, each dropping the
slot search's cached facts); the forms' checks live in `web.rules_form`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import Parameter
from litestar.response import Redirect, Template

from sharedfactory.accounts.deps import Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings import rules_store as store
from sharedfactory.bookings.rules_api import require_writer
from sharedfactory.facilities.queries import HouseView, MachineView, list_houses, list_machines
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import CODE, CodeParam, Form
from sharedfactory.web.planning_form import Errors
from sharedfactory.web.rules_form import (
    BOUNDS,
    LABELS,
    MACHINE_FIELDS,
    RULE_FIELDS,
    SIZE_LABELS,
    TRAINING_FIELDS,
    _,
    form_values,
    hour_prices,
    rules_input,
    rules_values,
    tiers_input,
    training_input,
)

OptionalCode = Annotated[str | None, Parameter(required=False, max_length=64, pattern=CODE)]
Saved = Annotated[
    Literal["aturan", "mesin", "dilepas", "tarif", "pelatihan"] | None, Parameter(required=False)
]
TEMPLATE = "pages/house_rules.html"
FORMS = ("rules", "machine", "tiers", "training")
SAVED = {
    "aturan": _("The house's rules are saved: the next search and booking follow them."),
    "mesin": _("%(machine)s now has its own rules."),
    "dilepas": _("%(machine)s follows the house's rules again."),
    "tarif": _("The subsidy tiers are saved."),
    "pelatihan": _("The training is recorded."),
}
Context = dict[str, Any]


async def _house(login: Viewer, house: str) -> tuple[HouseView, int, int]:
    """The house, its key and its cluster's; 403 before 404 for those who may never write."""
    if login.role not in ("operator", "admin"):
        raise PermissionDeniedException(detail="for the house's operators")
    found = await list_houses(house)
    keys = await store.house_key(house)
    if not found or keys is None:
        raise NotFoundException(detail=f"house {house!r} does not exist")
    require_writer(login, house)
    return found[0], *keys


def _self_run(machines: list[MachineView], lang: str) -> list[tuple[str, str]]:
    """The house's machine types a trained UMKM runs itself: (code, name)."""
    types = {
        m.type_code: m.type_name_id if lang == "id" else m.type_name_en
        for m in machines
        if not m.needs_operator
    }
    return sorted(types.items())


async def _sections(
    house_pk: int, cluster_pk: int, machines: list[MachineView], lang: str
) -> Context:
    """What the four sections show, with each form's starting values."""
    own = {row["machine_code"]: row for row in await store.machine_rules_rows(house_pk)}
    house_values = rules_values(await store.house_rules_row(house_pk))
    percents = await store.tier_percents(house_pk)
    types = _self_run(machines, lang)
    businesses = await store.cluster_businesses(cluster_pk)
    example = machines[0] if machines else None
    return {
        "machines": machines,
        "own": [(m, rules_values(own[m.code])) for m in machines if m.code in own],
        "percents": percents,
        "example": example,
        "prices": hour_prices(example.tariff_per_hour, percents) if example else {},
        "types": types,
        "businesses": businesses,
        "trainings": await store.cluster_trainings(cluster_pk, [code for code, _name in types]),
        "values": {
            "rules": house_values,
            "machine": house_values | {"machine": machines[0].code if machines else ""},
            "tiers": {size: str(percent) for size, percent in percents.items()},
            "training": {
                "business": businesses[0].code if businesses else "",
                "machine_type": types[0][0] if types else "",
            },
        },
        "own_rows": own,
    }


async def _context(
    request: Request[Any, Any, Any], login: Viewer, house: str, lang: str | None
) -> Context:
    found, house_pk, cluster_pk = await _house(login, house)
    machines = await list_machines(house)
    context = page_context(request, lang, login)
    context |= await _sections(house_pk, cluster_pk, machines, context["lang"])
    today = datetime.now(UTC).astimezone(ZoneInfo(found.timezone)).date()
    context["values"]["training"]["trained_on"] = today.isoformat()
    return context | {
        "house": found,
        "house_pk": house_pk,
        "labels": LABELS,
        "rule_fields": RULE_FIELDS,
        "machine_fields": MACHINE_FIELDS,
        "size_labels": SIZE_LABELS,
        "bounds": BOUNDS,
        "errors": {form: {} for form in FORMS},
        "saved": None,
        "problem": None,
    }


def _again(
    context: Context, form: str, raw: dict[str, str], errors: Errors, status: int = 400
) -> Template:
    names = {
        "rules": RULE_FIELDS,
        "machine": (*MACHINE_FIELDS, "machine"),
        "tiers": tuple(SIZE_LABELS),
        "training": TRAINING_FIELDS,
    }[form]
    context["values"][form] = form_values(raw, names)
    context["errors"][form] = errors
    return Template(TEMPLATE, context=context, status_code=status)


def _actor(context: Context) -> int:
    """The logged-in user making the change (for the audit log)."""
    return int(context["viewer"].user_id)


def _back(context: Context, query: str) -> Redirect:
    return Redirect(f"/rumah/{context['house'].code}/aturan?{query}", status_code=303)


async def _save_rules(context: Context, raw: dict[str, str]) -> Response[Any]:
    values, errors = rules_input(raw)
    if values is None:
        return _again(context, "rules", raw, errors)
    await store.upsert_rules(context["house_pk"], None, values, _actor(context))
    return _back(context, "disimpan=aturan")


async def _save_machine(context: Context, raw: dict[str, str]) -> Response[Any]:
    code = raw.get("machine", "")
    machine_pk = await store.house_machine_pk(context["house_pk"], code[:64])
    values, errors = rules_input(raw, for_machine=True)
    if machine_pk is None:
        errors["machine"] = (_("choose one from the list"), {})
    if values is None or machine_pk is None:
        return _again(context, "machine", raw, errors)
    await store.upsert_rules(context["house_pk"], machine_pk, values, _actor(context))
    return _back(context, f"disimpan=mesin&mesin={code}")


async def _drop_machine(context: Context, raw: dict[str, str]) -> Response[Any]:
    code = raw.get("machine", "")[:64]
    machine_pk = await store.house_machine_pk(context["house_pk"], code)
    if machine_pk is None or not await store.drop_machine_rules(machine_pk, _actor(context)):
        context["problem"] = _("That machine already follows the house's rules.")
        return Template(TEMPLATE, context=context, status_code=404)
    return _back(context, f"disimpan=dilepas&mesin={code}")


async def _save_tiers(context: Context, raw: dict[str, str]) -> Response[Any]:
    percents, errors = tiers_input(raw)
    if percents is None:
        return _again(context, "tiers", raw, errors)
    await store.replace_tiers(context["house_pk"], percents, _actor(context))
    return _back(context, "disimpan=tarif")


async def _add_training(context: Context, raw: dict[str, str]) -> Response[Any]:
    businesses = {b.code: b.pk for b in context["businesses"]}
    types = [code for code, _name in context["types"]]
    wish, errors = training_input(raw, list(businesses), types)
    if wish is None:
        return _again(context, "training", raw, errors)
    type_pk = (await store.type_pks([wish.machine_type]))[wish.machine_type]
    business_pk = businesses[raw["business"]]
    if await store.is_trained(business_pk, type_pk):
        refused: Errors = {"machine_type": (_("this training is already recorded"), {})}
        return _again(context, "training", raw, refused, 409)
    await store.record_training(business_pk, type_pk, wish.trained_on, _actor(context))
    return _back(context, "disimpan=pelatihan")


ACTIONS: dict[str, Callable[[Context, dict[str, str]], Awaitable[Response[Any]]]] = {
    "save_rules": _save_rules,
    "save_machine": _save_machine,
    "drop_machine": _drop_machine,
    "save_tiers": _save_tiers,
    "add_training": _add_training,
}


def _show(context: Context, chosen: str | None, saved: str | None) -> None:
    """The machine form on the chosen machine (its own rules, else the house's), and the banner
    after a change (redirected here)."""
    names = {m.code: m.name for m in context["machines"]}
    if chosen in names:
        own = context["own_rows"].get(chosen)
        start = rules_values(own) if own else context["values"]["rules"]
        context["values"]["machine"] = start | {"machine": chosen}
    if saved is not None:
        context["saved"] = (SAVED[saved], {"machine": names.get(chosen or "", chosen or "")})


class HouseRulesPages(Controller):
    include_in_schema = False

    @get("/rumah/{house:str}/aturan", name="house_rules")
    async def page(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: CodeParam,
        lang: Language = None,
        mesin: OptionalCode = None,
        disimpan: Saved = None,
    ) -> Template:
        context = await _context(request, login, house, lang)
        _show(context, mesin, disimpan)
        return remember_language(Template(TEMPLATE, context=context), lang)

    @post("/rumah/{house:str}/aturan", name="house_rules_change")
    async def change(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: CodeParam,
        data: Form,
        lang: Language = None,
    ) -> Response[Any]:
        raw = {k: v for k, v in data.items() if isinstance(v, str)}
        context = await _context(request, login, house, lang)
        action = ACTIONS.get(raw.get("action", ""))
        if action is None:
            context["problem"] = _("choose one from the list")
            return Template(TEMPLATE, context=context, status_code=400)
        return await action(context, raw)
