"""The house rules page's forms: the house's rule set, one machine's own rules, the subsidy tiers
and a training. Every field arrives as text; numbers become integers and the whole goes through
the JSON API's own Structs (`RulesIn`, `TariffTiersIn`, `TrainingIn`) and `checked()`, so the page
accepts exactly what the API accepts. A refusal becomes a message beside its field (msgspec names
it as `$.field`), translated by the template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import msgspec
from litestar.exceptions import HTTPException

from sharedfactory.bookings.rules_api import (
    RULE_FIELDS,
    RulesIn,
    RulesOut,
    TariffTiersIn,
    TrainingIn,
    checked,
)
from sharedfactory.businesses.tables import SIZE_CLASSES
from sharedfactory.web.planning_form import Errors


def _(text: str) -> str:
    """Marks a message for the catalogue; the template translates it."""
    return text


S = TypeVar("S", bound=msgspec.Struct)
# Each rule: its label and its unit (the unit says what an empty field means, where it may be).
LABELS: dict[str, tuple[str, str]] = {
    "min_notice_minutes": (_("Book at least"), _("minutes ahead")),
    "max_advance_days": (_("Book at most"), _("days ahead")),
    "min_duration_minutes": (_("Shortest booking"), _("minutes")),
    "max_duration_minutes": (_("Longest booking"), _("minutes")),
    "buffer_minutes": (_("Gap between bookings"), _("minutes")),
    "weekly_quota_hours": (_("Weekly quota per UMKM"), _("hours a week; empty: no quota")),
    "cancel_notice_minutes": (_("Cancel at least"), _("minutes ahead")),
    "no_show_grace_minutes": (_("A no-show after"), _("minutes late")),
    "offer_hold_minutes": (_("A waitlist offer is held for"), _("minutes")),
    "plan_daily_at": (_("Run the optimiser every day at"), _("empty: runs are started by hand")),
}
MACHINE_FIELDS = tuple(name for name in RULE_FIELDS if name != "plan_daily_at")
SIZE_LABELS = {
    "mikro": _("Micro business"),
    "kecil": _("Small business"),
    "menengah": _("Medium business"),
}
OPTIONAL = ("weekly_quota_hours", "plan_daily_at")
NUMBER = re.compile(r"^-?[0-9]{1,12}$")
AT_FIELD = re.compile(r"at `\$\.([a-z_]+)`")
NUMBER_MESSAGE = _("give a whole number from %(low)s to %(high)s")
MESSAGES = {
    "weekly_quota_hours": _(
        "leave empty for no quota, or give whole hours from %(low)s to %(high)s"
    ),
    "plan_daily_at": _("give a time such as 07:30, or leave empty"),
    "max_duration_minutes": NUMBER_MESSAGE,
    "business": _("choose one from the list"),
    "machine": _("choose one from the list"),
    "machine_type": _("choose one from the list"),
    "trained_on": _("give a date such as 2026-12-31"),
}
# What `checked()` refuses across fields, said beside the field it names.
CROSS = {"max_duration_minutes": _("must be at least the shortest booking")}
TRAINING_FIELDS = ("business", "machine_type", "trained_on")


def _bounds(struct: type[msgspec.Struct]) -> dict[str, dict[str, str]]:
    """Each integer field's bounds, read from the Struct itself (the API's schema)."""
    found: dict[str, dict[str, str]] = {}
    for field in msgspec.inspect.type_info(struct).fields:  # type: ignore[attr-defined]
        kinds = getattr(field.type, "types", (field.type,))
        for wrapped in kinds:
            kind = getattr(wrapped, "type", wrapped)  # inside `Annotated[..., Meta(...)]`
            if isinstance(kind, msgspec.inspect.IntType):
                found[field.name] = {"low": str(kind.ge), "high": str(kind.le)}
    return found


BOUNDS = _bounds(RulesIn) | _bounds(TariffTiersIn)


def refusal(key: str) -> tuple[str, dict[str, str]]:
    return MESSAGES.get(key, NUMBER_MESSAGE), BOUNDS.get(key, {})


def _typed(name: str, text: str) -> Any:
    text = text.strip()
    if name in OPTIONAL and not text:
        return None
    if name == "plan_daily_at":
        return text[:8]
    return int(text) if NUMBER.match(text) else text[:20]


def converted(values: dict[str, Any], struct: type[S]) -> tuple[S | None, Errors]:
    """`msgspec.convert` into the API's Struct; each refused field is named, and converting goes
    on without it so that every wrong field is told at once."""
    errors: Errors = {}
    values = dict(values)
    while True:
        try:
            result = msgspec.convert(values, struct)
        except msgspec.ValidationError as error:
            named = AT_FIELD.search(str(error))
            if named is None or named.group(1) not in values:
                if errors:  # a field left out for being wrong is also missing: told already
                    return None, errors
                raise
            errors[named.group(1)] = refusal(named.group(1))
            values.pop(named.group(1))
            continue
        return (None, errors) if errors else (result, {})


def rules_input(
    raw: Mapping[str, str], for_machine: bool = False
) -> tuple[dict[str, Any] | None, Errors]:
    """The rule set the form asks for, as `checked()` gives it to the store, or the messages."""
    names = MACHINE_FIELDS if for_machine else RULE_FIELDS
    data, errors = converted({n: _typed(n, raw.get(n, "")) for n in names}, RulesIn)
    if data is None:
        return None, errors
    try:
        return checked(data, for_machine), {}
    except HTTPException as refused:
        key = (refused.extra or [{}])[0].get("key", "")  # type: ignore[index]
        return None, {key: (CROSS.get(key, NUMBER_MESSAGE), BOUNDS.get(key, {}))}


def tiers_input(raw: Mapping[str, str]) -> tuple[dict[str, int] | None, Errors]:
    data, errors = converted({s: _typed(s, raw.get(s, "")) for s in SIZE_CLASSES}, TariffTiersIn)
    return (None, errors) if data is None else (msgspec.structs.asdict(data), {})


def training_input(
    raw: Mapping[str, str], businesses: Sequence[str], types: Sequence[str]
) -> tuple[TrainingIn | None, Errors]:
    """A training of one of the cluster's UMKM on one of the house's self-run machine types."""
    day = raw.get("trained_on", "").strip()[:10]
    wish = {"machine_type": raw.get("machine_type", "")[:64], "trained_on": day}
    data, errors = converted(wish, TrainingIn)
    for key, allowed in (("business", businesses), ("machine_type", types)):
        if raw.get(key, "") not in allowed:
            errors[key] = refusal(key)
    if data is not None and not 2000 <= data.trained_on.year <= 2100:
        errors["trained_on"] = refusal("trained_on")
    return (None, errors) if errors or data is None else (data, {})


def rules_values(row: dict[str, Any] | None) -> dict[str, str]:
    """A stored rule set (None: the defaults) as the form shows it."""
    shown = msgspec.structs.asdict(RulesOut.of(row))
    return {name: "" if value is None else str(value) for name, value in shown.items()}


def form_values(raw: Mapping[str, str], names: Sequence[str]) -> dict[str, str]:
    """What a refused form shows again: the person's own text, cut short."""
    return {name: raw.get(name, "")[:20] for name in names}


def hour_prices(tariff_per_hour: int, percents: Mapping[str, int]) -> dict[str, int]:
    """One hour's price per size class, rounded half up to whole Rupiah as statements do."""
    return {
        size: (2 * tariff_per_hour * (100 - percent) + 100) // 200
        for size, percent in percents.items()
    }
