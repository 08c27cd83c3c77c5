"""The booking search form of the UMKM's pages: its choices, defaults and field checks.

Every field arrives as text and is checked here, so a bad value becomes a message beside its field
(in the person's language) instead of an error page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sharedfactory.accounts.service import Viewer
from sharedfactory.businesses.tables import Business, Permit
from sharedfactory.facilities.queries import HouseView, MachineView, list_houses, list_machines
from sharedfactory.products.tables import ProductClass

MAX_MINUTES = 7 * 24 * 60
MAX_DAYS = 31
MAX_QUANTITY = Decimal(1_000_000)
NUMBER = re.compile(r"^\d{1,7}([.,]\d{1,3})?$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIELDS = ("house", "type", "duration", "unit", "from", "to", "class", "product", "quantity")


def _(text: str) -> str:
    """Marks a message for the catalogue; the template translates it."""
    return text


@dataclass(frozen=True)
class Choice:
    code: str
    name_id: str
    name_en: str
    unit: str = ""  # a machine type's batch unit (kg, L, pcs)

    def name(self, language: str) -> str:
        return self.name_id if language == "id" else self.name_en


@dataclass(frozen=True)
class Options:
    """What the form offers the viewer, for the chosen house."""

    houses: list[HouseView]
    house: HouseView
    machines: list[MachineView]
    types: list[Choice]
    classes: list[Choice]
    businesses: list[tuple[str, str]]  # staff book for a UMKM: (code, name)

    def machine_names(self) -> dict[str, str]:
        return {m.code: m.name for m in self.machines}


@dataclass(frozen=True)
class Search:
    house: str
    zone: str
    machine_type: str
    minutes: int
    first: date
    last: date
    product_class: str
    product: str
    quantity: Decimal
    business: str | None

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        zone = ZoneInfo(self.zone)
        since = datetime.combine(self.first, datetime.min.time(), zone)
        until = datetime.combine(self.last + timedelta(days=1), datetime.min.time(), zone)
        return max(since, now), until


@dataclass
class Checked:
    errors: dict[str, str] = field(default_factory=dict)

    def fail(self, key: str, message: str) -> None:
        self.errors.setdefault(key, message)


async def default_house(viewer: Viewer, houses: list[HouseView]) -> HouseView:
    if viewer.role == "umkm":
        row = (
            await Business.select(Business.cluster.code.as_alias("cluster"))
            .where(Business.code == viewer.business)
            .first()
            .run()
        )
        own = [h for h in houses if row and h.cluster_code == row["cluster"]]
        if own:
            return own[0]
    return houses[0]


async def class_choices(machines: list[MachineView]) -> list[Choice]:
    rows = await (
        ProductClass.select(
            ProductClass.code,
            ProductClass.name_id,
            ProductClass.name_en,
            ProductClass.contains_pork,
        )
        .order_by(ProductClass._meta.primary_key)  # the catalogue's order, not the rows' storage
        .run()
    )
    pork_machine = any(m.halal_status == "never_halal" for m in machines)
    return [
        Choice(r["code"], r["name_id"], r["name_en"])
        for r in rows
        if pork_machine or not r["contains_pork"]
    ]


async def _businesses(viewer: Viewer, house: HouseView) -> list[tuple[str, str]]:
    if viewer.role == "umkm":
        return []
    query = Business.select(Business.code, Business.name).order_by(Business.name)
    if viewer.role == "operator":
        query = query.where(Business.cluster.code == house.cluster_code)
    return [(r["code"], r["name"]) for r in await query.run()]


async def load_options(viewer: Viewer, asked_house: str | None) -> Options:
    houses = await list_houses()
    if viewer.role == "operator":
        houses = [h for h in houses if h.code == viewer.house]
    if not houses:
        raise LookupError("no production house is open to this login")
    chosen = next((h for h in houses if h.code == asked_house), None)
    house = chosen or await default_house(viewer, houses)
    machines = await list_machines(house.code)
    types = {m.type_code: Choice(m.type_code, m.type_name_id, m.type_name_en) for m in machines}
    return Options(
        houses,
        house,
        machines,
        sorted(types.values(), key=lambda t: t.name_id),
        await class_choices(machines),
        await _businesses(viewer, house),
    )


async def defaults(viewer: Viewer, options: Options, today: date) -> dict[str, str]:
    product = ""
    if viewer.business:
        row = (
            await Permit.select(Permit.product)
            .where(Permit.business.code == viewer.business)
            .order_by(Permit._meta.primary_key)  # the first permit, not the storage order's
            .first()
            .run()
        )
        product = row["product"] if row else ""
    tomorrow = today + timedelta(days=1)
    return {
        "house": options.house.code,
        "type": options.types[0].code if options.types else "",
        "duration": "60",
        "unit": "min",
        "from": tomorrow.isoformat(),
        "to": (tomorrow + timedelta(days=7)).isoformat(),
        "class": options.classes[0].code if options.classes else "",
        "product": product,
        "quantity": "1",
        "business": "",
    }


def _number(text: str) -> Decimal | None:
    if not NUMBER.match(text):
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits plain decimals only
        return None


def _minutes(raw: Mapping[str, str], checked: Checked) -> int:
    amount = _number(raw.get("duration", "").strip())
    scale = 60 if raw.get("unit") == "hour" else 1
    if raw.get("unit") not in ("min", "hour"):
        checked.fail("duration", _("choose minutes or hours"))
        return 0
    minutes = int(amount * scale) if amount is not None else 0
    if amount is None or minutes != amount * scale or not 1 <= minutes <= MAX_MINUTES:
        checked.fail("duration", _("give whole minutes (or hours), from 1 minute up to 7 days"))
    return minutes


def _day(raw: Mapping[str, str], key: str, checked: Checked) -> date | None:
    text = raw.get(key, "").strip()
    try:
        day = date.fromisoformat(text) if ISO_DATE.match(text) else None
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year < 2100:
        checked.fail(key, _("give a date such as 2026-12-31"))
        return None
    return day


def _dates(raw: Mapping[str, str], today: date, checked: Checked) -> tuple[date, date]:
    first, last = _day(raw, "from", checked), _day(raw, "to", checked)
    if first is None or last is None:
        return today, today
    if last < first or (last - first).days > MAX_DAYS:
        checked.fail("to", _("must be on or after the first day, and at most 31 days later"))
    elif last < today:
        checked.fail("to", _("must be today or later"))
    return first, last


def _quantity(raw: Mapping[str, str], checked: Checked) -> Decimal:
    amount = _number(raw.get("quantity", "").strip())
    if amount is None or not 0 < amount <= MAX_QUANTITY:
        checked.fail("quantity", _("give a number above 0, at most 1.000.000"))
        return Decimal(0)
    return amount


def _choice(raw: Mapping[str, str], key: str, codes: list[str], checked: Checked) -> str:
    value = raw.get(key, "")
    if value not in codes:
        checked.fail(key, _("choose one from the list"))
    return value


def _business(raw: Mapping[str, str], viewer: Viewer, options: Options, c: Checked) -> str | None:
    if viewer.role == "umkm":
        return viewer.business
    asked = raw.get("business") or None
    if asked is not None and asked not in {code for code, _name in options.businesses}:
        c.fail("business", _("choose one from the list"))
    return asked


def parse(
    raw: Mapping[str, str], viewer: Viewer, options: Options, today: date
) -> tuple[Search | None, dict[str, str]]:
    """The search the form asks for, or None and a message per wrong field."""
    checked = Checked()
    if raw.get("house") != options.house.code:
        checked.fail("house", _("choose one from the list"))
    machine_type = _choice(raw, "type", [t.code for t in options.types], checked)
    product_class = _choice(raw, "class", [c.code for c in options.classes], checked)
    minutes = _minutes(raw, checked)
    first, last = _dates(raw, today, checked)
    product = raw.get("product", "").strip()
    if not 1 <= len(product) <= 200:
        checked.fail("product", _("name the product (at most 200 characters)"))
    quantity = _quantity(raw, checked)
    business = _business(raw, viewer, options, checked)
    if checked.errors:
        return None, checked.errors
    search = Search(
        options.house.code,
        options.house.timezone,
        machine_type,
        minutes,
        first,
        last,
        product_class,
        product,
        quantity,
        business,
    )
    return search, {}


def form_values(raw: Mapping[str, object], fallback: dict[str, str]) -> dict[str, str]:
    """What the form shows again: the person's text (cut short), else the default."""
    values = dict(fallback)
    for key in (*FIELDS, "business"):
        value = raw.get(key)
        if isinstance(value, str):
            values[key] = value[:200]
    return values
