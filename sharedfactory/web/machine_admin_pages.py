"""A house's machines as a page for its staff (`/rumah/{house}/mesin`): every machine with its
batch, cycle, tariff, power, operator need, halal status, MQTT login and next maintenance, a form
to edit the chosen one and a form to add one. The house's operators and admins write; the
auditor reads the same page without the forms; a UMKM sees the machines on the public home page.

Thin over `facilities.machine_admin` (the same writes as the JSON API, audited, dropping the slot
search's caches); the forms' checks live in `web.machine_admin_form`.
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
from sharedfactory.facilities import house_calendar as cal
from sharedfactory.facilities import machine_admin as admin
from sharedfactory.facilities.machine_checks import _
from sharedfactory.facilities.machine_roster import house_machines
from sharedfactory.web.machine_admin_form import (
    ADD_FIELDS,
    EDIT_FIELDS,
    add_input,
    add_values,
    edit_input,
    form_values,
    machine_values,
)
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import CodeParam, Form, OptionalCode
from sharedfactory.web.planning_form import Errors

Saved = Annotated[Literal["tambah", "ubah"] | None, Parameter(required=False)]
TEMPLATE = "pages/machine_admin.html"
SAVED = {
    "tambah": _("%(machine)s is added to the house."),
    "ubah": _("The changes to %(machine)s are saved."),
}
HALAL_CHOICES = ("halal_dedicated", "shared", "never_halal")
Context = dict[str, Any]


def _readers(login: Viewer) -> None:
    if login.role not in ("operator", "admin", "auditor"):
        raise PermissionDeniedException(detail="for the house's operators, admins and auditors")


def _writers(login: Viewer) -> None:
    refuse_auditor(login)
    if login.role not in ("operator", "admin"):
        raise PermissionDeniedException(detail="machines are managed by the house's operators")


async def _context(
    request: Request[Any, Any, Any], login: Viewer, house: str, lang: str | None
) -> Context:
    try:
        found = await cal.find_house(house)
    except cal.Missing:
        raise NotFoundException(detail=f"house {house!r} does not exist") from None
    if not login.sees_house(house):
        raise PermissionDeniedException(detail=f"house {house!r} is outside your scope")
    types = await admin.machine_types()
    context = page_context(request, lang, login)
    return context | {
        "house": found,
        "rows": await house_machines(found),
        "types": types,
        "may_write": login.role in ("operator", "admin"),
        "halal_choices": HALAL_CHOICES,
        "values": {"add": add_values([t.code for t in types]), "edit": None},
        "errors": {"add": {}, "edit": {}},
        "saved": None,
        "problem": None,
        "current": None,  # the edited machine's stored halal status
    }


def _again(
    context: Context, form: str, raw: dict[str, str], errors: Errors, status: int
) -> Template:
    names = ADD_FIELDS if form == "add" else (*EDIT_FIELDS, "machine")
    context["values"][form] = form_values(raw, names)
    context["errors"][form] = errors
    return Template(TEMPLATE, context=context, status_code=status)


def _refused(
    context: Context, form: str, raw: dict[str, str], error: admin.MachineRefused
) -> Template:
    refusal = error.refusal
    errors = {refusal.key: (refusal.message, refusal.params)}
    return _again(context, form, raw, errors, refusal.status)


def _back(context: Context, saved: str, machine: str) -> Redirect:
    house = context["house"].code
    return Redirect(f"/rumah/{house}/mesin?disimpan={saved}&mesin={machine}", status_code=303)


async def _add(context: Context, raw: dict[str, str]) -> Response[Any]:
    spec, errors = add_input(raw)
    if spec is None:
        return _again(context, "add", raw, errors, 400)
    try:
        await admin.add_machine(context["house"].code, spec, context["viewer"].user_id)
    except admin.MachineRefused as error:
        return _refused(context, "add", raw, error)
    return _back(context, "tambah", spec.code)


async def _edit(context: Context, raw: dict[str, str]) -> Response[Any]:
    shown = {row.machine.code: row.machine for row in context["rows"]}
    code = raw.get("machine", "")[:64]
    if code not in shown:
        context["problem"] = _("That machine is not in this house.")
        return Template(TEMPLATE, context=context, status_code=404)
    context["current"] = shown[code].halal_status
    edit, errors = edit_input(raw)
    if edit is None:
        return _again(context, "edit", raw, errors, 400)
    try:
        machine = await admin.find_machine(code)
        await admin.edit_machine(machine, edit, context["viewer"].user_id)
    except admin.Missing:  # removed meanwhile (only by hand: the app never deletes machines)
        raise NotFoundException(detail=f"machine {code!r} does not exist") from None
    except admin.MachineRefused as error:
        return _refused(context, "edit", raw, error)
    return _back(context, "ubah", code)


ACTIONS: dict[str, Callable[[Context, dict[str, str]], Awaitable[Response[Any]]]] = {
    "add_machine": _add,
    "edit_machine": _edit,
}


def _show(context: Context, chosen: str | None, saved: str | None) -> None:
    """The edit form on the chosen machine, and the banner after a change (redirected here)."""
    machines = {row.machine.code: row.machine for row in context["rows"]}
    if chosen in machines and context["may_write"]:
        context["values"]["edit"] = machine_values(machines[chosen])
        context["current"] = machines[chosen].halal_status
    if saved is not None and chosen in machines:
        context["saved"] = (SAVED[saved], {"machine": machines[chosen].name})


class MachineAdminPages(Controller):
    include_in_schema = False

    @get("/rumah/{house:str}/mesin", name="house_machines")
    async def page(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: CodeParam,
        lang: Language = None,
        mesin: OptionalCode = None,
        disimpan: Saved = None,
    ) -> Template:
        _readers(login)
        context = await _context(request, login, house, lang)
        _show(context, mesin, disimpan)
        return remember_language(Template(TEMPLATE, context=context), lang)

    @post("/rumah/{house:str}/mesin", name="house_machines_change")
    async def change(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: CodeParam,
        data: Form,
        lang: Language = None,
    ) -> Response[Any]:
        _writers(login)
        raw = {k: v for k, v in data.items() if isinstance(v, str)}
        context = await _context(request, login, house, lang)
        action = ACTIONS.get(raw.get("action", ""))
        if action is None:
            context["problem"] = _("choose one from the list")
            return Template(TEMPLATE, context=context, status_code=400)
        return await action(context, raw)
