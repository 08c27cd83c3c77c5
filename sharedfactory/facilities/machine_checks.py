"""PURE: what a change to a machine may do, as plain data. No database, no clock.

Halal (PRODUCT.md): a machine that has ever run pork may never do halal work, so `never_halal`
is for good and a machine that ran pork is never made `halal_dedicated`; a machine becomes
`halal_dedicated` only once no non-halal work is booked on it still to come, and `never_halal`
only once no halal work is (the bookings are named, for the house to move them first).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


def _(text: str) -> str:
    """Marks a message for the catalogue; the edge translates it."""
    return text


CENTS = Decimal("0.01")
DECIMAL_FIELDS = ("batch_size", "power_kw")
LISTED = 5  # bookings named in a refusal; the rest are counted


@dataclass(frozen=True)
class ComingRun:
    """A live booking on the machine that has not ended yet."""

    booking: str
    product: str
    halal: bool


@dataclass(frozen=True)
class Refusal:
    """`status` 400 (a bad value) or 409 (the machine's state or bookings refuse it)."""

    status: int
    key: str
    message: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.message % self.params if self.params else self.message


def stored(name: str, value: Any) -> Any:
    """A field's value as the database keeps it: decimals to the cent, the rest as they are."""
    if name in DECIMAL_FIELDS:
        return Decimal(str(value)).quantize(CENTS, rounding=ROUND_HALF_UP)
    return value


def changes(
    old: Mapping[str, Any], wanted: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The old and the new values of the fields that really change."""
    new = {k: stored(k, v) for k, v in wanted.items() if stored(k, v) != stored(k, old[k])}
    return {k: stored(k, old[k]) for k in new}, new


def _named(runs: Iterable[ComingRun]) -> str:
    shown = [f"{run.booking} ({run.product})" for run in runs]
    more = len(shown) - LISTED
    return ", ".join(shown[:LISTED]) + (f" (+{more})" if more > 0 else "")


def halal_refusal(
    old: str, new: str, ran_pork: bool, coming: Iterable[ComingRun]
) -> Refusal | None:
    """Why the machine's halal status may not go from `old` to `new`; None when it may."""
    if old == new:
        return None
    if old == "never_halal":
        return Refusal(
            409, "halal_status", _("a never-halal machine stays never halal: it may have run pork")
        )
    if new == "halal_dedicated" and ran_pork:
        return Refusal(409, "halal_status", _("this machine has run pork: never halal work again"))
    runs = list(coming)
    if new == "halal_dedicated" and (clashing := [r for r in runs if not r.halal]):
        message = _("non-halal work is booked on it still: %(bookings)s")
        return Refusal(409, "halal_status", message, {"bookings": _named(clashing)})
    if new == "never_halal" and (clashing := [r for r in runs if r.halal]):
        message = _("halal work is booked on it still: %(bookings)s")
        return Refusal(409, "halal_status", message, {"bookings": _named(clashing)})
    return None
