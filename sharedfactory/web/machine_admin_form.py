"""The machine page's two forms: adding a machine and editing one. Every field arrives as text;
numbers become numbers (a decimal comma is welcome, `Rp150.000` is 150000) and the whole goes
through the JSON API's own Structs (`MachineAddIn`, `MachineEditIn`), so the page accepts exactly
what the API accepts. A refusal becomes a message beside its field, translated by the template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import msgspec

from sharedfactory.facilities.machine_checks import _
from sharedfactory.facilities.machine_schemas import EDITABLE, MachineAddIn, MachineEditIn
from sharedfactory.facilities.queries import MachineView
from sharedfactory.web.planning_form import Errors

S = TypeVar("S", bound=msgspec.Struct)
ADD_FIELDS = ("code", "machine_type", *EDITABLE)
EDIT_FIELDS = EDITABLE
AT_FIELD = re.compile(r"at `\$\.([a-z_]+)`")
DECIMAL = re.compile(r"^[0-9]{1,9}([.,][0-9]{1,6})?$")
WHOLE = re.compile(r"^[0-9]{1,12}$")
GROUPED = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+$")  # 150.000: Indonesian thousands
MESSAGES = {
    "code": _("use 2 to 64 lower-case letters, digits and dashes, such as batu-bara-fryer-2"),
    "machine_type": _("choose one from the list"),
    "name": _("write 2 to 200 characters"),
    "batch_size": _("give a number from 0.01 to 100,000"),
    "cycle_minutes": _("give whole minutes from 1 to 10,080"),
    "tariff_per_hour": _("give whole Rupiah from 0 to 100,000,000"),
    "power_kw": _("give a number from 0 to 10,000"),
    "needs_operator": _("choose one from the list"),
    "halal_status": _("choose one from the list"),
}


def _decimal(text: str) -> Any:
    return float(text.replace(",", ".")) if DECIMAL.match(text) else text


def _whole(text: str) -> Any:
    text = text.removeprefix("Rp").strip()
    if GROUPED.match(text):
        text = text.replace(".", "")
    return int(text) if WHOLE.match(text) else text


def _typed(name: str, raw: Mapping[str, str]) -> Any:
    text = raw.get(name, "").strip()[:250]
    if name == "needs_operator":
        return text in ("on", "1", "true")
    if name in ("batch_size", "power_kw"):
        return _decimal(text)
    if name in ("cycle_minutes", "tariff_per_hour"):
        return _whole(text)
    return text


def converted(values: dict[str, Any], struct: type[S]) -> tuple[S | None, Errors]:
    """`msgspec.convert` into the API's Struct; every refused field is named at once (a wrong
    field is set aside and converting goes on without it)."""
    errors: Errors = {}
    values = dict(values)
    while True:
        try:
            result = msgspec.convert(values, struct)
        except msgspec.ValidationError as error:
            named = AT_FIELD.search(str(error))
            if named is None or named.group(1) not in values:
                if errors:  # a field set aside for being wrong is also missing: told already
                    return None, errors
                raise
            errors[named.group(1)] = (MESSAGES[named.group(1)], {})
            values.pop(named.group(1))
            continue
        return (None, errors) if errors else (result, {})


def add_input(raw: Mapping[str, str]) -> tuple[MachineAddIn | None, Errors]:
    return converted({name: _typed(name, raw) for name in ADD_FIELDS}, MachineAddIn)


def edit_input(raw: Mapping[str, str]) -> tuple[MachineEditIn | None, Errors]:
    return converted({name: _typed(name, raw) for name in EDIT_FIELDS}, MachineEditIn)


def form_values(raw: Mapping[str, str], names: Sequence[str]) -> dict[str, Any]:
    """What a refused form shows again: the person's own text, cut short."""
    shown: dict[str, Any] = {name: raw.get(name, "")[:200] for name in names}
    if "needs_operator" in names:
        shown["needs_operator"] = _typed("needs_operator", raw)
    return shown


def machine_values(machine: MachineView) -> dict[str, Any]:
    """A machine's current values as the edit form starts from them."""
    return {
        "machine": machine.code,
        "name": machine.name,
        "batch_size": f"{machine.batch_size:g}",
        "cycle_minutes": str(machine.cycle_minutes),
        "tariff_per_hour": str(machine.tariff_per_hour),
        "power_kw": f"{machine.power_kw:g}",
        "needs_operator": machine.needs_operator,
        "halal_status": machine.halal_status,
    }


def add_values(types: Sequence[str]) -> dict[str, Any]:
    """The add form's starting values: empty, a shared machine run by an operator."""
    return dict.fromkeys(ADD_FIELDS, "") | {
        "machine_type": types[0] if types else "",
        "needs_operator": True,
        "halal_status": "shared",
    }
