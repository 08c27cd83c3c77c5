"""The flexible-request form of the UMKM's pages: its choices, defaults and field checks.

Every field arrives as text and is checked here, so a bad value becomes a message beside its field
(translated by the template, in the person's language) instead of an error page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.requests import RequestIn
from sharedfactory.businesses.tables import Permit
from sharedfactory.facilities.queries import HouseView, list_houses, list_machines
from sharedfactory.web.booking_form import Choice, class_choices, default_house


def _(text: str) -> str:
    """Marks a message for the catalogue; the template translates it."""
    return text


MAX_STEPS = 3
MAX_AHEAD_DAYS = 90
MAX_QUANTITY = Decimal(1_000_000)
UNITS = ("kg", "L", "pcs")
PRIORITIES = (("1", _("low")), ("2", _("medium")), ("3", _("high")))
NUMBER = re.compile(r"^\d{1,7}([.,]\d{1,3})?$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CLOCK = re.compile(r"^([01]\d|2[0-3])[:.][0-5]\d$")
STEP_KEYS = tuple(f"step{n}" for n in range(1, MAX_STEPS + 1))
FIELDS = (
    "house",
    *STEP_KEYS,
    "quantity",
    "unit",
    "class",
    "product",
    "earliest_date",
    "earliest_time",
    "deadline_date",
    "deadline_time",
    "priority",
)
Errors = dict[str, tuple[str, dict[str, str]]]


@dataclass(frozen=True)
class RequestOptions:
    """What the form offers, for the chosen house."""

    houses: list[HouseView]
    house: HouseView
    types: list[Choice]
    classes: list[Choice]

    def unit_of(self, machine_type: str) -> str:
        return next((t.unit for t in self.types if t.code == machine_type), "")


@dataclass
class Checked:
    errors: Errors = field(default_factory=dict)

    def fail(self, key: str, message: str, **params: str) -> None:
        self.errors.setdefault(key, (message, params))


async def load_options(viewer: Viewer, asked_house: str | None) -> RequestOptions:
    houses = await list_houses()
    if not houses:
        raise LookupError("no production house exists yet")
    chosen = next((h for h in houses if h.code == asked_house), None)
    house = chosen or await default_house(viewer, houses)
    machines = await list_machines(house.code)
    types = {
        m.type_code: Choice(m.type_code, m.type_name_id, m.type_name_en, m.batch_unit)
        for m in machines
    }
    return RequestOptions(
        houses,
        house,
        sorted(types.values(), key=lambda t: t.name_id),
        await class_choices(machines),
    )


async def defaults(viewer: Viewer, options: RequestOptions, today: date) -> dict[str, str]:
    row = (
        await Permit.select(Permit.product)
        .where(Permit.business.code == (viewer.business or ""))
        .order_by(Permit._meta.primary_key)  # the first permit, not the storage order's
        .first()
        .run()
    )
    first = options.types[0] if options.types else Choice("", "", "", "kg")
    return {
        "house": options.house.code,
        "step1": first.code,
        **dict.fromkeys(STEP_KEYS[1:], ""),
        "quantity": "10",
        "unit": first.unit or "kg",
        "class": options.classes[0].code if options.classes else "",
        "product": row["product"] if row else "",
        "earliest_date": (today + timedelta(days=1)).isoformat(),
        "earliest_time": "08:00",
        "deadline_date": (today + timedelta(days=7)).isoformat(),
        "deadline_time": "16:00",
        "priority": "2",
    }


def form_values(raw: Mapping[str, object], fallback: dict[str, str]) -> dict[str, str]:
    """What the form shows again: the person's text (cut short), else the default."""
    values = dict(fallback)
    for key in FIELDS:
        value = raw.get(key)
        if isinstance(value, str):
            values[key] = value[:200]
    return values


def _steps(raw: Mapping[str, str], options: RequestOptions, checked: Checked) -> list[str]:
    codes = {t.code for t in options.types}
    steps = []
    for index, key in enumerate(STEP_KEYS):
        value = raw.get(key, "")
        if value in codes:
            steps.append(value)
        elif value or index == 0:
            checked.fail(key, _("choose one from the list"))
    return steps


def _quantity(raw: Mapping[str, str], checked: Checked) -> Decimal:
    text = raw.get("quantity", "").strip()
    try:
        amount = Decimal(text.replace(",", ".")) if NUMBER.match(text) else None
    except InvalidOperation:  # pragma: no cover - the pattern admits plain decimals only
        amount = None
    if amount is None or not 0 < amount <= MAX_QUANTITY:
        checked.fail("quantity", _("give a number above 0, at most 1.000.000"))
        return Decimal(0)
    return amount


def _unit(raw: Mapping[str, str], options: RequestOptions, steps: list[str], c: Checked) -> None:
    unit = raw.get("unit", "")
    expected = options.unit_of(steps[0]) if steps else ""
    if unit not in UNITS:
        c.fail("unit", _("choose one from the list"))
    elif expected and unit != expected:
        c.fail("unit", _("the first step's machine measures in %(unit)s"), unit=expected)


def _moment(raw: Mapping[str, str], key: str, zone: str, checked: Checked) -> datetime | None:
    day_text = raw.get(f"{key}_date", "").strip()
    clock_text = raw.get(f"{key}_time", "").strip()
    try:
        day = date.fromisoformat(day_text) if ISO_DATE.match(day_text) else None
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year < 2100:
        checked.fail(key, _("give a date such as 2026-12-31"))
        return None
    if not CLOCK.match(clock_text):
        checked.fail(key, _("give a time such as 08:00"))
        return None
    hour, minute = int(clock_text[:2]), int(clock_text[3:])
    return datetime.combine(day, time(hour, minute), ZoneInfo(zone))


def _window(
    raw: Mapping[str, str], zone: str, now: datetime, checked: Checked
) -> tuple[datetime, datetime]:
    earliest = _moment(raw, "earliest", zone, checked)
    deadline = _moment(raw, "deadline", zone, checked)
    if earliest is None or deadline is None:
        return now, now
    earliest = max(earliest, now)
    if deadline <= earliest:
        checked.fail("deadline", _("must be after the earliest start, and in the future"))
    elif deadline > now + timedelta(days=MAX_AHEAD_DAYS):
        checked.fail("deadline", _("at most 90 days ahead"))
    return earliest, deadline


def _text(raw: Mapping[str, str], checked: Checked) -> str:
    product = raw.get("product", "").strip()
    if not 1 <= len(product) <= 200 or not product.isprintable():
        checked.fail("product", _("name the product (at most 200 characters)"))
    return product


def parse(
    raw: Mapping[str, str], options: RequestOptions, now: datetime
) -> tuple[RequestIn | None, Errors]:
    """The request the form asks for, or None and a message per wrong field."""
    checked = Checked()
    if raw.get("house") != options.house.code:
        checked.fail("house", _("choose one from the list"))
    steps = _steps(raw, options, checked)
    quantity = _quantity(raw, checked)
    _unit(raw, options, steps, checked)
    product_class = raw.get("class", "")
    if product_class not in {c.code for c in options.classes}:
        checked.fail("class", _("choose one from the list"))
    product = _text(raw, checked)
    earliest, deadline = _window(raw, options.house.timezone, now, checked)
    priority = raw.get("priority", "")
    if priority not in {code for code, _label in PRIORITIES}:
        checked.fail("priority", _("choose one from the list"))
    if checked.errors:
        return None, checked.errors
    wish = RequestIn(
        house=options.house.code,
        steps=steps,
        quantity=float(quantity),
        product_class=product_class,
        product=product,
        deadline=deadline,
        earliest=earliest,
        priority=int(priority),
    )
    return wish, {}
