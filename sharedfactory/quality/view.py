"""PURE: a sealed record's body as the lines a person reads, shared by the page and the PDF."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sharedfactory.i18n.formats import number, period

Gettext = Callable[[str], str]


def _(text: str) -> str:
    """Marks a text for the catalogue; it is translated where it is shown."""
    return text


@dataclass(frozen=True)
class CheckLine:
    value: str
    standard: str
    limit: str
    observed: str
    passed: bool
    reason: str


@dataclass(frozen=True)
class RecordView:
    booking: str
    facts: list[tuple[str, str]]
    passed: bool
    verdict: str
    checks: list[CheckLine]
    excursions: list[str]
    cleaning: str | None
    sha256: str


def _num(value: Any) -> str:
    return "-" if value is None else number(float(Decimal(str(value))))


def _limit(limit: Mapping[str, Any], say: Gettext) -> str:
    parts = []
    if limit.get("min") is not None:
        parts.append(f">= {_num(limit['min'])}")
        if limit.get("hold_seconds"):
            parts[-1] += " " + say(_("for %(s)s s")) % {"s": limit["hold_seconds"]}
    if limit.get("max") is not None:
        parts.append(f"<= {_num(limit['max'])}")
    return ", ".join(parts) or "-"


def _check(check: Mapping[str, Any], say: Gettext) -> CheckLine:
    observed = f"{_num(check['observed_min'])} - {_num(check['observed_max'])}"
    if check.get("held_seconds") is not None:
        observed += " (" + say(_("held %(s)s s")) % {"s": _num(check["held_seconds"])} + ")"
    reason = say(_("met")) if check["passed"] else check["reason"]
    return CheckLine(
        check["value"],
        check["standard"],
        _limit(check.get("limit") or {}, say),
        observed,
        bool(check["passed"]),
        reason,
    )


def _when(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def _excursion(e: Mapping[str, Any], zone: str, say: Gettext) -> str:
    side = say(_("below")) if e["side"] == "min" else say(_("above"))
    span = period(_when(e["from"]), _when(e["to"]), zone)
    return f"{e['value']}: {_num(e['worst'])} {side} {_num(e['limit'])}, {span}"


def _cleaning(cleaning: Mapping[str, Any] | None, zone: str, say: Gettext) -> str | None:
    if cleaning is None:
        return None
    if cleaning.get("missing"):
        return say(_("No cleaning was recorded after the non-halal run %(after)s.")) % cleaning
    at = _when(cleaning["cleaned_at"])
    return say(_("Cleaned by %(who)s at %(at)s after %(after)s; evidence SHA-256 %(sha)s")) % {
        "who": cleaning["cleaned_by"],
        "at": period(at, at, zone).rsplit("–", 1)[1],
        "after": cleaning["after"],
        "sha": cleaning["evidence_sha256"][:16],
    }


def record_view(body: Mapping[str, Any], sha256: str, say: Gettext) -> RecordView:
    zone = body["house"]["timezone"]
    business = body["business"]
    facts = [
        (say(_("Business")), f"{business['name']} (NIB {business['nib']})"),
        (say(_("Product")), f"{body['product']}, {_num(body['quantity'])}"),
        (say(_("Halal product")), say(_("yes, halal")) if body["halal"] else say(_("not halal"))),
        (say(_("Machine")), f"{body['machine']['name']} ({body['machine']['code']})"),
        (say(_("House")), body["house"]["name"]),
        (say(_("Run")), period(_when(body["from"]), _when(body["to"]), zone)),
        (say(_("Booking")), body["booking"]),
        (say(_("Readings")), str(body["samples"])),
    ]
    passed = bool(body["passed"])
    return RecordView(
        booking=body["booking"],
        facts=facts,
        passed=passed,
        verdict=say(_("Meets every limit")) if passed else say(_("Does not meet every limit")),
        checks=[_check(check, say) for check in body["checks"]],
        excursions=[_excursion(e, zone, say) for e in body["excursions"]],
        cleaning=_cleaning(body.get("cleaning"), zone, say),
        sha256=sha256,
    )
