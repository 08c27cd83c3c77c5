"""The slot search's reads: the facts a search needs, loaded once per house, machine type, UMKM
and whole days, and kept a few seconds (see `fresh`), so most searches touch no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sharedfactory.bookings.facts import BusinessFacts, MachineFacts, ProductKind
from sharedfactory.bookings.fresh import facts_tags, moving_cache
from sharedfactory.bookings.load import business_facts, machine_facts, product_kind
from sharedfactory.bookings.slots import Slot, SlotQuery, free_slots
from sharedfactory.fresh import FreshCache, Tags


class NoMachines(Exception):
    """The house has no machine of the type asked for (or the house does not exist)."""


@dataclass(frozen=True)
class Asked:
    house: str
    machine_type: str
    business: str | None  # None: staff looking without a UMKM
    product_class: str
    minutes: int
    since: datetime
    until: datetime
    now: datetime
    product: str = ""

    def days(self) -> tuple[datetime, datetime]:
        """Whole UTC days around the window: searches within them share their facts."""
        first = datetime.combine(self.since.astimezone(UTC).date(), time(0), UTC)
        last = datetime.combine(self.until.astimezone(UTC).date(), time(0), UTC)
        return first, last + timedelta(days=1)

    def tags(self) -> Tags:
        """What the search reads (see `fresh`): bookings elsewhere leave its answers kept."""
        return facts_tags(self.house, self.machine_type, self.business)


@dataclass(frozen=True)
class SearchFacts:
    machines: tuple[MachineFacts, ...]
    business: BusinessFacts
    kind: ProductKind


_facts: FreshCache[SearchFacts] = moving_cache()


async def search_facts(asked: Asked) -> SearchFacts:
    first, last = asked.days()
    key = (asked.house, asked.machine_type, asked.business, asked.product_class, first, last)
    return await _facts.load((*key, asked.now), lambda: _load(asked, first, last), asked.tags())


async def _load(asked: Asked, first: datetime, last: datetime) -> SearchFacts:
    machines = await machine_facts(
        first, last, asked.now, house=asked.house, machine_type=asked.machine_type, cached=True
    )
    if not machines:
        raise NoMachines(f"house {asked.house!r} has no machine of type {asked.machine_type!r}")
    business = BusinessFacts.anyone()
    if asked.business is not None:
        business = await business_facts(asked.business, asked.house, first, last, cached=True)
    kind = await product_kind(asked.product_class)
    return SearchFacts(tuple(machines), business, kind)


async def find_slots(asked: Asked, limit: int = 50) -> list[Slot]:
    """The earliest `limit` free slots where every house rule holds."""
    if asked.until <= asked.since:
        return []
    facts = await search_facts(asked)
    query = SlotQuery(asked.minutes, asked.since, asked.until, facts.kind, asked.product)
    return free_slots(facts.machines, facts.business, query, asked.now, limit)
