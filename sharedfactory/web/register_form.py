"""The UMKM registration form (/daftar): its choices and field checks.

Each field is checked with the very type `POST /api/v1/register` declares (`RegistrationIn`), so
the page and the API accept the same input; a wrong field gets its message beside it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from sharedfactory.businesses.registration import CONSENT_REQUIRED, RegistrationIn
from sharedfactory.facilities.tables import Cluster
from sharedfactory.web.booking_form import _

FIELD_TYPES = {f.name: f.type for f in msgspec.structs.fields(RegistrationIn)}
SIZE_CLASSES = (
    ("mikro", _("micro enterprise")),
    ("kecil", _("small enterprise")),
    ("menengah", _("medium enterprise")),
)
# Shown again after a refusal; the NIK, the NPWP and the passwords never are.
ECHOED = ("name", "nib", "size_class", "cluster_code", "owner_name", "phone", "email")
DIGITS_ONLY = ("nib", "nik", "npwp")
SEPARATORS = re.compile(r"[ .\-/]")
MESSAGES = {
    "name": _("give the business's name (2 to 200 characters)"),
    "nib": _("the NIB has exactly 13 digits"),
    "size_class": _("choose one from the list"),
    "cluster_code": _("choose one from the list"),
    "owner_name": _("give the owner's name (2 to 200 characters)"),
    "phone": _("give an Indonesian number such as 0812-3456-7890"),
    "email": _("give an e-mail address such as nama@contoh.id"),
    "nik": _("the NIK has exactly 16 digits"),
    "npwp": _("the NPWP has 15 or 16 digits (or leave it empty)"),
    "password": _("at least 10 characters"),
}
CONSENT_TEXT = _(
    "I agree that the production house processes my personal data (name, NIK, NPWP, phone "
    "number and e-mail) to register my business, book machine time and bill its use, under "
    "Law No. 27 of 2022 on Personal Data Protection. The NIK and NPWP are stored encrypted "
    "and only ever shown masked."
)


@dataclass(frozen=True)
class ClusterChoice:
    code: str
    name: str
    commodity: str


async def cluster_choices() -> list[ClusterChoice]:
    rows = await Cluster.select(Cluster.code, Cluster.name, Cluster.commodity).order_by(
        Cluster.name
    )
    return [ClusterChoice(r["code"], r["name"], r["commodity"]) for r in rows]


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str):
        return ""
    if key == "password":
        return value  # as typed: spaces are part of a password
    value = value.strip()
    return SEPARATORS.sub("", value) if key in DIGITS_ONLY else value


def _valid(key: str, value: object) -> bool:
    try:
        msgspec.convert(value, FIELD_TYPES[key])
    except msgspec.ValidationError:
        return False
    return True


def parse(
    raw: Mapping[str, Any], clusters: list[ClusterChoice]
) -> tuple[RegistrationIn | None, dict[str, str]]:
    """The registration the form asks for, or None and a message per wrong field."""
    values: dict[str, object] = {key: _text(raw, key) for key in MESSAGES}
    values["npwp"] = values["npwp"] or None
    values["consent"] = raw.get("consent") == "yes"
    errors = {
        key: message
        for key, message in MESSAGES.items()
        if values[key] is not None and not _valid(key, values[key])
    }
    if values["cluster_code"] not in {c.code for c in clusters}:
        errors.setdefault("cluster_code", MESSAGES["cluster_code"])
    if "password" not in errors and raw.get("password2") != raw.get("password"):
        errors["password2"] = _("the two passwords differ")
    if not values["consent"]:
        errors["consent"] = CONSENT_REQUIRED
    if errors:
        return None, errors
    return msgspec.convert(values, RegistrationIn), {}


def form_values(raw: Mapping[str, Any]) -> dict[str, str]:
    """What the form shows again: the person's text (cut short), never the NIK or a password."""
    return {key: v[:254] if isinstance(v := raw.get(key), str) else "" for key in ECHOED}
