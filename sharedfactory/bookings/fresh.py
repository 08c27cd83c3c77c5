"""The slot search's caches of what it reads, dropped the moment this process changes it.

A search may see facts up to a few seconds old only when another process wrote them (another
worker, a command); changes made here empty the caches at once (`forget_cached_facts`). Booking
never reads through these caches: it checks every rule on fresh rows inside its write
transaction, so a stale search can only offer a slot that booking then refuses with 409.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TypeVar

from sharedfactory.fresh import FreshCache, Tags

V = TypeVar("V")

# The rarely changing facts (machines, rules, hours, holidays, shifts, permits, tiers) and the
# moving ones (bookings, maintenance, waitlist offers).
SETTLED: list[FreshCache[object]] = []
MOVING: list[FreshCache[object]] = []


def settled_cache(ttl_s: float = 10.0) -> FreshCache[V]:
    cache: FreshCache[V] = FreshCache(ttl_s)
    SETTLED.append(cache)  # type: ignore[arg-type]
    return cache


def moving_cache(ttl_s: float = 2.0) -> FreshCache[V]:
    cache: FreshCache[V] = FreshCache(ttl_s)
    MOVING.append(cache)  # type: ignore[arg-type]
    return cache


def forget_cached_facts() -> None:
    """After any change this process makes to what a search reads: a booking, cancellation,
    move, release or waitlist offer; rules, hours, holidays, maintenance, machines, permits,
    trainings or tiers. (A pork booking changes a machine's halal standing: one call for all.)"""
    for cache in SETTLED + MOVING:
        cache.clear()


def forget_moving_facts(tags: Tags = None) -> None:
    """After a change to bookings only, none of them pork: the machines, rules, hours and which
    machines ever ran pork stay as they were, so a burst of bookings does not make every search
    reload them. With `tags` (`facts_tags`), only the entries read from what it touched."""
    for cache in MOVING:
        cache.clear(tags)


def umkm_tag(business: str, house: str) -> Hashable:
    """A UMKM's own bookings at one house (its quota, its other bookings' gaps)."""
    return ("umkm", business, house)


def facts_tags(house: str | None, machine_type: str | None, business: str | None = None) -> Tags:
    """What an entry was read from, or what a booking written on one machine for one UMKM
    touches; None (any change touches it) when the house or the machine type is not known."""
    if house is None or machine_type is None:
        return None
    # One house's machines of one type, with their bookings:
    tags: set[Hashable] = {("machines", house, machine_type)}
    if business is not None:
        tags.add(umkm_tag(business, house))
    return frozenset(tags)
